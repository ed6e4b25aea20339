# The runbook scripts (issue 6, point 6): pwsh -File, non-interactive, each documented exit code asserted.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:Root = Get-RepoRoot
    $script:SavedConfig = $env:BUZZKEYMGMT_CONFIG
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-runbook-$([guid]::NewGuid().ToString('n'))")).FullName
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 12 -AliasPrefix 'alias/rb-'
    $script:Operator = $Sandbox.Users | Where-Object Name -eq operator
    $env:BUZZKEYMGMT_CONFIG = Join-Path $Dir 'environments.json'
    @{ environments = @{ lab = @{ region = $Sandbox.Region; accountId = $Sandbox.AccountId; endpointUrl = $Sandbox.Endpoint; mfaSerialNumber = $Operator.MfaSerial
        roles = @{ admin = $Sandbox.AdminRoleArn; emergency = $Sandbox.EmergencyRoleArn; recovery = $Sandbox.RecoveryRoleArn }
        auditStore = @{ provider = 'Sqlite'; path = (Join-Path $Dir 'store/audit.db') } } } } | ConvertTo-Json -Depth 5 | Set-Content $env:BUZZKEYMGMT_CONFIG
    $null = Initialize-KeyAuditStore -Environment lab

    # Runs a runbook as the operator would from automation: its own pwsh, the operator's credentials in the environment.
    function Invoke-Runbook([string] $Name, [string[]] $Arguments) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root "runbooks/$Name")) + $Arguments + @('-ModulePath', (Get-BuiltModulePath))) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $psi.Environment['BUZZKEYMGMT_CONFIG'] = $env:BUZZKEYMGMT_CONFIG
        $psi.Environment['XDG_DATA_HOME'] = $Dir
        $psi.Environment['AWS_ACCESS_KEY_ID'] = $Operator.AccessKeyId
        $psi.Environment['AWS_SECRET_ACCESS_KEY'] = $Operator.SecretAccessKey
        $psi.Environment['AWS_CONFIG_FILE'] = '/dev/null'; $psi.Environment['AWS_SHARED_CREDENTIALS_FILE'] = '/dev/null'; $psi.Environment['AWS_EC2_METADATA_DISABLED'] = 'true'
        $p = [System.Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(120000)) { $p.Kill($true); throw "$Name did not finish" }
        $json = @($out.Result -split "`n" | Where-Object { $_.Trim().StartsWith('{') })[-1]
        [pscustomobject]@{ ExitCode = $p.ExitCode; Result = if ($json) { $json | ConvertFrom-Json } else { $null }; Error = $err.Result; Output = $out.Result }
    }
    function Revocation([string] $key, [string] $incident = 'INC-2026-0042', [string] $mfa = (Get-KeyMgmtSandboxMfaCode), [string[]] $extra = @()) {
        Invoke-Runbook 'Invoke-EmergencyRevocation.ps1' (@('-Environment', 'lab', '-KeyId', $key, '-IncidentId', $incident, '-Reason', 'runbook test', '-MfaCode', $mfa) + $extra)
    }
}
AfterAll {
    Stop-KeyMgmtSandbox
    $env:BUZZKEYMGMT_CONFIG = $SavedConfig
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'Invoke-EmergencyRevocation.ps1' {
    It 'exits 0 when the key is revoked and verified, with one JSON line for automation' {
        $r = Revocation 'alias/rb-1'
        $r.ExitCode | Should -Be 0 -Because "$($r.Error)`n$($r.Output)"
        $r.Result.state | Should -Be 'Disabled'
        $r.Result.auditId | Should -Match '^[0-9a-f-]{36}$'
        (Get-KeyStatus -KeyId alias/rb-1 -Session (Connect-KeyManagement -Environment sandbox -PassThru)).State | Should -Be 'Disabled'
    }

    It 'exits 2 on bad input: an incident id off the policy, an unknown key' {
        (Revocation 'alias/rb-2' 'incident 42').ExitCode | Should -Be 2
        $missing = Revocation 'alias/rb-missing'
        $missing.ExitCode | Should -Be 2
        $missing.Result.errorId | Should -Be 'KeyNotFound'
    }

    It 'exits 2 before connecting for an incident id with a trailing newline or full-width digits, or a blank reason: the policy check of the cmdlet' {
        $assumed = $Sandbox.RequestCount('STS.AssumeRole')
        foreach ($id in "INC-2026-0042`n", 'INC-２０２６-0042') {
            $r = Revocation 'alias/rb-10' $id
            $r.ExitCode | Should -Be 2 -Because "$($r.Error)"
            $r.Result.errorId | Should -Be 'IncidentIdInvalid'
        }
        $blank = Invoke-Runbook 'Invoke-EmergencyRevocation.ps1' @('-Environment', 'lab', '-KeyId', 'alias/rb-10', '-IncidentId', 'INC-2026-0042', '-Reason', " `t ", '-MfaCode', (Get-KeyMgmtSandboxMfaCode))
        $blank.ExitCode | Should -Be 2
        $blank.Result.errorId | Should -Be 'ReasonInvalid'
        $Sandbox.RequestCount('STS.AssumeRole') | Should -Be $assumed -Because 'no MFA code is spent on input the policy refuses'
        (Get-KeyStatus -KeyId alias/rb-10 -Session (Connect-KeyManagement -Environment sandbox -PassThru)).State | Should -Be 'Enabled'
    }

    It 'exits 3 when refused: a wrong MFA code' {
        $wrong = '{0:D6}' -f (([int](Get-KeyMgmtSandboxMfaCode) + 500000) % 1000000)
        $r = Revocation 'alias/rb-3' -mfa $wrong
        $r.ExitCode | Should -Be 3
        $r.Result.errorId | Should -Be 'MfaCodeRejected'
    }

    It 'exits 4 when the AWS action keeps failing' {
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind InternalError -Count 50
        try { (Revocation 'alias/rb-4').ExitCode | Should -Be 4 } finally { Set-KeyMgmtSandboxFault -Clear }
    }

    It 'exits 5 when the change does not show when the key is read back' {
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind SilentNoOp -Count 1
        try {
            $r = Revocation 'alias/rb-5'
            $r.ExitCode | Should -Be 5
            $r.Result.errorId | Should -Be 'VerificationFailed'
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
    }

    It 'exits 6 when done but the audit store was down (rows journaled)' {
        Rename-Item (Join-Path $Dir 'store') 'store-away'
        try {
            $r = Revocation 'alias/rb-6'
            $r.ExitCode | Should -Be 6
            $r.Result.journaled | Should -BeTrue
            $r.Result.state | Should -Be 'Disabled'
        }
        finally { Rename-Item (Join-Path $Dir 'store-away') 'store' }
    }
}

Describe 'Production' {
    It '-Force never skips the MFA step in an environment marked production' {
        $cfg = Get-Content -Raw $env:BUZZKEYMGMT_CONFIG | ConvertFrom-Json -AsHashtable
        $cfg.environments['prod'] = $cfg.environments.lab.Clone(); $cfg.environments['prod'].production = $true
        $cfg | ConvertTo-Json -Depth 5 | Set-Content $env:BUZZKEYMGMT_CONFIG
        $env:AWS_ACCESS_KEY_ID = $Operator.AccessKeyId; $env:AWS_SECRET_ACCESS_KEY = $Operator.SecretAccessKey
        try {
            $s = Connect-KeyManagement -Environment prod -Role Admin -PassThru
            $s.IsProduction | Should -BeTrue
            Revoke-EncryptionKey alias/rb-9 -IncidentId INC-2026-0042 -Reason 'force without mfa' -Force -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'EmergencyRoleRequired,*'
            (Get-KeyStatus alias/rb-9).State | Should -Be 'Enabled'
            (Revoke-EncryptionKey alias/rb-9 -IncidentId INC-2026-0042 -Reason 'with mfa' -MfaCode (Get-KeyMgmtSandboxMfaCode) -Force).State | Should -Be 'Disabled'
        }
        finally { Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY; Disconnect-KeyManagement }
    }
}

Describe 'Invoke-KeyRecovery.ps1' {
    It 'files a request and exits 3 without approvals, then exits 0 once two others approved' {
        $null = Revocation 'alias/rb-7'
        $mfa = Get-KeyMgmtSandboxMfaCode
        $first = Invoke-Runbook 'Invoke-KeyRecovery.ps1' @('-Environment', 'lab', '-KeyId', 'alias/rb-7', '-ChangeId', 'CHG-2026-0107', '-Reason', 'false alarm', '-MfaCode', $mfa)
        $first.ExitCode | Should -Be 3 -Because "$($first.Error)`n$($first.Output)"
        $requestId = [guid]$first.Result.requestId
        # Approvers connect to the same store as themselves; the approver environments point at it.
        foreach ($who in 'approver1', 'approver2') {
            $u = $Sandbox.Users | Where-Object Name -eq $who
            $cfg = Get-Content -Raw $env:BUZZKEYMGMT_CONFIG | ConvertFrom-Json -AsHashtable
            $cfg.environments[$who] = $cfg.environments.lab.Clone(); $cfg.environments[$who].mfaSerialNumber = $u.MfaSerial
            $cfg | ConvertTo-Json -Depth 5 | Set-Content $env:BUZZKEYMGMT_CONFIG
            $env:AWS_ACCESS_KEY_ID = $u.AccessKeyId; $env:AWS_SECRET_ACCESS_KEY = $u.SecretAccessKey
            try { $null = Connect-KeyManagement -Environment $who -Role None; $null = Approve-KeyRecovery -RequestId $requestId }
            finally { Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY }
        }
        $second = Invoke-Runbook 'Invoke-KeyRecovery.ps1' @('-Environment', 'lab', '-KeyId', 'alias/rb-7', '-ChangeId', 'CHG-2026-0107', '-Reason', 'false alarm', '-MfaCode', (Get-KeyMgmtSandboxMfaCode))
        $second.ExitCode | Should -Be 0 -Because "$($second.Error)`n$($second.Output)"
        $second.Result.state | Should -Be 'Enabled'
    }

    It 'exits 2 on a change id off the policy' {
        (Invoke-Runbook 'Invoke-KeyRecovery.ps1' @('-Environment', 'lab', '-KeyId', 'alias/rb-8', '-ChangeId', 'change 7', '-Reason', 'x', '-MfaCode', (Get-KeyMgmtSandboxMfaCode))).ExitCode | Should -Be 2
    }

    It 'exits 2 before connecting on a change id with a trailing newline or full-width digits' {
        $assumed = $Sandbox.RequestCount('STS.AssumeRole')
        foreach ($id in "CHG-2026-0107`n", 'CHG-２０２６-0107') {
            $r = Invoke-Runbook 'Invoke-KeyRecovery.ps1' @('-Environment', 'lab', '-KeyId', 'alias/rb-8', '-ChangeId', $id, '-Reason', 'x', '-MfaCode', (Get-KeyMgmtSandboxMfaCode))
            $r.ExitCode | Should -Be 2 -Because "$($r.Error)"
            $r.Result.errorId | Should -Be 'ChangeIdInvalid'
        }
        $Sandbox.RequestCount('STS.AssumeRole') | Should -Be $assumed
    }
}
