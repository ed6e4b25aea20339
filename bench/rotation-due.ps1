<#
.SYNOPSIS
    Get-KeyRotationDue -All over a 10,000-key fleet against its quota floor, the due count against the seeded truth, and
    Export-KeyComplianceReport's time and size for the same fleet.
.DESCRIPTION
    In this pwsh: the sandbox with AWS's quotas on and 15 ms added to every call, -Keys keys seeded in the sandbox's
    fleet mix (rotating, due soon, rotation off, periods longer than the policy, never rotated, rotated on demand,
    disabled, pending deletion, asymmetric and HMAC keys), an Admin session. Prints, measured in this run:
      1. Get-KeyRotationDue -All -Within 14 time over the quota floor (goal <= 1.25), after an uncounted warm-up over a
         tenth of the fleet. The floor is what AWS's quotas alone impose on the calls the judgement needs, each
         operation at its own quota side by side: DescribeKey 2,000/s for every key, GetKeyRotationStatus 1,000/s and
         ListKeyRotations 100/s (the newest rotation, on-demand ones included) for every symmetric key.
      2. The number of keys listed against the truth computed here from the sandbox's own key facts (in process, not
         through the module) by the documented rules; a mismatch fails the run.
      3. Export-KeyComplianceReport for the same fleet: the time to write the report after the read (goal < 5 s) and
         the file's size (goal < 10 MB).
    Run after ./build.ps1 -Task Build (or through ./build.ps1 -Task Bench).
#>
param(
    [int] $Keys = 10000,
    [int] $LatencyMs = 15,
    [int] $Within = 14,
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot) 'out/BuzzKeyMgmt')
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "bkm-bench-rotation-$PID")).FullName
Import-Module $ModulePath
$sandbox = Start-KeyMgmtSandbox -PassThru
try {
    $null = Add-KeyMgmtSandboxKey -Count $Keys -AliasPrefix 'alias/CEK_User_' -FleetMix
    $null = Initialize-KeyAuditStore
    $null = Set-KeyMgmtSandboxFault -Operation '*' -Kind Latency -Probability 1 -Latency ([TimeSpan]::FromMilliseconds($LatencyMs))
    Connect-KeyManagement -Environment sandbox -Role Admin

    # Warm-up, not counted (the JIT tiers up the SDK and module paths).
    $null = @(Get-KeyRotationDue -Alias 'alias/CEK_User_1*' -Within $Within)
    [GC]::Collect()
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $due = @(Get-KeyRotationDue -All -Within $Within -ErrorVariable failures)
    $seconds = $sw.Elapsed.TotalSeconds

    # The truth, from the sandbox's own facts by the documented rules (independent of the module's code).
    $now = $sandbox.Clock.GetUtcNow()
    $facts = @($sandbox.Kms.KeyFacts() | Where-Object KeyManager -ne 'AWS')
    $symmetric = @($facts | Where-Object KeySpec -eq 'SYMMETRIC_DEFAULT').Count
    $expected = @($facts | Where-Object {
        $since = if ($_.LastRotationDate) { $_.LastRotationDate } else { $_.CreationDate }
        $dueByDate = $since.AddDays(90) -le $now.AddDays($Within)
        if ($_.KeyState -ne 'Enabled' -or -not $_.CanRotate) { $dueByDate }
        elseif (-not $_.KeyRotationEnabled) { $true }
        elseif ($_.RotationPeriodInDays -gt 90) { $true }
        else { $dueByDate }
    }).Count
    $floor = [math]::Max([math]::Max($facts.Count / 2000, $symmetric / 1000), $symmetric / 100)

    $report = Join-Path $env:XDG_DATA_HOME 'compliance.html'
    $verbose = @(Export-KeyComplianceReport -Path $report -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    $writeMs = [int](($verbose | Where-Object { $_ -match '^Report written in (\d+) ms' } | Select-Object -First 1) -replace '^Report written in (\d+) ms.*$', '$1')
    $sizeMb = (Get-Item $report).Length / 1MB

    "fleet: $($facts.Count) keys ($symmetric symmetric), quotas on, $LatencyMs ms per call"
    'Get-KeyRotationDue -All:      {0,8:N2} s, {1} keys listed, {2} errors' -f $seconds, $due.Count, @($failures).Count
    'quota floor:                   {0,8:N2} s (ListKeyRotations at 100/s for {1} symmetric keys)' -f $floor, $symmetric
    'ratio to the floor:            {0,8:N2}   (goal <= 1.25)' -f ($seconds / $floor)
    'listed against the truth:      {0} of {1} expected {2}' -f $due.Count, $expected, $(if ($due.Count -eq $expected) { '(match)' } else { '(MISMATCH)' })
    'report written after the read: {0,8:N2} s (goal < 5)' -f ($writeMs / 1000)
    'report size:                   {0,8:N2} MB (goal < 10)' -f $sizeMb
    if ($due.Count -ne $expected) { throw "Get-KeyRotationDue listed $($due.Count) keys; the seeded truth says $expected." }
}
finally {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    Remove-Item -Recurse -Force $env:XDG_DATA_HOME -ErrorAction SilentlyContinue
}
