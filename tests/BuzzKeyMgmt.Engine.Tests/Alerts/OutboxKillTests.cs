using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Tests.Audit;
using BuzzKeyMgmt.Sandbox;
using Xunit.Abstractions;

namespace BuzzKeyMgmt.Engine.Tests.Alerts;

/// <summary>
/// A separate process (tests/BuzzKeyMgmt.OutboxLoad) queues alerts and flushes them to a running sandbox; the test kills
/// it (SIGKILL, no clean-up) at a random point, 20 times: while it queues, while it publishes (after a random number of
/// messages, plus a random few hundred microseconds so the kill lands before, during or after a delivery record), or
/// after its last publish (in its last records or its compaction, or after it ended). A flush in this process then delivers the rest. Every alert the process acknowledged (its Append
/// returned) reaches SNS at least once, at most one alert per crash twice (same alertId), and afterwards the outbox
/// holds none of them: nothing queued, the delivered log empty after the compaction, nothing quarantined.
/// </summary>
public sealed class OutboxKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Runs = 20;
    private const int AlertsPerRun = 200;
    private const int Seed = 20261128;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Killing_a_flushing_process_at_random_points_loses_no_alert_and_leaves_none_queued()
    {
        var loader = await BuildOutboxLoad();
        using var server = SandboxServer.Start(new SandboxOptions { EnforceQuotas = false });
        using var publisher = new SnsPublisher(new BasicAWSCredentials(server.Root.AccessKeyId, server.Root.SecretAccessKey), server.Region,
            server.Endpoint, TimeSpan.FromSeconds(20));
        var random = new Random(Seed);
        int killedQueuing = 0, killedFlushing = 0, finished = 0, duplicates = 0;

        for (var run = 0; run < Runs; run++)
        {
            var path = _folder.File($"run-{run}", "outbox", "kill-test.jsonl");
            var before = server.Messages.Count;
            var duringQueue = run % 5 == 0;
            // Every fifth run dies after its last publish: in its last delivery records, its compaction, or not at all.
            var target = duringQueue ? random.Next(1, AlertsPerRun) : run % 5 == 4 ? AlertsPerRun : random.Next(0, AlertsPerRun);
            var jitterMicroseconds = random.Next(0, 800);

            var acknowledged = new ConcurrentQueue<string>();
            var flushing = new ManualResetEventSlim();
            var stderr = new ConcurrentQueue<string>();
            using var process = new Process
            {
                StartInfo = new ProcessStartInfo("dotnet")
                {
                    ArgumentList = { loader, "queue-flush", path, server.Endpoint, server.Region, server.Root.AccessKeyId, server.Root.SecretAccessKey,
                                     server.AlertTopicArn, AlertsPerRun.ToString() },
                    RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                },
            };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                if (e.Data.StartsWith("queued ", StringComparison.Ordinal)) acknowledged.Enqueue(e.Data["queued ".Length..]);
                else if (e.Data == "flushing") flushing.Set();
            };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.Enqueue(e.Data); };
            var clock = Stopwatch.StartNew();
            Assert.True(process.Start());
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            // Wait for the kill point: the target-th acknowledged append, or the target-th message SNS took.
            var deadline = DateTime.UtcNow + StepTimeout;
            Func<bool> reached = duringQueue
                ? () => acknowledged.Count >= target
                : () => flushing.IsSet && server.Messages.Count - before >= target;
            while (!reached() && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(1);
            Assert.True(DateTime.UtcNow < deadline, $"run {run}: the kill point was not reached in {StepTimeout}: {string.Join(" | ", stderr)}");
            var spin = Stopwatch.StartNew();
            while (spin.Elapsed.TotalMicroseconds < jitterMicroseconds) Thread.SpinWait(20);
            var killed = false;
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    killed = true;
                }
            }
            catch (InvalidOperationException)
            {
                // it exited between the check and the kill
            }
            Assert.True(process.WaitForExit(StepTimeout), $"run {run}: the process did not end");
            process.WaitForExit(); // drains the redirected output: every line printed before the kill is read
            killed &= process.ExitCode != 0;
            if (!killed) Assert.True(process.ExitCode == 0, $"run {run}: the load exited {process.ExitCode}: {string.Join(" | ", stderr)}");
            var sentByTheProcess = server.Messages.Count - before;
            var processTime = clock.Elapsed;

            // The rest, delivered from this process.
            var outbox = new AlertOutbox(path);
            using (var sender = new AlertSender(publisher, server.AlertTopicArn, outbox))
            {
                var flush = await sender.FlushAsync();
                Assert.True((flush.Remaining, flush.ErrorCode, flush.Quarantined) == (0, null, 0),
                    $"run {run}: the final flush left {flush.Remaining} ({flush.ErrorCode} {flush.ErrorMessage}), quarantined {flush.Quarantined}");
            }

            var ids = acknowledged.ToHashSet();
            var delivered = server.Messages.Skip(before).Select(m => KeyAlert.FromBody(m.Message)?.AlertId ?? "(unreadable body)")
                .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
            var point = duringQueue ? $"after {target} queued" : $"after {target} published";
            output.WriteLine($"run {run,2}: kill {point} +{jitterMicroseconds} us: {(killed ? "killed" : "had finished")}, " +
                             $"{ids.Count} acknowledged, {sentByTheProcess} sent by the process, {delivered.Count} distinct delivered, " +
                             $"{delivered.Count(d => d.Value > 1)} sent twice; the process ran {processTime.TotalSeconds:F2} s, the rest took {(clock.Elapsed - processTime).TotalSeconds:F2} s");

            Assert.All(ids, id => Assert.True(delivered.ContainsKey(id), $"run {run} ({point}): acknowledged alert {id} was never delivered"));
            Assert.True(delivered.Values.All(c => c <= 2) && delivered.Count(d => d.Value == 2) <= 1,
                $"run {run} ({point}): more than one duplicate for one crash: {string.Join(", ", delivered.Where(d => d.Value > 1).Select(d => $"{d.Key} x{d.Value}"))}");
            var unacknowledged = delivered.Keys.Where(id => !ids.Contains(id)).ToList();
            // Only a kill while queuing can leave one alert whose Append completed but was not acknowledged yet.
            Assert.True(unacknowledged.Count <= (duringQueue ? 1 : 0), $"run {run} ({point}): delivered alerts nobody queued: {string.Join(", ", unacknowledged)}");
            if (!duringQueue) Assert.Equal(AlertsPerRun, ids.Count);

            // Recorded once: nothing of this run is left queued, the delivered log was emptied by the compaction, and no
            // torn line was mistaken for a bad one.
            Assert.Empty(outbox.ReadAll());
            Assert.Equal(0, new FileInfo(outbox.OutboxPath).Length);
            Assert.True(!File.Exists(outbox.DeliveredPath) || new FileInfo(outbox.DeliveredPath).Length == 0, $"run {run}: the delivered log was not emptied");
            Assert.False(File.Exists(outbox.CompactionPath), $"run {run}: a compaction file was left behind");
            Assert.False(File.Exists(outbox.QuarantinePath), $"run {run}: {(File.Exists(outbox.QuarantinePath) ? File.ReadAllText(outbox.QuarantinePath) : "")}");

            if (!killed) finished++;
            else if (duringQueue) killedQueuing++;
            else killedFlushing++;
            duplicates += delivered.Count(d => d.Value == 2);
        }

        output.WriteLine($"{killedQueuing} killed while queuing, {killedFlushing} while flushing, {finished} had finished; {duplicates} duplicate(s) in all");
        // The test proves something only if the kills landed: most runs must have been killed mid-way, not after the end.
        Assert.True(killedQueuing + killedFlushing >= Runs / 2, $"only {killedQueuing + killedFlushing} of {Runs} runs were killed before they finished");
    }

    /// <summary>Builds the OutboxLoad console in the test's own configuration and returns its dll.</summary>
    private static async Task<string> BuildOutboxLoad()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var project = Path.Combine(RepoPaths.Root, "tests", "BuzzKeyMgmt.OutboxLoad", "BuzzKeyMgmt.OutboxLoad.csproj");
        using var build = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "build", project, "-c", configuration, "--nologo", "-v", "q" },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        var stdout = build.StandardOutput.ReadToEndAsync();
        var stderr = build.StandardError.ReadToEndAsync();
        Assert.True(build.WaitForExit(TimeSpan.FromMinutes(5)), "building OutboxLoad did not finish");
        Assert.True(build.ExitCode == 0, $"building OutboxLoad failed: {await stdout}{await stderr}");
        var dll = Path.Combine(Path.GetDirectoryName(project)!, "bin", configuration, "net10.0", "BuzzKeyMgmt.OutboxLoad.dll");
        Assert.True(File.Exists(dll), dll + " was not built");
        return dll;
    }
}
