<#
.SYNOPSIS
    Get-KeyStatus -All over a 10,000-key fleet: time against the quota floor, against the sequential idiom, and memory.
.DESCRIPTION
    In this pwsh: the sandbox with AWS's quotas on and 15 ms added to every call (typical in-Region KMS latency),
    -Keys keys seeded with a realistic rotation mix, an Admin session. Prints, measured in this run:
      1. Get-KeyStatus -All time over the quota floor (goal <= 1.25), after an uncounted warm-up pass over a tenth of
       the fleet (its cold time is printed too). The floor is what AWS's quotas alone impose on
         the per-key calls the output needs, each operation at its own quota side by side: DescribeKey and
         ListResourceTags at 2,000/s, GetKeyRotationStatus at 1,000/s (10 s for 10,000 keys).
      2. The sequential idiom (ForEach-Object calling DescribeKey and GetKeyRotationStatus one by one with the same
         SDK) over Get-KeyStatus -All (goal >= 10). The idiom runs on -SequentialSample keys and is extrapolated
         linearly to the fleet (at 15 ms per call it would otherwise take minutes); the sample size is printed.
      3. The peak working set of this pwsh process, holding the sandbox and every result (goal <= 400 MB).
    Run after ./build.ps1 -Task Build (or through ./build.ps1 -Task Bench).
#>
param(
    [int] $Keys = 10000,
    [int] $LatencyMs = 15,
    [int] $SequentialSample = 300,
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot) 'out/BuzzKeyMgmt')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$sandbox = Start-KeyMgmtSandbox -PassThru
try {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $seeded = (Add-KeyMgmtSandboxKey -Count $Keys -AliasPrefix 'alias/CEK_User_' -RotationMix).Count
    $seedPerSecond = $seeded / $sw.Elapsed.TotalSeconds
    $null = Set-KeyMgmtSandboxFault -Operation '*' -Kind Latency -Probability 1 -Latency ([TimeSpan]::FromMilliseconds($LatencyMs))
    Connect-KeyManagement -Environment sandbox -Role Admin

    # Warm-up, not counted: a first pass over a tenth of the fleet lets the JIT tier up the SDK and module paths, so
    # the timed run measures the steady state (the cold first run is printed too).
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $warm = @(Get-KeyStatus -Alias 'alias/CEK_User_1*' -ProgressAction SilentlyContinue)
    $warmSeconds = $sw.Elapsed.TotalSeconds
    [GC]::Collect()
    $sw.Restart()
    $results = @(Get-KeyStatus -All -ErrorVariable failures -ProgressAction SilentlyContinue)
    $moduleSeconds = $sw.Elapsed.TotalSeconds
    $peakMb = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB

    $rotationCalls = @($results | Where-Object { $_.KeySpec -eq 'SYMMETRIC_DEFAULT' -and $_.Origin -eq 'AWS_KMS' }).Count
    $floor = [math]::Max([math]::Max($results.Count / 2000, $rotationCalls / 1000), $results.Count / 2000)

    # The sequential idiom, with the same SDK version loaded into this session directly.
    $lib = Join-Path $ModulePath 'lib'
    Add-Type -Path (Join-Path $lib 'AWSSDK.Core.dll'), (Join-Path $lib 'AWSSDK.KeyManagementService.dll')
    $config = [Amazon.KeyManagementService.AmazonKeyManagementServiceConfig]::new()
    $config.ServiceURL = $sandbox.Endpoint
    $config.AuthenticationRegion = $sandbox.Region
    $client = [Amazon.KeyManagementService.AmazonKeyManagementServiceClient]::new(
        [Amazon.Runtime.BasicAWSCredentials]::new($sandbox.Root.AccessKeyId, $sandbox.Root.SecretAccessKey), $config)
    $sample = $results | Select-Object -First $SequentialSample
    $sw.Restart()
    $sequential = $sample | ForEach-Object {
        $d = $client.DescribeKeyAsync([Amazon.KeyManagementService.Model.DescribeKeyRequest]@{ KeyId = $_.KeyId }).GetAwaiter().GetResult()
        $r = $client.GetKeyRotationStatusAsync([Amazon.KeyManagementService.Model.GetKeyRotationStatusRequest]@{ KeyId = $_.KeyId }).GetAwaiter().GetResult()
        [pscustomobject]@{ KeyId = $d.KeyMetadata.KeyId; State = $d.KeyMetadata.KeyState.Value; Rotation = $r.KeyRotationEnabled }
    }
    $sequentialSeconds = $sw.Elapsed.TotalSeconds / @($sequential).Count * $results.Count

    # Ctrl+C: stop a fleet read two seconds in (PowerShell.Stop is what Ctrl+C does) and time how long it takes.
    # The module imported by the runspace's initial state, not as a batch statement: a stopped batch can touch its
    # disposed runspace from a thread-pool item and crash the process.
    $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
    $state.ImportPSModule([string[]]@($ModulePath))
    $ps = [powershell]::Create($state)
    # A new runspace has its own sessions and sandbox registrations: it is handed this session.
    $null = $ps.AddCommand('Get-KeyStatus').AddParameter('All').AddParameter('Session', (Get-KeyMgmtSession))
    $async = $ps.BeginInvoke()
    Start-Sleep -Seconds 2
    $sw.Restart()
    $ps.Stop()
    $stopMs = $sw.Elapsed.TotalMilliseconds
    $stoppedState = $ps.InvocationStateInfo.State
    $ps.Dispose()

    "fleet: $seeded keys seeded ({0:N0} keys/s), $($results.Count) statuses, $(@($failures).Count) errors, quotas on, $LatencyMs ms per call" -f $seedPerSecond
    'warm-up (cold), {0} keys:     {1,8:N2} s ({2:N0} keys/s)' -f $warm.Count, $warmSeconds, ($warm.Count / $warmSeconds)
    'Get-KeyStatus -All:            {0,8:N2} s' -f $moduleSeconds
    'quota floor:                   {0,8:N2} s' -f $floor
    'ratio to the floor:            {0,8:N2}   (goal <= 1.25)' -f ($moduleSeconds / $floor)
    'sequential idiom (extrapolated from {0} keys): {1:N1} s' -f @($sequential).Count, $sequentialSeconds
    'sequential / Get-KeyStatus:    {0,8:N1}   (goal >= 10)' -f ($sequentialSeconds / $moduleSeconds)
    'peak working set:              {0,8:N0} MB (goal <= 400)' -f $peakMb
    'stop on Ctrl+C:                {0,8:N0} ms (goal <= 1000; state {1})' -f $stopMs, $stoppedState
}
finally {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
}
