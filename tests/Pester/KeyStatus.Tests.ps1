# Get-KeyStatus (issue 4, points 3-5 and 7) against the sandbox's KMS.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
}

Describe 'Get-KeyStatus' {
    BeforeAll {
        $script:Sandbox = Start-KeyMgmtSandbox -PassThru
        $null = Add-KeyMgmtSandboxKey -Count 30 -AliasPrefix 'alias/app-'
        Connect-KeyManagement -Environment sandbox -Role Admin
    }
    AfterAll { Disconnect-KeyManagement; Stop-KeyMgmtSandbox }

    It 'pipes alias names by value, in order' {
        $s = @('alias/app-1', 'alias/app-2' | Get-KeyStatus)
        $s.Count | Should -Be 2
        $s[0].Aliases | Should -Contain 'alias/app-1'
        $s[1].Aliases | Should -Contain 'alias/app-2'
        $s[0].GetType().FullName | Should -Be 'BuzzKeyMgmt.Engine.Status.KeyStatus'
        $s[0].Environment | Should -Be 'sandbox'
        $s[0].State | Should -Be 'Enabled'
        $s[0].Enabled | Should -BeTrue
        $s[0].KeySpec | Should -Be 'SYMMETRIC_DEFAULT'
        $s[0].KeyManager | Should -Be 'CUSTOMER'
        $s[0].Arn | Should -Match ":key/$($s[0].KeyId)$"
    }

    It 'accepts key id, key ARN, alias name and alias ARN, and pipes by property name' {
        $first = Get-KeyStatus -KeyId alias/app-3
        $aliasArn = "arn:aws:kms:$($Sandbox.Region):$($Sandbox.AccountId):alias/app-3"
        foreach ($ref in $first.KeyId, $first.Arn, 'alias/app-3', $aliasArn) {
            (Get-KeyStatus -KeyId $ref).KeyId | Should -Be $first.KeyId -Because $ref
        }
        ($first | Get-KeyStatus).KeyId | Should -Be $first.KeyId
        ([pscustomobject]@{ KeyId = 'alias/app-4' } | Get-KeyStatus).Aliases | Should -Contain 'alias/app-4'
    }

    It 'reports rotation: enabled, period, next and derived last rotation' {
        $keyId = (Get-KeyStatus alias/app-5).KeyId
        $kms = New-SandboxKmsClient $Sandbox
        $null = $kms.EnableKeyRotationAsync([Amazon.KeyManagementService.Model.EnableKeyRotationRequest]@{ KeyId = $keyId; RotationPeriodInDays = 90 }).GetAwaiter().GetResult()
        $s = Get-KeyStatus $keyId
        $s.RotationEnabled | Should -BeTrue
        $s.RotationPeriodDays | Should -Be 90
        ($s.NextRotationDate - $Sandbox.Clock.GetUtcNow()).TotalDays | Should -BeGreaterThan 89
        Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Days 91)
        Connect-KeyManagement -Environment sandbox -Role Admin   # the one-hour session expired with the clock
        $after = Get-KeyStatus $keyId -IncludeRotationHistory
        $after.LastRotationDate | Should -Not -BeNullOrEmpty
        $after.LastRotationDerived | Should -BeFalse
        $derived = Get-KeyStatus $keyId
        $derived.LastRotationDerived | Should -BeTrue
        [math]::Abs(($derived.LastRotationDate - $after.LastRotationDate).TotalMinutes) | Should -BeLessThan 1
    }

    It 'matches alias wildcards' {
        $matched = @(Get-KeyStatus -Alias 'alias/app-1*')
        # app-1, app-10 … app-19
        $matched.Count | Should -Be 11
        @($matched | Where-Object { -not ($_.Aliases -like 'alias/app-1*') }).Count | Should -Be 0
    }

    It 'leaves AWS managed keys out of fleet results unless asked' {
        @(Get-KeyStatus -All | Where-Object KeyManager -eq 'AWS').Count | Should -Be 0
        @(Get-KeyStatus -All -IncludeAwsManaged | Where-Object KeyManager -eq 'AWS').Count | Should -BeGreaterThan 0
        (Get-KeyStatus alias/aws/ebs).KeyManager | Should -Be 'AWS'
    }

    It 'an unknown key is a non-terminating KeyNotFound error and the rest continue' {
        $out = @('alias/app-6', 'alias/does-not-exist', 'alias/app-7' | Get-KeyStatus -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'KeyNotFound,BuzzKeyMgmt.Cmdlets.Status.GetKeyStatusCommand'
        "$($errs[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'alias/does-not-exist'
    }

    It 'a malformed key id is rejected at binding with the accepted forms, before any AWS call' {
        $err = { Get-KeyStatus -KeyId 'CEK User 1' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $err.Exception.Message | Should -Match 'alias name \(alias/ExampleAlias\)'
        { Get-KeyStatus -Alias 'alias/has space*' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'shows a table view with what an administrator scans first' {
        $text = Get-KeyStatus alias/app-8 | Format-Table | Out-String -Width 120   # the views are laid out for 120 columns
        $text | Should -Match 'Alias\s+State\s+Rotation\s+NextRotation\s+DeletionDate'
        $text | Should -Match 'alias/app-8\s+Enabled'
    }
}

Describe 'Get-KeyStatus permissions' {
    BeforeAll { $script:Sandbox = Start-KeyMgmtSandbox -PassThru; $null = Add-KeyMgmtSandboxKey -Count 2 -AliasPrefix 'alias/p-' }
    AfterAll { Disconnect-KeyManagement; Stop-KeyMgmtSandbox }

    It 'access denied is PermissionDenied naming the role that is needed' {
        Connect-KeyManagement -Environment sandbox-trainee -Role None
        $out = Get-KeyStatus alias/p-1 -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
        "$($errs[0].CategoryInfo.Category)" | Should -Be 'PermissionDenied'
        $errs[0].Exception.Message | Should -Match 'Admin, Emergency or Recovery role'
    }
}

Describe 'Get-KeyStatus over a fleet' {
    BeforeAll {
        $script:Sandbox = Start-KeyMgmtSandbox -PassThru
        $null = Add-KeyMgmtSandboxKey -Count 2500 -AliasPrefix 'alias/CEK_User_' -RotationMix
        Connect-KeyManagement -Environment sandbox -Role Admin
    }
    AfterAll { Disconnect-KeyManagement; Stop-KeyMgmtSandbox }

    It 'reads 2,500 keys with -All inside AWS''s quotas: every key once, no error, throttling retried' {
        $all = @(Get-KeyStatus -All -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 0
        $all = @($all | Where-Object { $_.Aliases -notcontains 'alias/buzzkeymgmt-audit-digest' })   # the sandbox's own digest key
        $all.Count | Should -Be 2500
        @($all.KeyId | Select-Object -Unique).Count | Should -Be 2500
        @($all | Where-Object { $_.Aliases -like 'alias/CEK_User_*' }).Count | Should -Be 2500
        @($all.State | Select-Object -Unique) | Should -Contain 'Disabled'
    }

    It 'shows progress with counts and completes it' {
        $ps = New-ModulePowerShell
        # A new runspace has its own sessions: it is handed this one, as a script would do.
        $null = $ps.AddCommand('Get-KeyStatus').AddParameter('Alias', 'alias/CEK_User_1*').AddParameter('Session', (Get-KeyMgmtSession))
        $out = $ps.Invoke()
        $records = @($ps.Streams.Progress)
        $out.Count | Should -Be 1111
        @($records | Where-Object { $_.StatusDescription -match '\d+ of 1111 keys read' }).Count | Should -BeGreaterThan 0
        $records[-1].RecordType | Should -Be 'Completed'
        $ps.Dispose()
    }

    It 'stops promptly when the pipeline is stopped (Ctrl+C)' {
        $null = Set-KeyMgmtSandboxFault -Operation '*' -Kind Latency -Probability 1 -Latency '00:00:00.050'
        try {
            $ps = New-ModulePowerShell
            $null = $ps.AddCommand('Get-KeyStatus').AddParameter('All').AddParameter('ThrottleLimit', 4).AddParameter('Session', (Get-KeyMgmtSession))
            $async = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 500
            $async.IsCompleted | Should -BeFalse -Because 'at 4 keys at a time and 50 ms a call the fleet takes minutes'
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $stopped = $sw.Elapsed
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            # Not a timing assertion on speed: a hang (the failure this guards against) would take minutes.
            $stopped.TotalSeconds | Should -BeLessThan 30
            $ps.Dispose()
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
    }
}
