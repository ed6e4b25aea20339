<#
.SYNOPSIS
    The drill's speed against the sandbox with AWS's quotas on and 15 ms added to every call (KMS, STS, SNS, IAM).
.DESCRIPTION
    Runs Invoke-KeyRevocationDrill (-Scenario, default All: revoke and recover, revoke with a scheduled deletion and
    recover, rotate) -Runs times, each on a fresh drill key, and prints for the median run:
      time to revoke (the Emergency role, DisableKey, read-back, audit rows, alert)   goal <= 1 s
      total time over the floor: the sum of the calls' floors (the AWS calls the drill made, counted by the sandbox,
        times the latency each one costs at least) measured in the same run           goal <= 1.5
    The sandbox's on-demand rotation is set to finish at once (AWS runs it in the background for an unknown time; the
    drill waits for it, which would measure AWS, not the drill). The audit store is SQLite (durable appends).
    Run after ./build.ps1 -Task Build (or through ./build.ps1 -Task Bench).
#>
param(
    [int] $Runs = 3,
    [int] $LatencyMs = 15,
    [ValidateSet('Revoke', 'RevokeAndDelete', 'Rotation', 'All')] [string] $Scenario = 'All',
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot) 'out/BuzzKeyMgmt')
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "bkm-bench-drill-$PID")).FullName
Import-Module $ModulePath
$sandbox = Start-KeyMgmtSandbox -PassThru   # quotas on (the default)
$failed = $false
try {
    $sandbox.KmsIn($sandbox.Region).OnDemandRotationDuration = [TimeSpan]::Zero
    $null = Initialize-KeyAuditStore
    Connect-KeyManagement -Environment sandbox -Role Admin
    $null = Set-KeyMgmtSandboxFault -Operation '*' -Kind Latency -Probability 1 -Latency ([TimeSpan]::FromMilliseconds($LatencyMs))

    $measured = foreach ($i in 1..$Runs) {
        $before = ($sandbox.RequestCounts().Values | Measure-Object -Sum).Sum
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-KeyRevocationDrill -Environment sandbox -Scenario $Scenario
        $seconds = $sw.Elapsed.TotalSeconds
        $calls = ($sandbox.RequestCounts().Values | Measure-Object -Sum).Sum - $before
        if (-not $r.Passed) { throw "drill $i $($r.Status) at $($r.FailedStep): $($r.Failure)" }
        [pscustomobject]@{ Seconds = $seconds; Calls = $calls; Floor = $calls * $LatencyMs / 1000.0; TimeToRevokeMs = $r.TimeToRevokeMs; Steps = $r.Steps.Count }
        Start-Sleep -Milliseconds 500   # the quotas' one-second windows start afresh
    }
    $median = @($measured | Sort-Object Seconds)[[int][math]::Floor($Runs / 2)]
    $ttr = @($measured.TimeToRevokeMs | Where-Object { $null -ne $_ } | Sort-Object)
    $ttrMedian = if ($ttr) { $ttr[[int][math]::Floor($ttr.Count / 2)] } else { $null }
    $ratio = $median.Seconds / $median.Floor

    "quotas on, $LatencyMs ms per call (KMS, STS, SNS, IAM), audit in SQLite (durable), alerts to the sandbox's SNS; scenario $Scenario, $Runs runs"
    'drill total, median:              {0,7:N2} s ({1} steps, {2} AWS calls)' -f $median.Seconds, $median.Steps, $median.Calls
    'sum of the calls'' floors:         {0,7:N2} s ({1} calls x {2} ms)' -f $median.Floor, $median.Calls, $LatencyMs
    'ratio to the floor:               {0,7:N2}   (goal <= 1.5) {1}' -f $ratio, $(if ($ratio -le 1.5) { 'PASS' } else { 'FAIL' })
    if ($null -ne $ttrMedian) {
        'time to revoke, median:           {0,7:N0} ms (goal <= 1000) {1}' -f $ttrMedian, $(if ($ttrMedian -le 1000) { 'PASS' } else { 'FAIL' })
    }
    $failed = $ratio -gt 1.5 -or ($null -ne $ttrMedian -and $ttrMedian -gt 1000)
}
finally {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    Remove-Item -Recurse -Force $env:XDG_DATA_HOME -ErrorAction SilentlyContinue
}
exit [int]$failed
