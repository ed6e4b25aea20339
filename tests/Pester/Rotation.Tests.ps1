# Rotation (issue 10, points 1-2) through the cmdlets against the sandbox: Get-KeyRotationDue judged by the policy from KMS's
# rotation data, agreeing with the audit store; Set-KeyRotationPolicy and Invoke-KeyRotation on the one operation path,
# piped from Get-KeyRotationDue; bad input refused before any AWS call.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-rotation-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 60 -AliasPrefix 'alias/rot-' -RotationMix
    $script:Kms = New-SandboxKmsClient $Sandbox
    function KeyIdOf([string] $alias) { $Kms.DescribeKeyAsync([Amazon.KeyManagementService.Model.DescribeKeyRequest]@{ KeyId = $alias }).GetAwaiter().GetResult().KeyMetadata.KeyId }
    Connect-KeyManagement -Environment sandbox -Role Admin
}
AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    $env:XDG_DATA_HOME = $SavedData
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'Get-KeyRotationDue' {
    It 'lists keys with their reason, due date and action, and pipes from Get-KeyStatus as it reads -All' {
        $all = @(Get-KeyRotationDue -Within 14)
        $all.Count | Should -BeGreaterThan 0
        $all[0].GetType().FullName | Should -Be 'BuzzKeyMgmt.Engine.Rotation.RotationDueItem'
        @($all.Reason | ForEach-Object { "$_" } | Sort-Object -Unique) | Should -Contain 'RotationDisabled'
        @($all.Reason | ForEach-Object { "$_" } | Sort-Object -Unique) | Should -Contain 'DueWithin'
        ($all | Where-Object { "$($_.Reason)" -eq 'RotationDisabled' })[0].Action | Should -Be 'EnableRotation'
        ($all | Where-Object { "$($_.Reason)" -eq 'PendingDeletion' })[0].Action | Should -Be 'None'
        $piped = @(Get-KeyStatus -All | Get-KeyRotationDue -Within 14)
        @($piped.KeyId | Sort-Object) | Should -Be @($all.KeyId | Sort-Object)
        @($piped.Reason | ForEach-Object { "$_" } | Sort-Object) | Should -Be @($all.Reason | ForEach-Object { "$_" } | Sort-Object)
    }

    It 'judges a named key by its newest rotation, including one made on demand' {
        $keyId = KeyIdOf 'alias/rot-15'    # a seeded key whose automatic rotation is off and that never rotated
        $before = Get-KeyRotationDue -KeyId alias/rot-15
        "$($before.Reason)" | Should -Be 'RotationDisabled'
        $before.LastRotationDate | Should -BeNullOrEmpty
        $null = $Kms.RotateKeyOnDemandAsync([Amazon.KeyManagementService.Model.RotateKeyOnDemandRequest]@{ KeyId = $keyId }).GetAwaiter().GetResult()
        $null = Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Minutes 10)
        Connect-KeyManagement -Environment sandbox -Role Admin
        $after = Get-KeyRotationDue -KeyId alias/rot-15
        $after.LastRotationDate | Should -Not -BeNullOrEmpty
        $after.DueDate | Should -BeGreaterThan $before.DueDate
    }

    It 'reads the fleet with progress and stops promptly on Ctrl+C' {
        $null = Set-KeyMgmtSandboxFault -Operation '*' -Kind Latency -Probability 1 -Latency '00:00:00.050'
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand('Get-KeyRotationDue').AddParameter('ThrottleLimit', 2).AddParameter('Session', (Get-KeyMgmtSession))
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not @($ps.Streams.Progress | Where-Object StatusDescription -match 'keys read').Count -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $async.IsCompleted | Should -BeFalse -Because 'at 2 keys at a time and 50 ms a call the fleet takes a while'
            $ps.Stop()
            "$($ps.InvocationStateInfo.State)" | Should -Be 'Stopped'
            @($ps.Streams.Progress | Where-Object StatusDescription -match 'keys read').Count | Should -BeGreaterThan 0
        }
        finally { Set-KeyMgmtSandboxFault -Clear; $ps.Dispose() }
    }

    It 'refuses a horizon out of range at binding' {
        { Get-KeyRotationDue -Within -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Set-KeyRotationPolicy and Invoke-KeyRotation' {
    It 'Get-KeyRotationDue | Set-KeyRotationPolicy fixes what is off and skips the rest; one summary alert' {
        $before = @(Get-KeyMgmtSandboxMessage).Count
        $fix = @(Get-KeyRotationDue | Where-Object { "$($_.Reason)" -in 'RotationDisabled', 'PendingDeletion' })
        $results = @($fix | Set-KeyRotationPolicy -Confirm:$false -InformationVariable info)
        $results.Count | Should -Be @($fix | Where-Object Action -eq 'EnableRotation').Count
        $results | ForEach-Object { $_.RotationEnabled | Should -BeTrue; $_.RotationPeriodDays | Should -Be 90 }
        "$info" | Should -Match 'skipped'
        @(Get-KeyRotationDue | Where-Object { "$($_.Reason)" -eq 'RotationDisabled' }).Count | Should -Be 0
        $messages = @(Get-KeyMgmtSandboxMessage | Select-Object -Skip $before)
        $messages.Count | Should -Be 1 -Because 'successes are not alerted one by one; a bulk run sends one summary'
        $messages[0].Subject | Should -Match 'KEY ROTATE POLICY SUMMARY'
        @(Get-KeyAuditLog -Operation ROTATE_POLICY).Count | Should -Be (2 * $results.Count)
    }

    It 'Get-KeyRotationDue -Within 0 | Invoke-KeyRotation rotates what is due' {
        $due = @(Get-KeyRotationDue -Within 0 | Where-Object Action -eq 'Rotate')
        $due.Count | Should -BeGreaterThan 0
        $rotated = @($due | Invoke-KeyRotation -Confirm:$false)
        $rotated.Count | Should -Be $due.Count
        $rotated | ForEach-Object { $_.RotationState | Should -BeIn 'InProgress', 'Completed' }
        @(Get-KeyAuditLog -Operation ROTATE | Where-Object { "$($_.Outcome)" -eq 'Succeeded' }).Count | Should -Be $due.Count
    }

    It 'refuses a period longer than the policy unless -Force, before any AWS call' {
        $sent = $Sandbox.RequestCount('KMS.EnableKeyRotation')
        Set-KeyRotationPolicy alias/rot-2 -RotationPeriodDays 365 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PeriodLongerThanPolicy,*'
        "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $Sandbox.RequestCount('KMS.EnableKeyRotation') | Should -Be $sent
        (Set-KeyRotationPolicy alias/rot-2 -RotationPeriodDays 365 -Force -Confirm:$false -WarningAction SilentlyContinue).RotationPeriodDays | Should -Be 365
        { Set-KeyRotationPolicy alias/rot-2 -RotationPeriodDays 30 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It '-WhatIf sends and writes nothing' {
        $sent = $Sandbox.RequestCount('KMS.RotateKeyOnDemand')
        $rows = @(Get-KeyAuditLog -Operation ROTATE).Count
        Invoke-KeyRotation alias/rot-3 -WhatIf
        $Sandbox.RequestCount('KMS.RotateKeyOnDemand') | Should -Be $sent
        @(Get-KeyAuditLog -Operation ROTATE).Count | Should -Be $rows
    }

    It 'the on-demand lifetime limit is one clear error, sent once' {
        $keyId = KeyIdOf 'alias/rot-4'
        # Used up outside the quotas: 25 calls in a row would drain RotateKeyOnDemand's request quota, and the module's
        # one call would then be throttled and retried (a legitimate second request, not what this test is about).
        $Sandbox.EnforceQuotas = $false
        try {
            1..($Sandbox.Kms.GetType()::OnDemandRotationLimit) | ForEach-Object {
                $null = $Kms.RotateKeyOnDemandAsync([Amazon.KeyManagementService.Model.RotateKeyOnDemandRequest]@{ KeyId = $keyId }).GetAwaiter().GetResult()
                $null = Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Minutes 10)
            }
        }
        finally { $Sandbox.EnforceQuotas = $true }
        Connect-KeyManagement -Environment sandbox -Role Admin
        $sent = $Sandbox.RequestCount('KMS.RotateKeyOnDemand')
        Invoke-KeyRotation alias/rot-4 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'OnDemandRotationLimit,*'
        "$($e[0].CategoryInfo.Category)" | Should -Be 'LimitsExceeded'
        $Sandbox.RequestCount('KMS.RotateKeyOnDemand') | Should -Be ($sent + 1)
        (Get-KeyMgmtSandboxMessage -Last 1).Subject | Should -Match 'KEY ROTATE FAILED'
    }
}
