# Break-glass (issue 5 point 6 through the cmdlets, issue 6 point 5): with the audit store unreachable, revocation
# still runs, journals its rows and says so, while access tests and recovery requests are refused;
# Sync-KeyAuditJournal replays the journal exactly once when the store is back.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-glass-$([guid]::NewGuid().ToString('n'))")).FullName
}
AfterAll { Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue }

Describe 'Audit store down during an emergency' {
    It 'revokes anyway, journals both rows, warns, and replays them exactly once after the store is back' {
        $r = Invoke-FreshPwsh -TimeoutSeconds 180 -Environment @{ XDG_DATA_HOME = $Dir } @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$s = Start-KeyMgmtSandbox -PassThru
`$null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix alias/bg-
`$op = `$s.Users | Where-Object Name -eq operator
`$store = Join-Path '$Dir' 'store/audit.db'
`$env:BUZZKEYMGMT_CONFIG = Join-Path '$Dir' 'environments.json'
@{ environments = @{ lab = @{ region = `$s.Region; accountId = `$s.AccountId; endpointUrl = `$s.Endpoint; mfaSerialNumber = `$op.MfaSerial
   roles = @{ admin = `$s.AdminRoleArn; emergency = `$s.EmergencyRoleArn; recovery = `$s.RecoveryRoleArn }
   auditStore = @{ provider = 'Sqlite'; path = `$store } } } } | ConvertTo-Json -Depth 5 | Set-Content `$env:BUZZKEYMGMT_CONFIG
`$env:AWS_ACCESS_KEY_ID = `$op.AccessKeyId; `$env:AWS_SECRET_ACCESS_KEY = `$op.SecretAccessKey
`$env:AWS_CONFIG_FILE = '/dev/null'; `$env:AWS_SHARED_CREDENTIALS_FILE = '/dev/null'; `$env:AWS_EC2_METADATA_DISABLED = 'true'
`$null = Initialize-KeyAuditStore -Environment lab
Connect-KeyManagement -Environment lab -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042
Rename-Item (Join-Path '$Dir' 'store') 'store-away'            # the audit database goes away
`$result = Revoke-EncryptionKey -KeyId alias/bg-1 -IncidentId INC-2026-0042 -Reason 'break glass' -Force -WarningVariable w -WarningAction SilentlyContinue
"state=`$(`$result.State)"
"journaled=`$(`$result.Journaled)"
"warned=`$([int](`$w -match 'journal').Count)"
"journalRows=`$((Test-KeyAuditIntegrity -Environment lab -Journal).RowsChecked)"
"journalValid=`$((Test-KeyAuditIntegrity -Environment lab -Journal).IsValid)"
try { Get-KeyAuditLog -Environment lab -Last 1 } catch { "storeDown=`$(`$_.CategoryInfo.Category)" }
try { `$null = Test-KeyAccess alias/bg-2 -MfaCode (Get-KeyMgmtSandboxMfaCode); 'accessTest=ran' } catch { "accessTest=`$((`$_.FullyQualifiedErrorId -split ',')[0])" }
try { `$null = Request-KeyRecovery alias/bg-1 -ChangeId CHG-2026-0107 -Reason 'no store'; 'request=ran' } catch { "request=`$((`$_.FullyQualifiedErrorId -split ',')[0])" }
Rename-Item (Join-Path '$Dir' 'store-away') 'store'            # and comes back
`$sync = Sync-KeyAuditJournal -Environment lab
"replayed=`$(`$sync.Replayed)"
"chainValid=`$(`$sync.StoreChain.IsValid)"
"again=`$((Sync-KeyAuditJournal -Environment lab).Replayed)"
"rows=`$(@(Get-KeyAuditLog -Environment lab -KeyId alias/bg-1).Count)"
"integrity=`$((Test-KeyAuditIntegrity -Environment lab).IsValid)"
"@
        $r.ExitCode | Should -Be 0 -Because (($r.Output -join "`n") + $r.Error)
        $facts = @{}; foreach ($line in $r.Output) { if ($line -match '^(\w+)=(.*)$') { $facts[$Matches[1]] = $Matches[2] } }
        $facts.state | Should -Be 'Disabled'
        $facts.journaled | Should -Be 'True'
        $facts.warned | Should -Be '1'
        $facts.journalRows | Should -Be '2'
        $facts.journalValid | Should -Be 'True'
        $facts.storeDown | Should -Be 'ResourceUnavailable'
        $facts.accessTest | Should -Be 'AuditStoreUnavailable' -Because 'access tests are refused while the store is down'
        $facts.request | Should -Be 'AuditStoreUnavailable' -Because 'recovery requests are refused while the store is down'
        $facts.replayed | Should -Be '2'
        $facts.chainValid | Should -Be 'True'
        $facts.again | Should -Be '0'
        $facts.rows | Should -Be '2'
        $facts.integrity | Should -Be 'True'
    }
}
