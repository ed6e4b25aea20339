#requires -Version 7.4
<#
.SYNOPSIS
    Alert outbox flush speed: 10,000 queued alerts delivered by Sync-KeyAuditJournal to the sandbox (quotas off), and
    whether the flush is linear.
.DESCRIPTION
    Starts the sandbox with -NoQuotas, connects to it as Admin and queues alerts by writing the outbox file
    (<data>/BuzzKeyMgmt/outbox/sandbox.jsonl, the documented JSON Lines format), then times Sync-KeyAuditJournal
    delivering them. Measured in the same run, after an uncounted warm-up flush of -Warmup alerts (2,000; on this
    kind of loaded 2-core machine the first 10,000 flush of a process was still about twice as slow as the later ones,
    hence the rounds and medians below):
      - Sync-KeyAuditJournal with an empty outbox (median of 3): its fixed cost (journal replay, chain check),
        subtracted from the timings below;
      - -Rounds rounds (3) of: -Baseline publishes without an outbox, through the module's SnsPublisher (what SNS, the
        sandbox on this machine now, costs: the difference is what the outbox adds); -Baseline alerts (1,000) flushed;
        -Alerts alerts (10,000) flushed. The medians are compared: the machine's load drifts during a run;
      - the disk's durable-append rate: -Baseline appends of one short line, each flushed to disk, in the outbox's
        directory (what a flush would be held to if it flushed its delivered log to disk once per alert).
    Prints alerts per second at -Alerts (goal >= 1,000/s) and the linearity ratio: time per alert at -Alerts over time
    per alert at -Baseline (goal <= 1.5; a flush that rewrote the file per alert was quadratic). Every alert must
    reach the sandbox exactly once and the outbox must end empty, else the run fails.
    Run after ./build.ps1 -Task Build (or through ./build.ps1 -Task Bench).
.EXAMPLE
    dotnet pwsh ./bench/outbox.ps1
.EXAMPLE
    dotnet pwsh ./bench/outbox.ps1 -Alerts 20000 -FailOnMiss
#>
param(
    [ValidateRange(100, 1000000)] [int] $Alerts = 10000,
    [ValidateRange(100, 1000000)] [int] $Baseline = 1000,
    [ValidateRange(0, 100000)] [int] $Warmup = 2000,
    [ValidateRange(1, 21)] [int] $Rounds = 3,
    [double] $GoalPerSecond = 1000,
    [double] $GoalRatio = 1.5,
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot) 'out/BuzzKeyMgmt'),
    [switch] $FailOnMiss
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version Latest
$savedData = $env:XDG_DATA_HOME
$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "bkm-bench-outbox-$PID")).FullName
try {
    Import-Module $ModulePath
    $sandbox = Start-KeyMgmtSandbox -NoQuotas -PassThru
    Connect-KeyManagement -Environment sandbox -Role Admin
    $outbox = Join-Path $env:XDG_DATA_HOME 'BuzzKeyMgmt/outbox/sandbox.jsonl'
    $null = New-Item -ItemType Directory -Force (Split-Path $outbox)
    $culture = [Globalization.CultureInfo]::InvariantCulture

    # One pending alert per line, as AlertSender writes it; only the alert id differs between lines.
    $body = [ordered]@{
        alertId = '@ID@'; event = 'key.revoke.succeeded'; environment = 'sandbox'; operation = 'REVOKE'; severity = 'critical'
        keyId = '1234abcd-12ab-34cd-56ef-1234567890ab'; keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'
        alias = 'alias/bench'; incidentId = 'INC-2026-0042'; changeId = $null; operator = 'bench'; operatorArn = $null; baseIdentityArn = $null
        outcome = 'Succeeded'; errorCode = $null; errorMessage = $null; timings = @{ disable = 87 }; auditId = $null
        occurredAtUtc = '2026-11-28T17:00:00+00:00'; journaled = $false; summary = $null
    } | ConvertTo-Json -Compress
    $line = [ordered]@{
        alertId = '@ID@'; topicArn = $sandbox.AlertTopicArn; subject = '[sandbox] KEY REVOKED alias/bench (INC-2026-0042)'; body = $body
        queuedAtUtc = '2026-11-28T17:00:00+00:00'; lastError = 'InternalError: benchmark'
    } | ConvertTo-Json -Compress

    function Add-QueuedAlert([int] $Count) {
        $text = [Text.StringBuilder]::new()
        foreach ($i in 1..$Count) { $null = $text.Append($line.Replace('@ID@', [guid]::NewGuid().ToString('N'))).Append("`n") }
        [IO.File]::AppendAllText($outbox, $text.ToString())
    }

    function Measure-Flush([int] $Count) {
        if ($Count -gt 0) { Add-QueuedAlert $Count }
        $before = $sandbox.Messages.Count
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = Sync-KeyAuditJournal -WarningAction SilentlyContinue
        $seconds = $watch.Elapsed.TotalSeconds
        $published = $sandbox.Messages.Count - $before
        if ($result.AlertsDelivered -ne $Count -or $published -ne $Count -or $result.AlertsWaiting -ne 0) {
            throw "flush of $Count alerts: $($result.AlertsDelivered) delivered, $published published, $($result.AlertsWaiting) waiting"
        }
        if ((Test-Path $outbox) -and (Get-Item $outbox).Length -ne 0) { throw "the outbox was not emptied after $Count alerts" }
        $seconds
    }

    # The same publishes without an outbox, through the module's own SnsPublisher (the engine is in the module's
    # load context: reached by reflection, looped in compiled code), with the attributes a flush sends.
    Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
public static class OutboxBenchPublish
{
    public static double Run(object publisher, string topic, string body, string subject, int count)
    {
        var publish = publisher.GetType().GetMethod("PublishAsync");
        var attributes = new List<KeyValuePair<string, string>> { new("environment", "sandbox"), new("operation", "REVOKE"),
            new("severity", "critical"), new("outcome", "Succeeded") };
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var task = (Task)publish.Invoke(publisher, new object[] { topic, body.Replace("@ID@", Guid.NewGuid().ToString("N")), subject, attributes, CancellationToken.None });
            task.GetAwaiter().GetResult();
            var result = task.GetType().GetProperty("Result").GetValue(task);
            if (!(bool)result.GetType().GetProperty("Succeeded").GetValue(result)) throw new InvalidOperationException("publish failed: " + result);
        }
        return count / watch.Elapsed.TotalSeconds;
    }
}
'@
    function Measure-PublishOnly([int] $Count) {
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'BuzzKeyMgmt.Engine' } | Select-Object -First 1
        $core = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Assemblies | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' } | Select-Object -First 1
        $credentials = [Activator]::CreateInstance($core.GetType('Amazon.Runtime.BasicAWSCredentials'), [object[]] @($sandbox.Root.AccessKeyId, $sandbox.Root.SecretAccessKey))
        $publisher = [Activator]::CreateInstance($engine.GetType('BuzzKeyMgmt.Engine.Alerts.SnsPublisher'),
            [object[]] @($credentials, $sandbox.Region, $sandbox.Endpoint, [Nullable[TimeSpan]] [TimeSpan]::FromSeconds(20)))
        try { [OutboxBenchPublish]::Run($publisher, $sandbox.AlertTopicArn, $body, '[sandbox] KEY REVOKED alias/bench (INC-2026-0042)', $Count) }
        finally { $publisher.Dispose() }
    }

    function Measure-DurableAppend([int] $Count) {
        $path = Join-Path (Split-Path $outbox) 'bench-fsync.log'
        $bytes = [Text.Encoding]::UTF8.GetBytes('"0123456789abcdef0123456789abcdef"' + "`n")
        $stream = [IO.FileStream]::new($path, [IO.FileMode]::Create, [IO.FileAccess]::Write, [IO.FileShare]::None, 1)
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            foreach ($i in 1..$Count) { $stream.Write($bytes, 0, $bytes.Length); $stream.Flush($true) }
            $Count / $watch.Elapsed.TotalSeconds
        }
        finally { $stream.Dispose(); Remove-Item $path }
    }

    if ($Warmup -gt 0) { $null = Measure-Flush $Warmup }
    $fixed = @(1..3 | ForEach-Object { Measure-Flush 0 } | Sort-Object)[1]
    # Rounds of: publishes without an outbox, -Baseline flushed, -Alerts flushed; the medians are compared (the
    # machine's load drifts during a run, and every measure of a round sees the same moment).
    $measured = foreach ($round in 1..$Rounds) {
        [pscustomobject]@{ Publish = Measure-PublishOnly $Baseline; Base = Measure-Flush $Baseline; Full = Measure-Flush $Alerts }
    }
    function Get-Median([double[]] $Values) { $sorted = @($Values | Sort-Object); $sorted[[int][math]::Floor($sorted.Count / 2)] }
    $publishRate = Get-Median $measured.Publish
    $baseSeconds = Get-Median $measured.Base
    $fullSeconds = Get-Median $measured.Full
    $fsyncRate = Measure-DurableAppend $Baseline
    $basePerAlert = ($baseSeconds - $fixed) / $Baseline
    $fullPerAlert = ($fullSeconds - $fixed) / $Alerts
    $rate = 1 / $fullPerAlert
    $ratio = $fullPerAlert / $basePerAlert
    $rateOk = $rate -ge $GoalPerSecond
    $ratioOk = $ratio -le $GoalRatio

    "sandbox quotas off; outbox in $(Split-Path $outbox); machine load $((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 1) on $([Environment]::ProcessorCount) cores"
    'Sync-KeyAuditJournal, empty outbox (fixed cost):   {0,8:N3} s (median of 3, subtracted below)' -f $fixed
    $list = { param($values, $format) ($values | ForEach-Object { $format -f $_ }) -join ', ' }
    '{0,6:N0} alerts flushed:                         {1,8:N3} s  {2,7:N3} ms/alert  (median of {3}: {4} s)' -f $Baseline, $baseSeconds, ($basePerAlert * 1000), $Rounds, (& $list $measured.Base '{0:N3}')
    '{0,6:N0} alerts flushed:                         {1,8:N3} s  {2,7:N3} ms/alert  (median of {3}: {4} s)' -f $Alerts, $fullSeconds, ($fullPerAlert * 1000), $Rounds, (& $list $measured.Full '{0:N3}')
    'alerts per second at {0:N0}:                     {1,8:N0}    (goal >= {2:N0}: {3})' -f $Alerts, $rate, $GoalPerSecond, $(if ($rateOk) { 'met' } else { 'MISSED' })
    'linearity (ms/alert at {0:N0} over {1:N0}):         {2,8:N2}    (goal <= {3}: {4})' -f $Alerts, $Baseline, $ratio, $GoalRatio, $(if ($ratioOk) { 'met' } else { 'MISSED' })
    '{0,6:N0} publishes without an outbox:            {1,8:N0} /s {2,7:N3} ms/publish (median of {3}: {4} /s; the outbox adds {5:N3} ms/alert)' -f $Baseline, $publishRate, (1000 / $publishRate), $Rounds, (& $list $measured.Publish '{0:N0}'), (($fullPerAlert - 1 / $publishRate) * 1000)
    "this disk's durable appends per second:          {0,8:N0}    (a drain flushes its delivered log every {1} records or {2} ms)" -f $fsyncRate, 128, 100
    if ($FailOnMiss -and -not ($rateOk -and $ratioOk)) { exit 1 }
}
finally {
    if (Get-Module BuzzKeyMgmt) {
        Disconnect-KeyManagement
        Stop-KeyMgmtSandbox
    }
    Remove-Item -Recurse -Force $env:XDG_DATA_HOME -ErrorAction SilentlyContinue
    $env:XDG_DATA_HOME = $savedData
}
