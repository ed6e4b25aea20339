<#
.SYNOPSIS
    Fleet reads at scale: Get-KeyStatus -All over one account-Region's fleet and across eight account-Regions, against the
    floors AWS's quotas impose, and memory.
.DESCRIPTION
    The sandbox runs in a child pwsh (so this process's working set is the module's alone), with AWS's quotas on, 15 ms
    added to every call (typical in-Region KMS latency) and member accounts; this process reaches it as a real
    deployment would: a configuration file naming the environments, credentials from the standard chain, an Admin
    session per environment. Prints, measured or computed in this run, with PASS/FAIL per goal:
      1. The 10,000-key case (-Keys): Get-KeyStatus -All in one account-Region over its quota floor (goal <= 1.1), after an
         uncounted warm-up pass over a tenth of it. The floor is what the quotas alone impose on the per-key calls, each
         operation at its own quota side by side: DescribeKey and ListResourceTags at 2,000/s, GetKeyRotationStatus at
         1,000/s (10 s for 10,000 keys). Beside it, the sequential idiom (ForEach-Object calling DescribeKey and
         GetKeyRotationStatus one by one with the same SDK) extrapolated from -SequentialSample keys (goal >= 10 x slower),
         and how long a stop (Ctrl+C) takes.
      2. -LargeKeys keys in one account-Region (100,000 with -Full): time over the quota floor (goal <= 1.1) and this
         process's peak working set while streaming them into Measure-Object (goal <= 400 MB), beside its working set
         before the read.
      3. -Environments account-Regions of -KeysPerEnvironment keys each (8 x 10,000 with -Full), each with its own quotas,
         twice:
         a. at AWS's default quotas: Get-KeyStatus -All -Environment <all of them> over the single account-Region floor
            of 10 s (goal <= 1.2). Eight account-Regions at their default quotas need about 24,000 requests a second;
            on a small machine that also plays AWS this is bounded by its cores, which the CPU seconds of both
            processes show.
         b. each account-Region paced to a share of its quotas (-QuotaShare, a fifth by default, set through the
            environments' kmsQuotas as an operator leaving room for other callers would): at once over the single
            floor at that share (goal <= 1.2), and the same environments read one after another over that (goal >= 6 x
            slower). This is the same concurrency at a request rate the machine can send and serve.
    Default sizes are small (CI runs them); -Full runs the sizes the README reports (minutes).
    Run after ./build.ps1 -Task Build (or through ./build.ps1 -Task Bench).
#>
param(
    [int] $Keys = 10000,
    [int] $LargeKeys = 20000,
    [int] $Environments = 8,
    [int] $KeysPerEnvironment = 1000,
    [int] $LatencyMs = 15,
    [int] $SequentialSample = 300,
    [ValidateRange(0.01, 1)] [double] $QuotaShare = 0.2,
    [switch] $Full,
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot) 'out/BuzzKeyMgmt')
)
$ErrorActionPreference = 'Stop'
if ($Full) { $LargeKeys = 100000; $KeysPerEnvironment = 10000; $Environments = 8 }
$accounts = 2 * [int][math]::Ceiling($Environments / 2) + 1   # two Regions each, twice (default quotas, a share); the last member account holds the large fleet
$ModulePath = (Resolve-Path $ModulePath).Path
$work = Join-Path ([IO.Path]::GetTempPath()) "bkm-fleet-bench-$PID"
$null = New-Item -ItemType Directory -Path $work -Force
$ready = Join-Path $work 'ready.json'
$stop = Join-Path $work 'stop'

# The sandbox, seeded, in a child pwsh; it writes what this process needs to reach it, then waits for the stop file.
$child = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$sandbox = Start-KeyMgmtSandbox -PassThru -MemberAccounts $accounts
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$seeded = (Add-KeyMgmtSandboxKey -Count $Keys -AliasPrefix 'alias/CEK_User_' -RotationMix).Count
`$members = @(`$sandbox.MemberAccounts)
`$fleet = @()
for (`$i = 0; `$i -lt 2 * $Environments; `$i++) {
    `$account = `$members[[math]::Floor(`$i / 2)]; `$region = `$sandbox.Regions[`$i % 2]
    `$seeded += (Add-KeyMgmtSandboxKey -Count $KeysPerEnvironment -AccountId `$account -Region `$region -RotationMix).Count
    `$fleet += @{ account = `$account; region = `$region; shared = (`$i -ge $Environments) }
}
`$large = `$members[-1]
`$seeded += (Add-KeyMgmtSandboxKey -Count $LargeKeys -AccountId `$large -Region `$sandbox.Region -RotationMix).Count
`$seedSeconds = `$sw.Elapsed.TotalSeconds
function Rotatable(`$kms) { @(`$kms.KeyFacts() | Where-Object { `$_.KeyManager -eq 'CUSTOMER' -and `$_.KeySpec -eq 'SYMMETRIC_DEFAULT' -and `$_.Origin -eq 'AWS_KMS' }).Count }
`$op = `$sandbox.User('operator')
@{
    endpoint = `$sandbox.Endpoint; account = `$sandbox.AccountId; region = `$sandbox.Region; regions = `$sandbox.Regions
    accessKey = `$op.AccessKeyId; secretKey = `$op.SecretAccessKey; rootKey = `$sandbox.Root.AccessKeyId; rootSecret = `$sandbox.Root.SecretAccessKey
    adminRole = `$sandbox.AdminRoleArn; large = `$large; fleet = `$fleet; seeded = `$seeded; seedSeconds = `$seedSeconds
    homeRotatable = (Rotatable `$sandbox.Kms); largeRotatable = (Rotatable `$sandbox.KmsIn(`$large, `$sandbox.Region))
    fleetRotatable = @(foreach (`$f in `$fleet) { Rotatable `$sandbox.KmsIn(`$f.account, `$f.region) })
} | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath '$ready.tmp'
Move-Item -LiteralPath '$ready.tmp' -Destination '$ready'
`$null = Set-KeyMgmtSandboxFault -Operation '*' -Kind Latency -Probability 1 -Latency ([TimeSpan]::FromMilliseconds($LatencyMs))
while (-not (Test-Path -LiteralPath '$stop')) { Start-Sleep -Milliseconds 200 }
Stop-KeyMgmtSandbox
"@
$childScript = Join-Path $work 'sandbox.ps1'
Set-Content -LiteralPath $childScript -Value $child
$pwsh = [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
$childArgs = if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { @('pwsh', '-NoProfile', '-File', "`"$childScript`"") } else { @('-NoProfile', '-File', "`"$childScript`"") }
$sandboxProcess = Start-Process -FilePath $pwsh -ArgumentList $childArgs -PassThru -NoNewWindow -WorkingDirectory (Split-Path $PSScriptRoot)
$results = [ordered]@{}
$verdicts = [Collections.Generic.List[string]]::new()
function Goal([string] $name, [double] $value, [double] $goal, [string] $format, [switch] $AtLeast) {
    $pass = if ($AtLeast) { $value -ge $goal } else { $value -le $goal }
    $line = "{0,-58} {1,10} (goal {2} {3}) {4}" -f $name, ($format -f $value), $(if ($AtLeast) { '>=' } else { '<=' }), $goal, $(if ($pass) { 'PASS' } else { 'FAIL' })
    $verdicts.Add($line)
    $line
}
# CPU seconds used by this process and by the sandbox's process tree since $since (where a run's time goes on a machine
# this small; the tree, because `dotnet pwsh` starts pwsh as a child of the dotnet host).
function Get-TreeCpu([int] $id) {
    if (-not (Test-Path "/proc/$id/stat")) { return [double]::NaN }
    $fields = ((Get-Content -Raw "/proc/$id/stat") -replace '^.*\) ', '') -split ' '
    $seconds = ([double]$fields[11] + [double]$fields[12]) / 100
    foreach ($task in Get-ChildItem "/proc/$id/task" -ErrorAction SilentlyContinue) {
        $children = Get-Content -Raw (Join-Path $task.FullName 'children') -ErrorAction SilentlyContinue
        foreach ($child in "$children".Trim() -split ' ' | Where-Object { $_ }) { $seconds += Get-TreeCpu ([int]$child) }
    }
    $seconds
}
function Get-Cpu($since) {
    $now = [pscustomobject]@{ Module = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds; Sandbox = Get-TreeCpu $sandboxProcess.Id }
    if ($since) { [pscustomobject]@{ Module = $now.Module - $since.Module; Sandbox = $now.Sandbox - $since.Sandbox } } else { $now }
}
try {
    $deadline = [DateTime]::UtcNow.AddMinutes(10)
    while (-not (Test-Path -LiteralPath $ready)) {
        if ($sandboxProcess.HasExited) { throw "The sandbox process ended (exit code $($sandboxProcess.ExitCode)) before it was ready." }
        if ([DateTime]::UtcNow -gt $deadline) { throw 'The sandbox process was not ready within 10 minutes.' }
        Start-Sleep -Milliseconds 200
    }
    $sb = Get-Content -Raw -LiteralPath $ready | ConvertFrom-Json
    $names = @()
    $config = @{ environments = [ordered]@{} }
    function Add-Environment($name, $account, $region) {
        $config.environments[$name] = @{ region = $region; accountId = $account; endpointUrl = $sb.endpoint
            roles = @{ admin = $sb.adminRole -replace '::\d{12}:', "::$($account):" } }
    }
    Add-Environment 'home' $sb.account $sb.region
    Add-Environment 'large' $sb.large $sb.region
    # The shared fleet's environments declare a share of each per-key operation's default quota (kmsQuotas).
    # AWS's defaults (the engine's KmsQuotaGates.DefaultQuotas lives in the module's own load context, out of reach here).
    $defaults = @{ DescribeKey = 2000; GetKeyRotationStatus = 1000; ListResourceTags = 2000; ListKeys = 500; ListAliases = 500 }
    $shares = @{}
    foreach ($operation in $defaults.Keys) { $shares[$operation] = [math]::Round($defaults[$operation] * $QuotaShare, 2) }
    $sharedNames = @()
    for ($i = 0; $i -lt $sb.fleet.Count; $i++) {
        $f = $sb.fleet[$i]
        $name = '{0}-{1}-{2}' -f $(if ($f.shared) { 'share' } else { 'fleet' }), ($i % $Environments + 1), $f.region
        Add-Environment $name $f.account $f.region
        if ($f.shared) { $config.environments[$name].kmsQuotas = $shares; $sharedNames += $name } else { $names += $name }
    }
    $env:BUZZKEYMGMT_CONFIG = Join-Path $work 'environments.json'
    $config | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $env:BUZZKEYMGMT_CONFIG
    $env:AWS_ACCESS_KEY_ID = $sb.accessKey; $env:AWS_SECRET_ACCESS_KEY = $sb.secretKey
    Remove-Item Env:AWS_SESSION_TOKEN, Env:AWS_PROFILE -ErrorAction SilentlyContinue
    Import-Module $ModulePath
    $load = if (Test-Path /proc/loadavg) { ' load average ' + ((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' ' } else { '' }
    "machine: $([Environment]::ProcessorCount) cores;$load (the sandbox answers on the same machine: a busy one bounds every figure)"
    "sandbox (child process): {0:N0} keys seeded in {1:N1} s ({2:N0} keys/s); quotas on, {3} ms per call" -f $sb.seeded, $sb.seedSeconds, ($sb.seeded / $sb.seedSeconds), $LatencyMs

    # 1. The 10,000-key case.
    Connect-KeyManagement -Environment home -Role Admin
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $warm = @(Get-KeyStatus -Alias 'alias/CEK_User_1*' -ProgressAction SilentlyContinue)
    $warmSeconds = $sw.Elapsed.TotalSeconds
    [GC]::Collect()
    $sw.Restart()
    $homeKeys = @(Get-KeyStatus -All -ErrorVariable failures -ProgressAction SilentlyContinue)
    $homeSeconds = $sw.Elapsed.TotalSeconds
    $homeFloor = [math]::Max($homeKeys.Count / 2000, $sb.homeRotatable / 1000)

    $lib = Join-Path $ModulePath 'lib'
    Add-Type -Path (Join-Path $lib 'AWSSDK.Core.dll'), (Join-Path $lib 'AWSSDK.KeyManagementService.dll')
    $kmsConfig = [Amazon.KeyManagementService.AmazonKeyManagementServiceConfig]::new()
    $kmsConfig.ServiceURL = $sb.endpoint
    $kmsConfig.AuthenticationRegion = $sb.region
    $client = [Amazon.KeyManagementService.AmazonKeyManagementServiceClient]::new(
        [Amazon.Runtime.BasicAWSCredentials]::new($sb.rootKey, $sb.rootSecret), $kmsConfig)
    $sample = $homeKeys | Select-Object -First $SequentialSample
    $sw.Restart()
    $sequential = $sample | ForEach-Object {
        $d = $client.DescribeKeyAsync([Amazon.KeyManagementService.Model.DescribeKeyRequest]@{ KeyId = $_.KeyId }).GetAwaiter().GetResult()
        $r = $client.GetKeyRotationStatusAsync([Amazon.KeyManagementService.Model.GetKeyRotationStatusRequest]@{ KeyId = $_.KeyId }).GetAwaiter().GetResult()
        [pscustomobject]@{ KeyId = $d.KeyMetadata.KeyId; State = $d.KeyMetadata.KeyState.Value; Rotation = $r.KeyRotationEnabled }
    }
    $homeCount = $homeKeys.Count
    $sequentialSeconds = $sw.Elapsed.TotalSeconds / @($sequential).Count * $homeCount

    # Ctrl+C: stop a fleet read two seconds in (PowerShell.Stop is what Ctrl+C does) and time how long it takes.
    $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
    $state.ImportPSModule([string[]]@($ModulePath))
    $ps = [powershell]::Create($state)
    $null = $ps.AddCommand('Get-KeyStatus').AddParameter('All').AddParameter('Session', (Get-KeyMgmtSession))
    $async = $ps.BeginInvoke()
    Start-Sleep -Seconds 2
    $sw.Restart()
    $ps.Stop()
    $stopMs = $sw.Elapsed.TotalMilliseconds
    $stoppedState = $ps.InvocationStateInfo.State
    $ps.Dispose()
    $homeKeys = $null; $sample = $null; $sequential = $null
    [GC]::Collect()

    # 2. The large fleet in one account-Region, streamed into Measure-Object (nothing kept).
    $before = [Diagnostics.Process]::GetCurrentProcess()
    $before.Refresh()
    $workingBeforeMb = $before.WorkingSet64 / 1MB
    $cpu = Get-Cpu
    $sw.Restart()
    $large = Get-KeyStatus -All -Environment large -ErrorVariable largeFailures -ProgressAction SilentlyContinue | Measure-Object
    $largeSeconds = $sw.Elapsed.TotalSeconds
    $largeCpu = Get-Cpu $cpu
    $me = [Diagnostics.Process]::GetCurrentProcess()
    $peakMb = $me.PeakWorkingSet64 / 1MB
    $largeFloor = [math]::Max($large.Count / 2000, $sb.largeRotatable / 1000)

    # 3a. Every fleet environment at once at the default quotas (sessions connected before anything is timed).
    $null = Get-KeyStatus -Environment ($names + $sharedNames) -KeyId 'alias/CEK_User_1' -ErrorAction SilentlyContinue
    $cpu = Get-Cpu
    $sw.Restart()
    $together = Get-KeyStatus -All -Environment $names -ErrorVariable togetherFailures -ProgressAction SilentlyContinue | Measure-Object
    $togetherSeconds = $sw.Elapsed.TotalSeconds
    $togetherCpu = Get-Cpu $cpu
    $rotatable = @{ $false = @(); $true = @() }   # by shared
    for ($i = 0; $i -lt $sb.fleet.Count; $i++) { $rotatable[[bool]$sb.fleet[$i].shared] += $sb.fleetRotatable[$i] }
    $singleFloor = ($rotatable[$false] | Measure-Object -Maximum).Maximum / 1000

    # 3b. The shared fleet (each account-Region paced to its share): at once, then one after another.
    $cpu = Get-Cpu
    $sw.Restart()
    $shared = Get-KeyStatus -All -Environment $sharedNames -ErrorVariable sharedFailures -ProgressAction SilentlyContinue | Measure-Object
    $sharedSeconds = $sw.Elapsed.TotalSeconds
    $sharedCpu = Get-Cpu $cpu
    $sw.Restart()
    $oneByOne = 0
    foreach ($name in $sharedNames) { $oneByOne += (Get-KeyStatus -All -Environment $name -ProgressAction SilentlyContinue | Measure-Object).Count }
    $oneByOneSeconds = $sw.Elapsed.TotalSeconds
    $sharedFloor = [math]::Max(($rotatable[$true] | Measure-Object -Maximum).Maximum / $shares.GetKeyRotationStatus, $KeysPerEnvironment / $shares.DescribeKey)

    ''
    '1. one account-Region, {0:N0} keys ({1} errors); warm-up (cold) {2:N2} s for {3} keys' -f $homeCount, @($failures).Count, $warmSeconds, $warm.Count
    '   Get-KeyStatus -All {0:N2} s, quota floor {1:N2} s; sequential idiom (from {2} keys) {3:N1} s; stop {4:N0} ms ({5})' -f $homeSeconds, $homeFloor, $SequentialSample, $sequentialSeconds, $stopMs, $stoppedState
    '2. one account-Region, {0:N0} keys ({1} errors): {2:N2} s, quota floor {3:N2} s; working set {4:N0} MB before the read; CPU: module {5:N1} s, sandbox {6:N1} s' -f $large.Count, @($largeFailures).Count, $largeSeconds, $largeFloor, $workingBeforeMb, $largeCpu.Module, $largeCpu.Sandbox
    '3a. {0} account-Regions x {1:N0} keys at the default quotas: {2:N0} keys at once in {3:N2} s ({4} errors); single floor {5:N2} s; CPU: module {6:N1} s, sandbox {7:N1} s ({8:N0}% of {9} cores)' -f $names.Count, $KeysPerEnvironment, $together.Count, $togetherSeconds, @($togetherFailures).Count, $singleFloor, $togetherCpu.Module, $togetherCpu.Sandbox, (100 * ($togetherCpu.Module + $togetherCpu.Sandbox) / $togetherSeconds / [Environment]::ProcessorCount), [Environment]::ProcessorCount
    '3b. {0} account-Regions x {1:N0} keys, each paced to {2:P0} of its quotas: {3:N0} keys at once in {4:N2} s ({5} errors); one after another {6:N0} keys in {7:N2} s; single floor {8:N2} s; CPU at once: module {9:N1} s, sandbox {10:N1} s' -f $sharedNames.Count, $KeysPerEnvironment, $QuotaShare, $shared.Count, $sharedSeconds, @($sharedFailures).Count, $oneByOne, $oneByOneSeconds, $sharedFloor, $sharedCpu.Module, $sharedCpu.Sandbox
    ''
    Goal '1. Get-KeyStatus -All / quota floor' ($homeSeconds / $homeFloor) 1.1 '{0:N2}'
    Goal '1. sequential idiom / Get-KeyStatus -All' ($sequentialSeconds / $homeSeconds) 10 '{0:N1}' -AtLeast
    Goal '1. stop on Ctrl+C (ms)' $stopMs 1000 '{0:N0}'
    Goal "2. $($large.Count) keys: Get-KeyStatus -All / quota floor" ($largeSeconds / $largeFloor) 1.1 '{0:N2}'
    Goal '2. peak working set of this process (MB)' $peakMb 400 '{0:N0}'
    Goal "3a. $($names.Count) account-Regions at once, default quotas / single floor" ($togetherSeconds / $singleFloor) 1.2 '{0:N2}'
    Goal "3b. $($sharedNames.Count) account-Regions at once, $($QuotaShare.ToString('P0')) share / single floor" ($sharedSeconds / $sharedFloor) 1.2 '{0:N2}'
    Goal '3b. one after another / at once' ($oneByOneSeconds / $sharedSeconds) 6 '{0:N1}' -AtLeast
    if ($together.Count -ne $oneByOne -or $shared.Count -ne $oneByOne -or @($sharedFailures).Count -gt 0 -or $large.Count -lt $LargeKeys -or @($togetherFailures).Count -gt 0 -or @($largeFailures).Count -gt 0) {
        Write-Error "Counts or errors wrong: at once $($together.Count), one by one $oneByOne, large $($large.Count) of $LargeKeys."
    }
}
finally {
    Disconnect-KeyManagement -ErrorAction SilentlyContinue
    $null = New-Item -ItemType File -Path $stop -Force
    if (-not $sandboxProcess.WaitForExit(30000)) { Stop-Process -Id $sandboxProcess.Id -Force }
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
