# Interrupted operations are found (issue 12, point 4): a process killed between DisableKey and its Completed audit row
# leaves a Started row only; Test-KeyAuditIntegrity then reads the key and appends a RECONCILE pair that says what
# became of it. The sandbox lives in this process; the revoking process is a separate pwsh, killed on purpose.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-reconcile-$([guid]::NewGuid().ToString('n'))")).FullName
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 2 -AliasPrefix 'alias/kill-'
    $script:Kms = New-SandboxKmsClient $Sandbox
    $script:Op = $Sandbox.Users | Where-Object Name -eq operator
    $script:Config = Join-Path $Dir 'environments.json'
    $script:Db = Join-Path $Dir 'audit.db'
    @{ environments = @{ lab = @{ region = $Sandbox.Region; accountId = $Sandbox.AccountId; endpointUrl = $Sandbox.Endpoint; mfaSerialNumber = $Op.MfaSerial
        roles = @{ admin = $Sandbox.AdminRoleArn; emergency = $Sandbox.EmergencyRoleArn; recovery = $Sandbox.RecoveryRoleArn }
        auditStore = @{ provider = 'Sqlite'; path = $Db } } } } | ConvertTo-Json -Depth 5 | Set-Content $Config
    $script:ChildEnv = @{ BUZZKEYMGMT_CONFIG = $Config; XDG_DATA_HOME = $Dir; AWS_ACCESS_KEY_ID = $Op.AccessKeyId; AWS_SECRET_ACCESS_KEY = $Op.SecretAccessKey
        AWS_SESSION_TOKEN = $null; AWS_PROFILE = $null; AWS_CONFIG_FILE = '/dev/null'; AWS_SHARED_CREDENTIALS_FILE = '/dev/null'; AWS_EC2_METADATA_DISABLED = 'true' }
    $init = Invoke-FreshPwsh -Environment $ChildEnv "Import-Module '$(Get-BuiltModulePath)'; (Initialize-KeyAuditStore -Environment lab -Confirm:`$false).Provider"
    if ($init.ExitCode -ne 0 -or $init.Output[-1] -ne 'Sqlite') { throw "The lab audit store was not created: $($init.Error)" }

    # A pwsh that revokes one key and dies abruptly once the Started row is in the store and DisableKey is on its way
    # (the sandbox holds DisableKey's answer for 10 s): Environment.FailFast ends the process at once, no finally block,
    # no flush, as a crash or the OOM killer would.
    function Invoke-CrashingRevoker([string] $alias, [string] $mfa) {
        Invoke-FreshPwsh -TimeoutSeconds 120 -Environment $ChildEnv @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-BuiltModulePath)'
Connect-KeyManagement -Environment lab -Role Emergency -MfaCode $mfa -IncidentId INC-2026-0042
`$state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
`$state.ImportPSModule([string[]]@('$(Get-BuiltModulePath)'))
`$ps = [powershell]::Create(`$state)
`$null = `$ps.AddCommand('Revoke-EncryptionKey').AddParameter('KeyId', '$alias').AddParameter('IncidentId', 'INC-2026-0042').AddParameter('Reason', 'crash half-way').AddParameter('Force', `$true).AddParameter('Session', (Get-KeyMgmtSession))
`$async = `$ps.BeginInvoke()
`$deadline = [DateTime]::UtcNow.AddSeconds(60)
while (-not @(Get-KeyAuditLog -Environment lab -KeyId '$alias' -Operation REVOKE -ErrorAction SilentlyContinue).Count -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 50 }
Start-Sleep -Milliseconds 1500   # DisableKey is sent right after the Started row; its answer takes 10 s
[Environment]::FailFast('crashing on purpose between DisableKey and its Completed audit row')
"@
    }
}
AfterAll {
    Stop-KeyMgmtSandbox
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'A revocation killed between DisableKey and its Completed row' {
    It 'leaves the key Disabled with a Started row only, and Test-KeyAuditIntegrity reconciles it' {
        $keyId = $Kms.DescribeKeyAsync([Amazon.KeyManagementService.Model.DescribeKeyRequest]@{ KeyId = 'alias/kill-1' }).GetAwaiter().GetResult().KeyMetadata.KeyId
        $disables = $Sandbox.RequestCount('KMS.DisableKey')
        # DisableKey takes 10 s to answer: the process dies after sending it (KMS applies it all the same), before the
        # answer, the read-back and the Completed row.
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind Latency -Probability 1 -Latency '00:00:10'
        try {
            $crash = Invoke-CrashingRevoker 'alias/kill-1' (Get-KeyMgmtSandboxMfaCode -UserName operator)
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
        $crash.ExitCode | Should -Not -Be 0 -Because "it crashed on purpose: $($crash.Error)"
        $crash.Error | Should -Match 'crashing on purpose'
        $Sandbox.RequestCount('KMS.DisableKey') | Should -Be ($disables + 1)
        $deadline = [DateTime]::UtcNow.AddSeconds(30)   # the delayed DisableKey lands after the kill
        while ($Kms.DescribeKeyAsync([Amazon.KeyManagementService.Model.DescribeKeyRequest]@{ KeyId = $keyId }).GetAwaiter().GetResult().KeyMetadata.KeyState.Value -ne 'Disabled' -and
               [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }

        $Kms.DescribeKeyAsync([Amazon.KeyManagementService.Model.DescribeKeyRequest]@{ KeyId = $keyId }).GetAwaiter().GetResult().KeyMetadata.KeyState.Value | Should -Be 'Disabled'
        $report = Invoke-FreshPwsh -TimeoutSeconds 120 -Environment $ChildEnv @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-BuiltModulePath)'
`$before = @(Get-KeyAuditLog -Environment lab -KeyId $keyId | ForEach-Object { "`$(`$_.Operation)/`$(`$_.Phase)" })
Connect-KeyManagement -Environment lab -Role Admin
`$out = @(Test-KeyAuditIntegrity -Environment lab -InterruptedAfter 0 -WarningVariable w -WarningAction SilentlyContinue)
`$after = @(Get-KeyAuditLog -Environment lab -KeyId $keyId | Sort-Object Sequence)
[pscustomobject]@{
    Before = `$before; Valid = `$out[0].IsValid; Reconciled = @(`$out | Select-Object -Skip 1 | ForEach-Object { [pscustomobject]@{ Op = `$_.InterruptedOperation; Found = `$_.FoundState; Shows = `$_.ChangeShows; Outcome = "`$(`$_.Outcome)" } })
    After = @(`$after | ForEach-Object { "`$(`$_.Operation)/`$(`$_.Phase)/`$(`$_.Outcome)/`$(`$_.OperationId)" }); Warning = "`$w"
    Again = @(Test-KeyAuditIntegrity -Environment lab -InterruptedAfter 0).Count
} | ConvertTo-Json -Compress -Depth 4
"@
        $report.ExitCode | Should -Be 0 -Because $report.Error
        $r = $report.Output[-1] | ConvertFrom-Json
        @($r.Before) | Should -Be @('REVOKE/Started') -Because 'killed before its Completed row'
        $r.Valid | Should -BeTrue
        @($r.Reconciled).Count | Should -Be 1
        ($r.Reconciled[0].Op, $r.Reconciled[0].Found, $r.Reconciled[0].Shows, $r.Reconciled[0].Outcome) | Should -Be @('REVOKE', 'Disabled', $true, 'Succeeded')
        $ops = @($r.After | ForEach-Object { ($_ -split '/')[3] } | Select-Object -Unique)
        $ops.Count | Should -Be 1 -Because 'the RECONCILE rows share the interrupted operation id'
        @($r.After | ForEach-Object { ($_ -split '/')[0..2] -join '/' }) | Should -Be @('REVOKE/Started/Pending', 'RECONCILE/Started/Pending', 'RECONCILE/Completed/Succeeded')
        $r.Warning | Should -Match 'began and never completed'
        $r.Again | Should -Be 1 -Because 'reconciled once: the second run finds nothing more'
    }
}
