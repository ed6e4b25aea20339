# The one operation path through the cmdlets (issue 9): -Verbose tells each step, failures keep their warnings, a stop
# after a change was sent records the real state, a role is taken once per MFA code, fleet reads stop with the
# pipeline, and a parallel runspace keeps its own sessions.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-oppath-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 20 -AliasPrefix 'alias/op-'
    function Connect-Emergency { Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042 }
    function Revoke([string] $alias) {
        Connect-Emergency
        $null = Revoke-EncryptionKey $alias -IncidentId INC-2026-0042 -Reason 'set-up' -Force
    }
    function Approved([string] $alias) {
        Connect-KeyManagement -Environment sandbox -Role None -ChangeId CHG-2026-0107
        $req = Request-KeyRecovery $alias -ChangeId CHG-2026-0107 -Reason 'false alarm'
        foreach ($who in 'approver1', 'approver2') {
            Connect-KeyManagement -Environment "sandbox-$who" -Role None -ChangeId CHG-2026-0107
            $null = Approve-KeyRecovery $req.RequestId
        }
        Connect-KeyManagement -Environment sandbox -Role None -ChangeId CHG-2026-0107
        $req
    }
    # Waits (bounded) until the sandbox has received a request, so a stop lands exactly after the change was sent.
    function Wait-Request([string] $target, [long] $above) {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ($Sandbox.RequestCount($target) -le $above) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "no $target reached the sandbox" }
            Start-Sleep -Milliseconds 10
        }
    }
}
AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    $env:XDG_DATA_HOME = $SavedData
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'Each step, told and recorded' {
    It '-Verbose tells each step: the AWS call and its request id, the read-back, the audit rows and the alert' {
        Connect-Emergency
        $records = Revoke-EncryptionKey alias/op-1 -IncidentId INC-2026-0042 -Reason 'verbose' -Force -Verbose 4>&1
        $result = @($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $result.Count | Should -Be 1
        $verbose | Should -Contain ($verbose | Where-Object { $_ -match '^DisableKey answered \(request id [^n]' } | Select-Object -First 1)
        @($verbose | Where-Object { $_ -match '^Read back: alias/op-1 is Disabled' }).Count | Should -Be 1
        @($verbose | Where-Object { $_ -match "^Audit Completed row $($result[0].AuditId): Succeeded" }).Count | Should -Be 1
        @($verbose | Where-Object { $_ -match "^Alert $($result[0].AlertId) published" }).Count | Should -Be 1
        $order = 'Resolved', 'Audit Started row', 'DisableKey answered', 'Read back', 'Audit Completed row', 'Alert ' |
            ForEach-Object { $p = $_; [array]::FindIndex([string[]]$verbose, [Predicate[string]] { param($m) $m.StartsWith($p) }) }
        $order | Should -Not -Contain -1
        $order | Should -Be ($order | Sort-Object)
    }

    It 'a revocation that does not verify shows its warnings (the alert queued) with its error' {
        Connect-Emergency
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind SilentNoOp -Count 1
        $null = Set-KeyMgmtSandboxFault -Operation SNS.Publish -Kind InternalError -Probability 1
        try {
            Revoke-EncryptionKey alias/op-2 -IncidentId INC-2026-0042 -Reason 'lost write' -Force -ErrorVariable e -ErrorAction SilentlyContinue -WarningVariable w -WarningAction SilentlyContinue
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
        $e[0].FullyQualifiedErrorId | Should -BeLike 'VerificationFailed,*'
        "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidResult'
        ($w -join "`n") | Should -Match 'queued'
        "$((Get-KeyAuditLog -KeyId alias/op-2 -Last 1).Outcome)" | Should -Be 'Failed'
    }

    It 'a recovery request denied by AWS is a typed error with both audit rows (not a raw SDK exception)' {
        Connect-KeyManagement -Environment sandbox-trainee -Role None -ChangeId CHG-2026-0107
        Request-KeyRecovery alias/op-3 -ChangeId CHG-2026-0107 -Reason 'no rights' -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'AccessDenied,BuzzKeyMgmt.Cmdlets.Recovery.RequestKeyRecoveryCommand'
        "$($e[0].CategoryInfo.Category)" | Should -Be 'PermissionDenied'
        $rows = @(Get-KeyAuditLog -KeyId alias/op-3 -Operation RECOVERY_REQUEST)
        $rows.Count | Should -Be 2
        "$($rows[0].Outcome)" | Should -Be 'Failed'
        $rows[0].ErrorCode | Should -Be 'AccessDenied'
    }
}

Describe 'Stops, roles and lifetimes' {
    It 'Ctrl+C in Restore-EncryptionKey after EnableKey was sent lets it finish and records the real state' {
        Revoke alias/op-4
        $null = Approved alias/op-4
        $session = Connect-KeyManagement -Environment sandbox -Role Recovery -MfaCode (Get-KeyMgmtSandboxMfaCode) -ChangeId CHG-2026-0107 -PassThru
        $before = $Sandbox.RequestCount('KMS.EnableKey')
        $null = Set-KeyMgmtSandboxFault -Operation KMS.EnableKey -Kind Latency -Probability 1 -Latency '00:00:02'
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand('Restore-EncryptionKey').AddParameter('KeyId', 'alias/op-4').AddParameter('ChangeId', 'CHG-2026-0107').
                AddParameter('Session', $session).AddParameter('Confirm', $false).AddParameter('Verbose', $true)
            $null = $ps.BeginInvoke()
            Wait-Request 'KMS.EnableKey' $before
            $ps.Stop()
            "$($ps.InvocationStateInfo.State)" | Should -Be 'Stopped'
        }
        finally { Set-KeyMgmtSandboxFault -Clear; $ps.Dispose() }
        (Get-KeyStatus alias/op-4).State | Should -Be 'Enabled'
        $rows = @(Get-KeyAuditLog -KeyId alias/op-4 -Operation RECOVER)
        @($rows | ForEach-Object { "$($_.Phase)" }) | Should -Be @('Completed', 'Started')
        "$($rows[0].Outcome)" | Should -Be 'Succeeded'
    }

    It 'a restore pipeline over two keys spends one MFA code once (AWS refuses a code used twice)' {
        Revoke alias/op-5
        Revoke alias/op-6
        $null = Approved alias/op-5
        $null = Approved alias/op-6
        $assumed = $Sandbox.RequestCount('STS.AssumeRole')
        $restored = @('alias/op-5', 'alias/op-6' | Restore-EncryptionKey -ChangeId CHG-2026-0107 -MfaCode (Get-KeyMgmtSandboxMfaCode) -Confirm:$false)
        @($restored.State) | Should -Be @('Enabled', 'Enabled')
        $Sandbox.RequestCount('STS.AssumeRole') | Should -Be ($assumed + 1)
    }

    It 'Get-KeyStatus -All | Select-Object -First 5 leaves nothing reading the fleet' {
        $null = Add-KeyMgmtSandboxKey -Count 400 -AliasPrefix 'alias/sel-'
        Connect-KeyManagement -Environment sandbox -Role Admin
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DescribeKey -Kind Latency -Probability 1 -Latency '00:00:00.020'
        try {
            $five = @(Get-KeyStatus -All -ThrottleLimit 8 | Select-Object -First 5)
            $atEnd = $Sandbox.RequestCount('KMS.DescribeKey')
            Start-Sleep -Milliseconds 500
            $Sandbox.RequestCount('KMS.DescribeKey') | Should -Be $atEnd -Because 'no worker may go on reading after the pipeline ended'
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
        $five.Count | Should -Be 5
    }

    It 'a session connected in a ForEach-Object -Parallel runspace does not replace the caller''s' {
        Connect-KeyManagement -Environment sandbox -Role Admin
        $mine = Get-KeyMgmtSession
        $path = Get-BuiltModulePath
        $inside = 1 | ForEach-Object -Parallel {
            Import-Module $using:path
            $null = Start-KeyMgmtSandbox
            Connect-KeyManagement -Environment sandbox -Role None
            "$((Get-KeyMgmtSession).Role)"
            Stop-KeyMgmtSandbox
        }
        $inside | Should -Be 'None'
        "$((Get-KeyMgmtSession).Role)" | Should -Be 'Admin'
        (Get-KeyMgmtSession).CallerArn | Should -Be $mine.CallerArn
        # A session handed to the parallel runspace works there.
        $state = 1 | ForEach-Object -Parallel { Import-Module $using:path; (Get-KeyStatus alias/op-9 -Session $using:mine).State }
        $state | Should -Be 'Enabled'
    }

    It 'a closed session says so when it is used again' {
        $old = Connect-KeyManagement -Environment sandbox -Role Admin -PassThru
        $null = Connect-KeyManagement -Environment sandbox -Role Admin -PassThru   # same name: replaces and closes the old one
        $err = { Get-KeyStatus alias/op-9 -Session $old } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SessionClosed,*'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Connect-KeyManagement -Environment sandbox -Role Admin'
    }
}
