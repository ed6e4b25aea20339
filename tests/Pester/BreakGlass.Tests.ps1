# Break-glass (issue 5 point 6 through the cmdlets, issue 6 point 5): with the audit store unreachable, revocation
# still runs, journals its rows and says so, while access tests and recovery requests are refused;
# Sync-KeyAuditJournal replays the journal exactly once when the store is back.
# Then every cause that used to block a revocation or lose its rows, through the built module on the default store (as a
# runbook's fresh process uses it): a full disk, a corrupt page, another process holding the write lock longer than the
# bounded wait, a garbage line mid-journal while the store is down, a read-only journal folder. Each asserts the keys end
# Disabled, the rows are journaled, a warning names the cause, and Sync later stores each row exactly once.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-glass-$([guid]::NewGuid().ToString('n'))")).FullName
    $script:Mounts = [System.Collections.Generic.List[string]]::new()

    # What a child printed: name=value lines; a name printed more than once collects its values.
    function ConvertTo-Facts($Output) {
        $facts = @{}
        foreach ($line in $Output) {
            if ($line -notmatch '^(\w+)=(.*)$') { continue }
            if ($facts.ContainsKey($Matches[1])) { $facts[$Matches[1]] = @($facts[$Matches[1]]) + $Matches[2] } else { $facts[$Matches[1]] = $Matches[2] }
        }
        $facts
    }

    # Mounts a 1 MB tmpfs (read-only with -ReadOnly) on a folder; returns why not when that is not possible here.
    function Mount-Tmpfs([string] $Path, [switch] $ReadOnly) {
        if (-not $IsLinux) { return 'tmpfs mounts need Linux' }
        $null = New-Item -ItemType Directory -Force $Path
        $options = 'size=1m,mode=0755' + $(if ($ReadOnly) { ',ro' } else { '' })
        $out = & mount -t tmpfs -o $options tmpfs $Path 2>&1
        if ($LASTEXITCODE -ne 0) { return "mounting a tmpfs is not permitted here (mount exited $LASTEXITCODE`: $out); run as root to test a full disk and a read-only folder" }
        $script:Mounts.Add($Path)
        $null
    }

    # The scenario every cause shares, in a fresh pwsh with its own data folder and fallback folder: sandbox, 3 keys,
    # the default store created, an Emergency session; then the fault, the revocation, the checks, the repair, Sync twice.
    $script:Scenario = @'
$ErrorActionPreference = 'Stop'
Import-Module '__MODULE__'
$data = Join-Path $env:XDG_DATA_HOME 'BuzzKeyMgmt'
$environment = '__ENVIRONMENT__'   # sandbox: the default store, created in the data folder; lab: a store of its own
$store = if ($environment -eq 'lab') { Join-Path $env:XDG_DATA_HOME 'store/audit.db' } else { Join-Path $data 'audit.db' }
$fallback = Join-Path $env:BUZZKEYMGMT_FALLBACK_DIR 'journal'
function Get-ModuleSqlite {   # Microsoft.Data.Sqlite as the module loaded it, in its own load context
    ([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' } | Select-Object -First 1).GetType('Microsoft.Data.Sqlite.SqliteConnection')
}
function Invoke-Sqlite([string] $Sql) {
    $c = [Activator]::CreateInstance((Get-ModuleSqlite), [object[]]@("Data Source=$store;Pooling=False"))
    try { $c.Open(); $cmd = $c.CreateCommand(); $cmd.CommandText = $Sql; $cmd.ExecuteScalar() } finally { $c.Dispose() }
}
function Get-JournaledRows {   # this incident's rows in the local / the fallback journal
    $local = @(Get-ChildItem (Join-Path $data 'journal') -Filter *.jsonl -ErrorAction SilentlyContinue | Select-String -SimpleMatch 'INC-2026-0042').Count
    $other = @(Get-ChildItem $fallback -Filter *.jsonl -ErrorAction SilentlyContinue | Select-String -SimpleMatch 'INC-2026-0042').Count
    "$local/$other"
}
$s = Start-KeyMgmtSandbox -PassThru
$null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix alias/bg-
if ($environment -eq 'lab') {
    $op = $s.Users | Where-Object Name -eq operator
    $env:BUZZKEYMGMT_CONFIG = Join-Path $env:XDG_DATA_HOME 'environments.json'
    @{ environments = @{ lab = @{ region = $s.Region; accountId = $s.AccountId; endpointUrl = $s.Endpoint; mfaSerialNumber = $op.MfaSerial
       roles = @{ admin = $s.AdminRoleArn; emergency = $s.EmergencyRoleArn; recovery = $s.RecoveryRoleArn }
       auditStore = @{ provider = 'Sqlite'; path = $store } } } } | ConvertTo-Json -Depth 5 | Set-Content $env:BUZZKEYMGMT_CONFIG
    $env:AWS_ACCESS_KEY_ID = $op.AccessKeyId; $env:AWS_SECRET_ACCESS_KEY = $op.SecretAccessKey
    $env:AWS_CONFIG_FILE = '/dev/null'; $env:AWS_SHARED_CREDENTIALS_FILE = '/dev/null'; $env:AWS_EC2_METADATA_DISABLED = 'true'
}
Connect-KeyManagement -Environment $environment -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042
$null = Initialize-KeyAuditStore   # the session's store
__FAULT__
$results = @(__KEYS__ | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason 'break glass' -Force -WarningVariable w -WarningAction SilentlyContinue -ErrorVariable e -ErrorAction SilentlyContinue)
"revoked=$($results.Count)"
"journaled=$(@($results | Where-Object Journaled).Count)"
"errors=$(@($e).Count)"
"journalRows=$(Get-JournaledRows)"
foreach ($m in $w) { "warning=$($m.Message -replace '\r?\n', ' ')" }
__CHECKS__
__REPAIR__
"disabled=$(@(Get-KeyStatus -Alias 'alias/bg-*' | Where-Object State -eq Disabled).Count)"
$sync = Sync-KeyAuditJournal -WarningVariable sw -WarningAction SilentlyContinue
"replayed=$($sync.Replayed)"
"quarantined=$($sync.Quarantined)"
foreach ($q in $sync.QuarantinedLines) { "quarantinedLine=$($q.Line)" }
foreach ($m in $sw) { "syncWarning=$($m.Message -replace '\r?\n', ' ')" }
"again=$((Sync-KeyAuditJournal).Replayed)"
$log = @(Get-KeyAuditLog -IncidentId INC-2026-0042)
"rows=$($log.Count)"
"distinct=$(@($log.AuditId | Sort-Object -Unique).Count)"
"completedStoredOnce=$(@($results | Where-Object { $id = $_.AuditId; @($log | Where-Object AuditId -eq $id).Count -eq 1 }).Count)"
"integrity=$((Test-KeyAuditIntegrity).IsValid)"
'@

    function Invoke-BreakGlass([string] $Name, [string] $Fault, [string] $Repair = '', [string] $Checks = '', [string] $Keys = "'alias/bg-1', 'alias/bg-2'",
        [string] $Environment = 'sandbox') {
        $root = Join-Path $Dir $Name
        $fallbackRoot = Join-Path $root 'fallback'
        $null = New-Item -ItemType Directory -Force $fallbackRoot
        if (-not $IsWindows) { & chmod 700 $fallbackRoot }
        $script = $Scenario.Replace('__MODULE__', $ModulePath).Replace('__ENVIRONMENT__', $Environment).Replace('__FAULT__', $Fault).Replace('__KEYS__', $Keys).
            Replace('__CHECKS__', $Checks).Replace('__REPAIR__', $Repair)
        $r = Invoke-FreshPwsh -TimeoutSeconds 240 -Environment @{ XDG_DATA_HOME = $root; BUZZKEYMGMT_FALLBACK_DIR = $fallbackRoot } $script
        $r.ExitCode | Should -Be 0 -Because (($r.Output -join "`n") + $r.Error)
        ConvertTo-Facts $r.Output
    }

    # Each cause: the keys Disabled, the rows journaled (local/fallback), no error, and Sync storing every row exactly once.
    function Assert-BrokeGlass($Facts, [int] $Keys = 2, [string] $JournalRows, [int] $Replayed = 2 * $Keys, [int] $Disabled = $Keys) {
        $Facts.revoked | Should -Be "$Keys"
        $Facts.disabled | Should -Be "$Disabled"
        $Facts.journaled | Should -Be "$Keys"
        $Facts.errors | Should -Be '0'
        $Facts.journalRows | Should -Be $JournalRows
        $Facts.replayed | Should -Be "$Replayed"
        $Facts.again | Should -Be '0'
        $Facts.rows | Should -Be "$Replayed"
        $Facts.distinct | Should -Be "$Replayed"
        $Facts.completedStoredOnce | Should -Be "$Keys"
        $Facts.integrity | Should -Be 'True'
    }
}
AfterAll {
    for ($i = $Mounts.Count - 1; $i -ge 0; $i--) { & umount $Mounts[$i] 2>&1 | Out-Null; if ($LASTEXITCODE -ne 0) { & umount -l $Mounts[$i] 2>&1 | Out-Null } }
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'Audit store down during an emergency' {
    It 'revokes anyway, journals both rows, warns, and replays them exactly once after the store is back' {
        $r = Invoke-FreshPwsh -TimeoutSeconds 180 -Environment @{ XDG_DATA_HOME = $Dir; BUZZKEYMGMT_FALLBACK_DIR = (Join-Path $Dir 'fallback') } @"
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

Describe 'Nothing the audit store or the journal does blocks a revocation' {
    It 'a full disk (store and journal alike): the rows go to the fallback journal, the warning says the disk is full' {
        $why = Mount-Tmpfs (Join-Path $Dir 'full/BuzzKeyMgmt')
        if ($why) { Set-ItResult -Skipped -Because $why; return }
        $facts = Invoke-BreakGlass 'full' -Fault @'
$filler = [IO.FileStream]::new((Join-Path $data 'filler'), [IO.FileMode]::Create, [IO.FileAccess]::Write, [IO.FileShare]::None, 0)
$block = [byte[]]::new(4096)
try { while ($true) { $filler.Write($block, 0, $block.Length) } } catch { 'diskFull=yes' } finally { try { $filler.Dispose() } catch { } }
'@ -Repair @'
Remove-Item (Join-Path $data 'filler')
'@
        $facts.diskFull | Should -Be 'yes'
        Assert-BrokeGlass $facts -JournalRows '0/4'
        @($facts.warning) -match 'disk is full' -match 'No space left on device' -match 'fallback journal' | Should -Not -BeNullOrEmpty -Because ($facts.warning -join "`n")
    }

    It 'a corrupt page in the store: the rows are journaled, the warning says the database is malformed' {
        $facts = Invoke-BreakGlass 'corrupt' -Fault @'
$null = Invoke-Sqlite 'PRAGMA wal_checkpoint(TRUNCATE);'
$root = [long](Invoke-Sqlite "SELECT rootpage FROM sqlite_master WHERE name = 'KeyManagementAudit'")
$page = [byte[]]::new(4096); $garbage = [byte[]]::new(4096); [Random]::new(7).NextBytes($garbage)
$f = [IO.File]::Open($store, 'Open', 'ReadWrite', 'ReadWrite')
$f.Position = ($root - 1) * 4096; $null = $f.Read($page, 0, 4096)
$f.Position = ($root - 1) * 4096; $f.Write($garbage, 0, 4096); $f.Dispose()   # the audit table's root page overwritten
'@ -Repair @'
$f = [IO.File]::Open($store, 'Open', 'ReadWrite', 'ReadWrite'); $f.Position = ($root - 1) * 4096; $f.Write($page, 0, 4096); $f.Dispose()   # restored
(Get-ModuleSqlite)::ClearAllPools()
'@
        Assert-BrokeGlass $facts -JournalRows '4/0'
        @($facts.warning) -match 'malformed' | Should -Not -BeNullOrEmpty -Because ($facts.warning -join "`n")
    }

    It 'another process holding the write lock four times the bounded wait: the rows are journaled, not waited for' {
        # The holder keeps BEGIN IMMEDIATE for 12 s (4 x the 3 s bound) or until told to let go: a wait as long as the old
        # 30 s would see the lock released and store the rows, and this test would fail on 'journaled'.
        $facts = Invoke-BreakGlass 'lock' -Fault @'
$holderFile = Join-Path $env:XDG_DATA_HOME 'holder.ps1'
Set-Content $holderFile @"
`$ErrorActionPreference = 'Stop'
Import-Module '$((Get-Module BuzzKeyMgmt).Path | Split-Path)'
`$null = Test-KeyAuditIntegrity
`$t = ([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Data.Sqlite' } | Select-Object -First 1).GetType('Microsoft.Data.Sqlite.SqliteConnection')
`$c = [Activator]::CreateInstance(`$t, [object[]]@('Data Source=$store;Pooling=False'))
`$c.Open(); `$cmd = `$c.CreateCommand(); `$cmd.CommandText = 'BEGIN IMMEDIATE;'; `$null = `$cmd.ExecuteNonQuery()
'locked'
`$null = [Console]::In.ReadLineAsync().Wait(12000)
`$c.Dispose()
"@
$psi = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
foreach ($a in '-NoProfile', '-NonInteractive', '-File', $holderFile) { $psi.ArgumentList.Add($a) }
$psi.RedirectStandardOutput = $true; $psi.RedirectStandardInput = $true; $psi.UseShellExecute = $false
$holder = [Diagnostics.Process]::Start($psi)
do { $said = $holder.StandardOutput.ReadLine() } while ($null -ne $said -and $said -ne 'locked')
"holder=$said"
'@ -Repair @'
$holder.StandardInput.Close(); $holder.WaitForExit()   # let go
'@
        $facts.holder | Should -Be 'locked'
        Assert-BrokeGlass $facts -JournalRows '4/0'
        @($facts.warning) -match 'database is locked' | Should -Not -BeNullOrEmpty -Because ($facts.warning -join "`n")
    }

    It 'a garbage line in the middle of the journal while the store is down: nothing stops, the line is reported and quarantined' {
        # A store of its own: the default store would be created anew on first use, never "down".
        $facts = Invoke-BreakGlass 'garbage' -Environment lab -Keys "'alias/bg-2', 'alias/bg-3'" -Fault @'
Rename-Item (Split-Path $store) 'store-away'   # the store is down
$null = Revoke-EncryptionKey -KeyId alias/bg-1 -IncidentId INC-2026-0042 -Reason 'first' -Force -WarningAction SilentlyContinue
$journal = (Get-ChildItem (Join-Path $data 'journal') -Filter *.jsonl | Select-Object -First 1).FullName
$lines = @(Get-Content $journal)
Set-Content $journal -Value @($lines[0], 'garbage from somewhere else', $lines[1])   # line 2 of 3
'@ -Checks @'
$check = Test-KeyMgmtEnvironment -Environment lab | Where-Object Name -eq 'Audit journal'
"envJournal=$($check.Status)"
"envJournalDetail=$($check.Detail)"
$unsynced = Get-KeyCompliance -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Where-Object Check -eq NothingUnsynced
"unsynced=$($unsynced.Status)"
"unsyncedDetail=$($unsynced.Detail)"
'@ -Repair @'
Rename-Item (Join-Path $env:XDG_DATA_HOME 'store-away') 'store'   # the store is back
'@
        Assert-BrokeGlass $facts -JournalRows '6/0' -Replayed 6 -Disabled 3
        @($facts.warning) -match 'does not exist' -match 'line 2: unreadable' | Should -Not -BeNullOrEmpty -Because ($facts.warning -join "`n")
        $facts.envJournal | Should -Be 'Fail' -Because 'Test-KeyMgmtEnvironment reports the journal problem as a check'
        $facts.envJournalDetail | Should -Match 'line 2: unreadable'
        $facts.unsynced | Should -Be 'Fail'
        $facts.unsyncedDetail | Should -Match 'line 2: unreadable'
        $facts.quarantined | Should -Be '1'
        $facts.quarantinedLine | Should -Be '2'
        @($facts.syncWarning) -match 'could not be verified and were moved to .+\.quarantine' | Should -Not -BeNullOrEmpty -Because ($facts.syncWarning -join "`n")
    }

    It 'a read-only journal folder: the rows go to the fallback journal, the warning names the read-only file system' {
        $why = Mount-Tmpfs (Join-Path $Dir 'readonly/BuzzKeyMgmt/journal') -ReadOnly
        if ($why) { Set-ItResult -Skipped -Because $why; return }
        $facts = Invoke-BreakGlass 'readonly' -Environment lab -Fault @'
Rename-Item (Split-Path $store) 'store-away'   # the store is down
'@ -Repair @'
Rename-Item (Join-Path $env:XDG_DATA_HOME 'store-away') 'store'   # the store is back; the journal folder is still read-only
'@
        Assert-BrokeGlass $facts -JournalRows '0/4'
        @($facts.warning) -match 'Read-only file system' -match 'fallback journal' | Should -Not -BeNullOrEmpty -Because ($facts.warning -join "`n")
    }
}
