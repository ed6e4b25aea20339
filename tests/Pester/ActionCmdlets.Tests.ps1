# The action cmdlets as PowerShell users expect them (issue 14, points 6-9): arrays and binding by property name like
# AWS.Tools' listings, -Verbose one line per step and -Debug for retries, checks before the prompt, -MaxKeys before the
# first change, and bulk runs that show progress and end with a summary line.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-action-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 40 -AliasPrefix 'alias/ac-'
    function Connect-Emergency { Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042 -PassThru }
    function State([string] $alias) { "$((Get-KeyStatus $alias).State)" }
    # One command in a fresh runspace with no host: a prompt there fails ("the host ... does not support user
    # interaction") instead of waiting, so a test sees whether the cmdlet asked.
    function Invoke-Hostless([string] $command, [hashtable] $parameters, [object[]] $pipe = $null) {
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand($command)
            foreach ($name in $parameters.Keys) { $null = $ps.AddParameter($name, $parameters[$name]) }
            $output = if ($null -ne $pipe) { $ps.Invoke($pipe) } else { $ps.Invoke() }
            [pscustomobject]@{
                Output = @($output); Errors = @($ps.Streams.Error); Verbose = @($ps.Streams.Verbose | ForEach-Object Message)
                Debug = @($ps.Streams.Debug | ForEach-Object Message); Progress = @($ps.Streams.Progress); Information = @($ps.Streams.Information)
            }
        }
        catch {
            [pscustomobject]@{ Output = @(); Errors = @($_); Verbose = @(); Debug = @(); Progress = @(); Information = @() }
        }
        finally { $ps.Dispose() }
    }
}
AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    $env:XDG_DATA_HOME = $SavedData
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'Arrays and binding (point 6)' {
    It '<_> takes string[] KeyId bound from the pipeline by value and by KeyId, Arn, KeyArn or TargetKeyId' -ForEach @(
        'Revoke-EncryptionKey', 'Request-KeyRecovery', 'Restore-EncryptionKey', 'Test-KeyAccess', 'Set-KeyRotationPolicy', 'Invoke-KeyRotation'
    ) {
        $p = (Get-Command $_).Parameters['KeyId']
        $p.ParameterType | Should -Be ([string[]])
        @($p.Aliases | Sort-Object) | Should -Be @('Arn', 'KeyArn', 'TargetKeyId')
        $p.Attributes.ValueFromPipeline | Should -Contain $true
        $p.Attributes.ValueFromPipelineByPropertyName | Should -Contain $true
    }

    It 'Revoke-EncryptionKey -KeyId a,b revokes both' {
        $null = Connect-Emergency
        $r = @(Revoke-EncryptionKey -KeyId alias/ac-1, alias/ac-2 -IncidentId INC-2026-0042 -Reason 'array' -Force 6>$null)
        @($r.Alias) | Should -Be @('alias/ac-1', 'alias/ac-2')
        State alias/ac-1 | Should -Be 'Disabled'
        State alias/ac-2 | Should -Be 'Disabled'
    }

    It 'binds objects shaped like Get-KMSKeyList (KeyId, KeyArn) and Get-KMSAliasList (AliasName, AliasArn, TargetKeyId) output' {
        $null = Connect-Emergency
        $k3 = Get-KeyStatus alias/ac-3
        $k4 = Get-KeyStatus alias/ac-4
        $keyList = [pscustomobject]@{ KeyId = $k3.KeyId; KeyArn = $k3.Arn }
        $aliasList = [pscustomobject]@{ AliasName = 'alias/ac-4'; AliasArn = 'arn:aws:kms:us-east-1:111122223333:alias/ac-4'; TargetKeyId = $k4.KeyId }
        $r = @($keyList, $aliasList | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason 'shapes' -Force 6>$null)
        @($r.KeyId) | Should -Be @($k3.KeyId, $k4.KeyId)
        @($r.State) | Should -Be @('Disabled', 'Disabled')
        # The same shapes into the rotation and access-test cmdlets.
        Connect-KeyManagement -Environment sandbox -Role Admin
        $k5 = Get-KeyStatus alias/ac-5
        (@([pscustomobject]@{ AliasName = 'alias/ac-5'; TargetKeyId = $k5.KeyId } | Invoke-KeyRotation -Confirm:$false)).KeyId | Should -Be $k5.KeyId
        $tested = @(Test-KeyAccess -KeyId alias/ac-5, alias/ac-6 -MfaCode (Get-KeyMgmtSandboxMfaCode))
        @($tested.Passed) | Should -Be @($true, $true)
    }
}

Describe '-Verbose and -Debug tell the story (point 7)' {
    It '-Verbose: one line per step (resolve, audit, role, AWS call with request id and time, read-back, audit, alert)' {
        $null = Connect-Emergency
        $records = Revoke-EncryptionKey alias/ac-7 -IncidentId INC-2026-0042 -Reason 'story' -Force -Verbose 4>&1
        $result = @($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $result.Count | Should -Be 1
        $expected = @(
            '^Resolved alias/ac-7: key [0-9a-f-]{36} \(alias/ac-7\), Enabled \(DescribeKey request id [0-9a-f-]+, \d+ ms\)\.$'
            "^Audit Started row [0-9a-f-]{36}: Disable alias/ac-7 for INC-2026-0042$"
            '^Acting as arn:aws:sts::\d+:assumed-role/BuzzKeyMgmtEmergency/.+ \(Emergency, held by the session\)\.$'
            '^DisableKey answered \(request id [0-9a-f-]+, \d+ ms\)\.$'
            '^Read back: alias/ac-7 is Disabled \(\d+ read\(s\), \d+ ms\)\.$'
            "^Audit Completed row $($result[0].AuditId): Succeeded\.$"
            "^Alert $($result[0].AlertId) published \(SNS message id [0-9a-f-]+\)\.$"
        )
        $at = foreach ($pattern in $expected) { [array]::FindIndex([string[]]$verbose, [Predicate[string]] { param($m) $m -match $pattern }.GetNewClosure()) }
        $at | Should -Not -Contain -1 -Because ($verbose -join "`n")
        $at | Should -Be ($at | Sort-Object)
        @($verbose | Where-Object { $_ -match '^DescribeKey answered' }).Count | Should -Be 0 -Because 'the resolve step is one line'
        @($verbose | Where-Object { $_ -match "`n" }).Count | Should -Be 0
    }

    It '-Verbose names the role assumed with -MfaCode and the time it took' {
        Connect-KeyManagement -Environment sandbox -Role Admin
        $verbose = @(Revoke-EncryptionKey alias/ac-8 -IncidentId INC-2026-0042 -Reason 'role' -MfaCode (Get-KeyMgmtSandboxMfaCode) -Force -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        @($verbose | Where-Object { $_ -match '^Acting as arn:aws:sts::\d+:assumed-role/BuzzKeyMgmtEmergency/.+ \(Emergency, role session ready in \d+ ms\)\.$' }).Count | Should -Be 1
    }

    It '-Debug adds the throttled retries, without a prompt, and still tells the steps' {
        $session = Connect-Emergency
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind Throttling -Count 2
        try {
            $r = Invoke-Hostless 'Revoke-EncryptionKey' @{ KeyId = 'alias/ac-9'; IncidentId = 'INC-2026-0042'; Reason = 'throttled'; Force = $true; Debug = $true; Session = $session }
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
        $r.Errors | Should -BeNullOrEmpty -Because 'PowerShell turns -Debug into an Inquire verbose preference: no step may prompt'
        $r.Output.Count | Should -Be 1
        $r.Output[0].State | Should -Be 'Disabled'
        # Two throttled answers, each retried: by the SDK inside the call, or by the emergency's throttling budget.
        $retries = @($r.Debug | Where-Object { $_ -match '^DisableKey: the AWS SDK retries the call \(attempt \d\)' -or
                $_ -match '^DisableKey was throttled \(.+\); retrying in \d+ ms \(\d+ s of the 120 s throttling budget left\)\.$' })
        $retries.Count | Should -Be 2 -Because ($r.Debug -join "`n")
        @($r.Debug | Where-Object { $_ -match '^DisableKey answered \(request id ' }).Count | Should -Be 1
        $r.Verbose | Should -BeNullOrEmpty
    }
}

Describe 'Safety in the right order (point 8)' {
    It 'without the Emergency role and -MfaCode, -Confirm gives the role error and no prompt; the attempt is audited' {
        $admin = Connect-KeyManagement -Environment sandbox -Role Admin -PassThru
        $sent = $Sandbox.RequestCount('KMS.DisableKey')
        $r = Invoke-Hostless 'Revoke-EncryptionKey' @{ KeyId = 'alias/ac-10'; IncidentId = 'INC-2026-0042'; Reason = 'no role'; Confirm = $true; Session = $admin }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'EmergencyRoleRequired,BuzzKeyMgmt.Cmdlets.Revocation.RevokeEncryptionKeyCommand'
        $Sandbox.RequestCount('KMS.DisableKey') | Should -Be $sent
        State alias/ac-10 | Should -Be 'Enabled'
        "$((Get-KeyAuditLog -KeyId alias/ac-10 -Last 1).ErrorCode)" | Should -Be 'EmergencyRoleRequired'
    }

    It 'with the role, the same -Confirm does ask (the host-less runspace cannot answer): nothing changes' {
        $session = Connect-Emergency
        $r = Invoke-Hostless 'Revoke-EncryptionKey' @{ KeyId = 'alias/ac-10'; IncidentId = 'INC-2026-0042'; Reason = 'asks'; Confirm = $true; Session = $session }
        $r.Errors.Count | Should -Be 1
        "$($r.Errors[0])" | Should -Match 'prompt|interact'
        State alias/ac-10 | Should -Be 'Enabled'
    }

    It 'Restore-EncryptionKey: no Recovery role and no -MfaCode is the role error with no prompt; -Force restores with no prompt' {
        $null = Connect-Emergency
        $null = Revoke-EncryptionKey alias/ac-11 -IncidentId INC-2026-0042 -Reason 'for restore' -Force
        Connect-KeyManagement -Environment sandbox -Role None -ChangeId CHG-2026-0107
        $req = Request-KeyRecovery alias/ac-11 -ChangeId CHG-2026-0107 -Reason 'false alarm'
        foreach ($who in 'approver1', 'approver2') {
            Connect-KeyManagement -Environment "sandbox-$who" -Role None -ChangeId CHG-2026-0107
            $null = Approve-KeyRecovery $req.RequestId
        }
        $none = Connect-KeyManagement -Environment sandbox -Role None -ChangeId CHG-2026-0107 -PassThru
        $r = Invoke-Hostless 'Restore-EncryptionKey' @{ KeyId = 'alias/ac-11'; ChangeId = 'CHG-2026-0107'; Confirm = $true; Session = $none }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'RecoveryRoleRequired,BuzzKeyMgmt.Cmdlets.Recovery.RestoreEncryptionKeyCommand'
        State alias/ac-11 | Should -Be 'Disabled'
        $ok = Invoke-Hostless 'Restore-EncryptionKey' @{ KeyId = 'alias/ac-11'; ChangeId = 'CHG-2026-0107'; Force = $true; MfaCode = (Get-KeyMgmtSandboxMfaCode); Session = $none }
        $ok.Errors | Should -BeNullOrEmpty
        $ok.Output[0].State | Should -Be 'Enabled'
    }

    It 'more keys than -MaxKeys (default 10) stop the pipeline before the first change, saying how many; -MaxKeys raised runs them' {
        $null = Connect-Emergency
        $refs = 20..31 | ForEach-Object { "alias/ac-$_" }
        $sent = $Sandbox.RequestCount('KMS.DisableKey')
        $described = $Sandbox.RequestCount('KMS.DescribeKey')
        $rows = @(Get-KeyAuditLog).Count
        { $refs | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason 'too many' -Force } | Should -Throw -ErrorId 'TooManyKeys,BuzzKeyMgmt.Cmdlets.Revocation.RevokeEncryptionKeyCommand'
        try { $refs | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason 'too many' -Force } catch { $err = $_ }
        "$err" | Should -Match 'given 12 keys, more than -MaxKeys 10'
        "$err" | Should -Match 'nothing was changed'
        $err.ErrorDetails.RecommendedAction | Should -Match '-MaxKeys 12'
        "$($err.CategoryInfo.Category)" | Should -Be 'LimitsExceeded'
        $Sandbox.RequestCount('KMS.DisableKey') | Should -Be $sent
        $Sandbox.RequestCount('KMS.DescribeKey') | Should -Be $described -Because 'not even a key is read'
        @(Get-KeyAuditLog).Count | Should -Be $rows -Because 'a refusal of the whole input, like bad input, writes nothing'
        { Revoke-EncryptionKey -KeyId $refs[0..2] -IncidentId INC-2026-0042 -Reason 'x' -Force -MaxKeys 2 } | Should -Throw -ErrorId 'TooManyKeys,*'
        { Revoke-EncryptionKey -KeyId $refs[0] -IncidentId INC-2026-0042 -Reason 'x' -Force -MaxKeys 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        $done = @($refs | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason 'checked list' -Force -MaxKeys 12 6>$null)
        @($done | Where-Object State -eq 'Disabled').Count | Should -Be 12
    }

    It 'Restore-EncryptionKey refuses more than -MaxKeys before any change' {
        Connect-KeyManagement -Environment sandbox -Role None -ChangeId CHG-2026-0107
        $sent = $Sandbox.RequestCount('KMS.EnableKey')
        { 'alias/ac-20', 'alias/ac-21', 'alias/ac-22' | Restore-EncryptionKey -ChangeId CHG-2026-0107 -Force -MaxKeys 2 } |
            Should -Throw -ErrorId 'TooManyKeys,BuzzKeyMgmt.Cmdlets.Recovery.RestoreEncryptionKeyCommand'
        $Sandbox.RequestCount('KMS.EnableKey') | Should -Be $sent
    }

    It 'the confirmation names the key and the environment (Restore and Revoke, shown by -WhatIf)' {
        $script = @"
Import-Module '$(Get-BuiltModulePath)'
`$env:XDG_DATA_HOME = '$Data/whatif'
`$null = Start-KeyMgmtSandbox
`$null = Add-KeyMgmtSandboxKey -Count 2 -AliasPrefix 'alias/wi-'
Connect-KeyManagement -Environment sandbox -Role None -ChangeId CHG-2026-0107
Restore-EncryptionKey alias/wi-1 -ChangeId CHG-2026-0107 -WhatIf
Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042
Revoke-EncryptionKey alias/wi-2 -IncidentId INC-2026-0042 -Reason x -WhatIf
Stop-KeyMgmtSandbox
"@
        $r = Invoke-FreshPwsh -Script $script
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Output | Should -Contain 'What if: Performing the operation "Restore (cancel deletion, enable) under CHG-2026-0107" on target "KMS key alias/wi-1 in ''sandbox''".'
        $r.Output | Should -Contain 'What if: Performing the operation "Disable for incident INC-2026-0042" on target "KMS key alias/wi-2 in ''sandbox''".'
    }
}

Describe 'Bulk runs show where they are (point 9)' {
    It 'a revocation pipeline shows keys done of the total and ends with one summary line (changed, already, failed, time)' {
        $session = Connect-Emergency
        $null = Revoke-EncryptionKey alias/ac-32 -IncidentId INC-2026-0042 -Reason 'before' -Force
        $r = Invoke-Hostless 'Revoke-EncryptionKey' @{ IncidentId = 'INC-2026-0042'; Reason = 'bulk'; Force = $true; Session = $session } `
            -pipe @('alias/ac-33', 'alias/ac-32', 'alias/ac-missing', 'alias/ac-34')
        $r.Output.Count | Should -Be 3
        $r.Errors.Count | Should -Be 1
        $bars = @($r.Progress | Where-Object ActivityId -eq 44)
        @($bars | Where-Object RecordType -eq 'Processing' | ForEach-Object { $_.StatusDescription -replace ':.*' }) | Should -Be @('0 of 4 done', '1 of 4 done', '2 of 4 done', '3 of 4 done')
        @($bars | Where-Object RecordType -eq 'Processing' | ForEach-Object PercentComplete) | Should -Be @(0, 25, 50, 75)
        $bars[-1].RecordType | Should -Be 'Completed'
        $summary = @($r.Information | Where-Object { $_.Tags -contains 'BuzzKeyMgmt.Summary' })
        $summary.Count | Should -Be 1
        $summary[0].Tags | Should -Contain 'PSHOST' -Because 'shown on the host by default, as Write-Host is'
        "$($summary[0].MessageData)" | Should -Match '^REVOKE: 4 key\(s\) in \d+\.\d s: 2 changed, 1 already, 1 failed\.$'
    }

    It 'Ctrl+C in a bulk revocation after the first DisableKey was sent: that key is recorded as it is, the rest are untouched' {
        $session = Connect-Emergency
        $before = $Sandbox.RequestCount('KMS.DisableKey')
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind Latency -Probability 1 -Latency '00:00:01'
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand('Revoke-EncryptionKey').AddParameter('IncidentId', 'INC-2026-0042').AddParameter('Reason', 'stopped').
                AddParameter('Force').AddParameter('Session', $session)
            $pipe = [System.Management.Automation.PSDataCollection[object]]::new()
            foreach ($k in 'alias/ac-38', 'alias/ac-39', 'alias/ac-40') { $pipe.Add($k) }
            $pipe.Complete()
            $null = $ps.BeginInvoke($pipe)
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($Sandbox.RequestCount('KMS.DisableKey') -le $before) {
                if ([DateTime]::UtcNow -gt $deadline) { throw 'no DisableKey reached the sandbox' }
                Start-Sleep -Milliseconds 10
            }
            $ps.Stop()
            "$($ps.InvocationStateInfo.State)" | Should -Be 'Stopped'
        }
        finally { Set-KeyMgmtSandboxFault -Clear; $ps.Dispose() }
        $Sandbox.RequestCount('KMS.DisableKey') | Should -Be ($before + 1)
        State alias/ac-38 | Should -Be 'Disabled'
        "$((Get-KeyAuditLog -KeyId alias/ac-38 -Last 1).Outcome)" | Should -Be 'Succeeded'
        State alias/ac-39 | Should -Be 'Enabled'
        State alias/ac-40 | Should -Be 'Enabled'
        @(Get-KeyAuditLog -KeyId alias/ac-39).Count | Should -Be 0
    }

    It 'one key is not a bulk run: no progress bar, no summary line' {
        $session = Connect-Emergency
        $r = Invoke-Hostless 'Revoke-EncryptionKey' @{ KeyId = 'alias/ac-35'; IncidentId = 'INC-2026-0042'; Reason = 'single'; Force = $true; Session = $session }
        $r.Output.Count | Should -Be 1
        @($r.Progress | Where-Object ActivityId -eq 44).Count | Should -Be 0
        $r.Information | Should -BeNullOrEmpty
    }

    It 'a restore pipeline (recovery requests, binding KeyId and ChangeId) ends with its summary line' {
        $null = Connect-Emergency
        $null = Revoke-EncryptionKey -KeyId alias/ac-36, alias/ac-37 -IncidentId INC-2026-0042 -Reason 'for restore' -Force 6>$null
        $requests = foreach ($alias in 'alias/ac-36', 'alias/ac-37') {
            Connect-KeyManagement -Environment sandbox -Role None -ChangeId CHG-2026-0107
            $req = Request-KeyRecovery $alias -ChangeId CHG-2026-0107 -Reason 'false alarm'
            $req
            foreach ($who in 'approver1', 'approver2') {
                Connect-KeyManagement -Environment "sandbox-$who" -Role None -ChangeId CHG-2026-0107
                $null = Approve-KeyRecovery $req.RequestId
            }
        }
        Connect-KeyManagement -Environment sandbox -Role None -ChangeId CHG-2026-0107
        # The requests bind KeyId and ChangeId by property name.
        $restored = @($requests | Restore-EncryptionKey -MfaCode (Get-KeyMgmtSandboxMfaCode) -Force -InformationVariable info -InformationAction SilentlyContinue)
        @($restored.State) | Should -Be @('Enabled', 'Enabled')
        @($info | Where-Object { $_.Tags -contains 'BuzzKeyMgmt.Summary' } | ForEach-Object { "$($_.MessageData)" }) | Should -Match '^RECOVER: 2 key\(s\) in \d+\.\d s: 2 changed, 0 already, 0 failed\.$'
    }
}
