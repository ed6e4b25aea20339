#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Audit store benchmark: durable chained appends per second on SQLite (against a same-run baseline of plain durable
    inserts) and hash-chain verification time over a large chain.
.DESCRIPTION
    Runs the AuditLoad console (tests/BuzzKeyMgmt.AuditLoad) in Release:
      bench  - N appends through SqliteAuditStore.Append (WAL, synchronous=FULL, BEGIN IMMEDIATE, one commit per row,
               hash chain) versus N plain durable inserts (same pragmas, one commit per row, no chain): prints both
               rates and their ratio. Goal: >= 500 chained appends per second.
      seed   - bulk-loads a valid chain of -VerifyRows rows once (kept in -WorkDirectory and reused by later runs).
      verify - SqliteAuditStore.VerifyChain over that chain. Goal: <= 10 seconds for 1,000,000 rows.
      digests, verify-digests - signs a digest of every -DigestEvery rows of that chain once (default 2: one per operation,
               its Started and Completed rows; kept beside it and reused), then verifies the chain against them as
               Test-KeyAuditIntegrity -Digests does: the default (the newest digest's signature, checked locally with
               the public key, and one chain walk that compares rows 1 and the newest digest's last row) and
               -AllDigests (every digest file read and hash-linked as well). Goal: <= 10 seconds for 1,000,000 rows.
    The machine's other load shows in the numbers: compare the ratios, which are measured in the same run.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./bench/audit.ps1
.EXAMPLE
    dotnet pwsh ./bench/audit.ps1 -Appends 2000 -VerifyRows 100000 -FailOnMiss
#>
[CmdletBinding()]
param(
    [ValidateRange(100, 1000000)] [int] $Appends = 5000,
    [ValidateRange(1000, 100000000)] [long] $VerifyRows = 1000000,
    [ValidateRange(1, 1000000)] [int] $DigestEvery = 2,
    [string] $WorkDirectory = (Join-Path ([System.IO.Path]::GetTempPath()) 'buzzkeymgmt-audit-bench'),
    [switch] $FailOnMiss
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

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

Write-Host "Durable appends: $Appends chained appends vs $Appends plain durable inserts..."
$bench = Invoke-AuditLoad -Arguments @('bench', (Join-Path $WorkDirectory 'appends'), "$Appends")
$chained = [double]::Parse($bench['chained_per_sec'], $culture)
$baseline = [double]::Parse($bench['baseline_per_sec'], $culture)

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
$verifyOk = ($verify['valid'] -eq 'True') -and ($verifySeconds -le $verifyGoal)
$anchoredOk = ($anchored['valid'] -eq 'True') -and ($anchoredSeconds -le $verifyGoal)
''
'{0,-44} {1,12}' -f 'Chained durable appends per second', $chained.ToString('F0', $culture)
'{0,-44} {1,12}' -f 'Baseline plain durable inserts per second', $baseline.ToString('F0', $culture)
'{0,-44} {1,12}' -f 'Ratio chained / baseline', $bench['ratio']
'{0,-44} {1,12}' -f 'Goal >= 500 appends/s', $(if ($appendOk) { 'met' } else { 'MISSED' })
'{0,-44} {1,12}' -f "Chain verification, $($verify['rows']) rows (s)", $verifySeconds.ToString('F2', $culture)
'{0,-44} {1,12}' -f "Goal <= $verifyGoal s and chain valid", $(if ($verifyOk) { 'met' } else { 'MISSED' })

'{0,-44} {1,12}' -f "Against the newest of $($anchored['listed']) digests (s)", $anchoredSeconds.ToString('F2', $culture)
'{0,-44} {1,12}' -f 'Ratio to the plain chain walk', ($anchoredSeconds / $verifySeconds).ToString('F2', $culture)
'{0,-44} {1,12}' -f "Goal <= $verifyGoal s and chain valid", $(if ($anchoredOk) { 'met' } else { 'MISSED' })
'{0,-44} {1,12}' -f "Against all $($allDigests['digests']) digests, -AllDigests (s)", $allDigestsSeconds.ToString('F2', $culture)
'{0,-44} {1,12}' -f 'Ratio to the plain chain walk', ($allDigestsSeconds / $verifySeconds).ToString('F2', $culture)
'{0,-44} {1,12}' -f 'Chain valid against every digest', $(if ($allDigests['valid'] -eq 'True') { 'yes' } else { 'NO' })

if ($FailOnMiss -and -not ($appendOk -and $verifyOk -and $anchoredOk)) { exit 1 }
