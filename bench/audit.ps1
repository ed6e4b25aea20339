#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Audit store benchmark: durable chained appends on SQLite against plain durable inserts of the same rows in the same
    run, the replay of a journal (Sync-KeyAuditJournal's path), and hash-chain verification time over a large chain.
.DESCRIPTION
    Runs the AuditLoad console (tests/BuzzKeyMgmt.AuditLoad) in Release:
      bench  - -Appends appends three ways, interleaved in 10 rounds so the machine's other load falls on each alike:
               chained (SqliteAuditStore.Append: WAL, synchronous=FULL, BEGIN IMMEDIATE, the tail, the hash, one commit
               per row), plain (the same rows into the same schema, same pragmas, one BEGIN IMMEDIATE and commit per row,
               a connection and insert prepared once, no chain) and minimal (the earlier baseline: a small row into a
               three-column table, a connection opened per row). Goals: chained / plain >= 0.8; >= 500 chained appends/s.
      journal, replay - writes a journal of -ReplayRows rows (as the trail does while the store is away), then replays it
               into a new store through AuditTrail.Sync (Sync-KeyAuditJournal): rows per second (goal >= 5,000), the
               store's chain valid, and a second replay of the same lines storing nothing again.
      seed   - bulk-loads a valid chain of -VerifyRows rows once (kept in -WorkDirectory and reused by later runs).
      verify - SqliteAuditStore.VerifyChain over that chain. Goal: <= 10 seconds for 1,000,000 rows.
      digests, verify-digests - signs a digest of every -DigestEvery rows of that chain once (default 2: one per operation,
               its Started and Completed rows; kept beside it and reused), then verifies the chain against them as
               Test-KeyAuditIntegrity -Digests does: the default (the newest digest's signature, checked locally with
               the public key, and one chain walk that compares rows 1 and the newest digest's last row) and
               -AllDigests (every digest file read and hash-linked as well). Goal: <= 10 seconds for 1,000,000 rows.
    The default sizes are the small ones (what a CI run affords); -Full runs the sizes the README's figures come from
    (20,000 appends, a 20,000-row journal, 1,000,000 rows verified). -WorkDirectory decides the disk measured: durable
    appends are bound by its fsync.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./bench/audit.ps1
.EXAMPLE
    dotnet pwsh ./bench/audit.ps1 -Full -FailOnMiss
#>
[CmdletBinding()]
param(
    [ValidateRange(100, 1000000)] [int] $Appends = 2000,
    [ValidateRange(100, 1000000)] [int] $ReplayRows = 2000,
    [ValidateRange(1000, 100000000)] [long] $VerifyRows = 100000,
    [ValidateRange(1, 1000000)] [int] $DigestEvery = 2,
    [string] $WorkDirectory = (Join-Path ([System.IO.Path]::GetTempPath()) 'buzzkeymgmt-audit-bench'),
    [switch] $Full,
    [switch] $FailOnMiss
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

if ($Full) {
    if (-not $PSBoundParameters.ContainsKey('Appends')) { $Appends = 20000 }
    if (-not $PSBoundParameters.ContainsKey('ReplayRows')) { $ReplayRows = 20000 }
    if (-not $PSBoundParameters.ContainsKey('VerifyRows')) { $VerifyRows = 1000000 }
}
$root = Split-Path -Parent $PSScriptRoot
$project = Join-Path $root 'tests/BuzzKeyMgmt.AuditLoad/BuzzKeyMgmt.AuditLoad.csproj'
$dll = Join-Path $root 'tests/BuzzKeyMgmt.AuditLoad/bin/Release/net10.0/BuzzKeyMgmt.AuditLoad.dll'

Write-Host "Building AuditLoad (Release)..."
dotnet build $project -c Release --nologo -v q | Out-Host
if ($LASTEXITCODE -ne 0) { throw "Building $project failed (exit $LASTEXITCODE)." }

function Invoke-AuditLoad {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $output = & dotnet $dll @Arguments
    if ($LASTEXITCODE -ne 0) { throw "AuditLoad $($Arguments[0]) failed (exit $LASTEXITCODE): $output" }
    $values = @{}
    foreach ($line in $output) {
        foreach ($pair in ($line -split '\s+')) {
            $key, $value = $pair -split '=', 2
            if ($value) { $values[$key] = $value }
        }
    }
    $values
}

$null = New-Item -ItemType Directory -Force -Path $WorkDirectory
$culture = [System.Globalization.CultureInfo]::InvariantCulture

Write-Host "Durable appends: $Appends chained appends, $Appends plain durable inserts of the same rows, $Appends minimal inserts (interleaved)..."
$bench = Invoke-AuditLoad -Arguments @('bench', (Join-Path $WorkDirectory 'appends'), "$Appends")
$chained = [double]::Parse($bench['chained_per_sec'], $culture)
$baseline = [double]::Parse($bench['baseline_per_sec'], $culture)
$minimal = [double]::Parse($bench['minimal_per_sec'], $culture)
$ratio = $chained / $baseline

Write-Host "Journal replay: a $ReplayRows-row journal replayed into a new store (Sync-KeyAuditJournal's path)..."
$journalFile = Join-Path $WorkDirectory "journal-$ReplayRows.jsonl"
if (-not (Test-Path $journalFile)) { $null = Invoke-AuditLoad -Arguments @('journal', $journalFile, "$ReplayRows") }
$replay = Invoke-AuditLoad -Arguments @('replay', (Join-Path $WorkDirectory 'replay'), $journalFile)
$replayRate = [double]::Parse($replay['rows_per_sec'], $culture)

$chainDb = Join-Path $WorkDirectory "verify-$VerifyRows.db"
if (-not (Test-Path $chainDb)) {
    Write-Host "Seeding a chain of $VerifyRows rows (one-time, reused by later runs)..."
    $seed = Invoke-AuditLoad -Arguments @('seed', $chainDb, "$VerifyRows")
    Write-Host "  seeded $($seed['seeded']) rows in $($seed['seconds']) s"
}
Write-Host "Verifying the chain..."
$verify = Invoke-AuditLoad -Arguments @('verify', $chainDb)
$verifySeconds = [double]::Parse($verify['seconds'], $culture)
$verifyGoal = 10.0 * [Math]::Max(1.0, $VerifyRows / 1000000.0)  # the goal is set for 1,000,000 rows

$digestFolder = Join-Path $WorkDirectory "digests-$VerifyRows-every-$DigestEvery"
if (-not (Test-Path (Join-Path $digestFolder 'LATEST'))) {
    Write-Host "Signing a digest of every $DigestEvery rows of the chain (one-time, reused by later runs)..."
    $signed = Invoke-AuditLoad -Arguments @('digests', $chainDb, $digestFolder, "$DigestEvery")
    Write-Host "  signed $($signed['digests']) digests in $($signed['seconds']) s"
}
Write-Host "Verifying the chain against its digests (newest digest; then every digest)..."
$anchored = Invoke-AuditLoad -Arguments @('verify-digests', $chainDb, $digestFolder, 'Newest')
$anchoredSeconds = [double]::Parse($anchored['seconds'], $culture)
$allDigests = Invoke-AuditLoad -Arguments @('verify-digests', $chainDb, $digestFolder, 'AllDigests')
$allDigestsSeconds = [double]::Parse($allDigests['seconds'], $culture)

$appendOk = $chained -ge 500
$ratioOk = $ratio -ge 0.8
$replayOk = ($replayRate -ge 5000) -and ($replay['chain_valid'] -eq 'True') -and ($replay['replayed'] -eq "$ReplayRows") -and
    ($replay['again_replayed'] -eq '0') -and ($replay['again_present'] -eq "$ReplayRows") -and ($replay['quarantined'] -eq '0')
$verifyOk = ($verify['valid'] -eq 'True') -and ($verifySeconds -le $verifyGoal)
$anchoredOk = ($anchored['valid'] -eq 'True') -and ($anchoredSeconds -le $verifyGoal)
$met = { param($ok) if ($ok) { 'met' } else { 'MISSED' } }
''
"work directory $WorkDirectory; machine load $((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 1) on $([Environment]::ProcessorCount) cores"
'{0,-44} {1,12}' -f 'Chained durable appends per second', $chained.ToString('F0', $culture)
'{0,-44} {1,12}' -f 'Plain durable inserts (same rows) per second', $baseline.ToString('F0', $culture)
'{0,-44} {1,12}' -f 'Ratio chained / plain', $ratio.ToString('F2', $culture)
'{0,-44} {1,12}' -f 'Goal ratio >= 0.8', (& $met $ratioOk)
'{0,-44} {1,12}' -f 'Goal >= 500 appends/s', (& $met $appendOk)
'{0,-44} {1,12}' -f 'Minimal inserts (earlier baseline) per second', $minimal.ToString('F0', $culture)
'{0,-44} {1,12}' -f 'Ratio chained / minimal (no goal)', ($chained / $minimal).ToString('F2', $culture)
'{0,-44} {1,12}' -f "Journal replay, $($replay['rows']) rows, rows per second", $replayRate.ToString('F0', $culture)
'{0,-44} {1,12}' -f "  ($($replay['seconds']) s, $($replay['cpu_seconds']) s CPU; replayed again: $($replay['again_replayed']))", ''
'{0,-44} {1,12}' -f 'Goal >= 5,000 rows/s, chain valid, once', (& $met $replayOk)
'{0,-44} {1,12}' -f "Chain verification, $($verify['rows']) rows (s)", $verifySeconds.ToString('F2', $culture)
'{0,-44} {1,12}' -f "Goal <= $verifyGoal s and chain valid", (& $met $verifyOk)

'{0,-44} {1,12}' -f "Against the newest of $($anchored['listed']) digests (s)", $anchoredSeconds.ToString('F2', $culture)
'{0,-44} {1,12}' -f 'Ratio to the plain chain walk', ($anchoredSeconds / $verifySeconds).ToString('F2', $culture)
'{0,-44} {1,12}' -f "Goal <= $verifyGoal s and chain valid", (& $met $anchoredOk)
'{0,-44} {1,12}' -f "Against all $($allDigests['digests']) digests, -AllDigests (s)", $allDigestsSeconds.ToString('F2', $culture)
'{0,-44} {1,12}' -f 'Ratio to the plain chain walk', ($allDigestsSeconds / $verifySeconds).ToString('F2', $culture)
'{0,-44} {1,12}' -f 'Chain valid against every digest', $(if ($allDigests['valid'] -eq 'True') { 'yes' } else { 'NO' })

if ($FailOnMiss -and -not ($appendOk -and $ratioOk -and $replayOk -and $verifyOk -and $anchoredOk)) { exit 1 }
