<#
.SYNOPSIS
    Emergency revocation speed against the sandbox with AWS's quotas on and 15 ms added to every call.
.DESCRIPTION
    (a) A single emergency revocation end to end, from an Admin session with -MfaCode (assume the Emergency role,
        DisableKey, read back, audit rows in SQLite, SNS alert), -Runs times one after another (spaced so DisableKey's 5/s quota
        is not the measure); the median is printed. Goal: <= 300 ms.
    (b) -Keys keys piped into Revoke-EncryptionKey -Force: the time over the DisableKey quota floor (-Keys / 5 per
        second; 100 keys: 20 s), measured in the same run. Goal: <= 1.2, with zero failures.
    Run after ./build.ps1 -Task Build (or through ./build.ps1 -Task Bench).
#>
param(
    [int] $Runs = 9,
    [int] $Keys = 100,
    [int] $LatencyMs = 15,
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot) 'out/BuzzKeyMgmt')
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "bkm-bench-revoke-$PID")).FullName
Import-Module $ModulePath
$null = Start-KeyMgmtSandbox -PassThru
try {
    $null = Add-KeyMgmtSandboxKey -Count ($Runs + $Keys) -AliasPrefix 'alias/bench-'
    $null = Set-KeyMgmtSandboxFault -Operation '*' -Kind Latency -Probability 1 -Latency ([TimeSpan]::FromMilliseconds($LatencyMs))
    $null = Initialize-KeyAuditStore

    $single = foreach ($i in 1..$Runs) {
        Connect-KeyManagement -Environment sandbox -Role Admin
        Start-Sleep -Milliseconds 250
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Revoke-EncryptionKey -KeyId "alias/bench-$i" -IncidentId INC-2026-0042 -Reason 'benchmark' -MfaCode (Get-KeyMgmtSandboxMfaCode) -Force
        $ms = $sw.Elapsed.TotalMilliseconds
        if ($r.State -ne 'Disabled' -or -not $r.Verified) { throw "run $i did not revoke" }
        $ms
    }
    $sorted = @($single | Sort-Object)
    $median = $sorted[[int][math]::Floor($sorted.Count / 2)]

    Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042
    $refs = ($Runs + 1)..($Runs + $Keys) | ForEach-Object { "alias/bench-$_" }
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $results = @($refs | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason 'benchmark fleet' -Force -MaxKeys $Keys -ErrorVariable failures -ErrorAction SilentlyContinue)
    $fleetSeconds = $sw.Elapsed.TotalSeconds
    $floor = $Keys / 5.0

    "quotas on, $LatencyMs ms per call, audit in SQLite (durable), alerts to the sandbox's SNS"
    'single revocation, median of {0}:  {1,7:N0} ms (goal <= 300; min {2:N0}, max {3:N0})' -f $Runs, $median, $sorted[0], $sorted[-1]
    '{0} keys piped:                  {1,7:N2} s, {2} revoked, {3} failed' -f $Keys, $fleetSeconds, @($results | Where-Object Verified).Count, @($failures).Count
    'DisableKey quota floor:           {0,7:N2} s ({1} / 5 per second)' -f $floor, $Keys
    'ratio to the floor:               {0,7:N2}   (goal <= 1.2)' -f ($fleetSeconds / $floor)
}
finally {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    Remove-Item -Recurse -Force $env:XDG_DATA_HOME -ErrorAction SilentlyContinue
}
