using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Status;
using BuzzKeyMgmt.Engine.Tests.Operations;
using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Engine.Tests.Status;

/// <summary>
/// A fleet read that ends early (Get-KeyStatus -All | Select-Object -First 5, Ctrl+C) stops every worker before the
/// enumeration's disposal returns: nothing goes on reading the fleet afterwards, and no worker touches a disposed
/// semaphore. Each DescribeKey is held 20 ms by the sandbox so that the whole fleet would take seconds.
/// </summary>
public sealed class KeyStatusReaderStopTests
{
    private static async Task<(RunnerHarness H, Engine.Identity.KeyMgmtSession Session)> FleetAsync(int keys)
    {
        var h = new RunnerHarness();
        h.Server.SeedKeys(keys, "alias/fleet-", rotationMix: false);
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        h.Server.Faults.Add(FaultRule.Latency("KMS.DescribeKey", TimeSpan.FromMilliseconds(20)));
        return (h, session);
    }

    [Fact]
    public async Task Taking_the_first_five_and_stopping_leaves_no_worker_reading_the_fleet()
    {
        // Latent bug: the enumerator was disposed fire-and-forget and nothing cancelled the workers.
        var (h, session) = await FleetAsync(400);
        using var _ = h;
        var reader = new KeyStatusReader(session, h.Context.Gates.For(session.AccountId, session.Region));
        var taken = 0;

        await foreach (var outcome in reader.ReadAsync(new KeyStatusQuery { All = true, ThrottleLimit = 8 }, CancellationToken.None))
        {
            Assert.NotNull(outcome.Status);
            if (++taken == 5) break;   // disposes the enumeration, as Select-Object -First does
        }
        // A request a worker had already written to the socket when it was cancelled may still reach the sandbox (at most
        // one per worker: ThrottleLimit); after that settles, nothing more may come.
        var atDispose = h.Server.RequestCount("KMS.DescribeKey");
        await Task.Delay(200);
        var settled = h.Server.RequestCount("KMS.DescribeKey");
        Assert.InRange(settled, atDispose, atDispose + 8);
        await Task.Delay(500);

        Assert.Equal(settled, h.Server.RequestCount("KMS.DescribeKey"));
        Assert.InRange(atDispose, 5, 100);
    }

    [Fact]
    public async Task A_stop_while_the_aliases_are_still_being_listed_ends_the_listing_the_reads_and_the_window_s_return()
    {
        // The first result waits for the alias index; Ctrl+C before it comes must not leave the alias listing, the reads
        // in the extra window or the task that takes that window back running, nor fail on a disposed semaphore.
        await NoWorkerUsesADisposedSemaphore(async () =>
        {
            var (h, session) = await FleetAsync(400);
            using var _ = h;
            h.Server.Faults.Add(FaultRule.Latency("KMS.ListAliases", TimeSpan.FromSeconds(1)));   // five pages: 5 s
            var reader = new KeyStatusReader(session, h.Context.Gates.For(session.AccountId, session.Region)) { Window = 10, AliasWait = 50 };
            using var stop = new CancellationTokenSource();
            var ctrlC = Task.Run(async () =>
            {
                // Ctrl+C once the reads have gone past the 10-key window into the extra one (or after 4 s, whichever first).
                for (var waited = 0; waited < 4000 && h.Server.RequestCount("KMS.DescribeKey") < 12; waited += 20) await Task.Delay(20);
                stop.Cancel();
            });

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var outcome in reader.ReadAsync(new KeyStatusQuery { All = true, ThrottleLimit = 8 }, stop.Token))
                    Assert.Fail("no result can come before the alias index is loaded");
            });
            await ctrlC;
            var described = h.Server.RequestCount("KMS.DescribeKey");
            var aliasPages = h.Server.RequestCount("KMS.ListAliases");
            await Task.Delay(1500);   // more than another alias page's worth

            Assert.InRange(aliasPages, 1, 4);   // stopped while the aliases were still being listed
            Assert.Equal(aliasPages, h.Server.RequestCount("KMS.ListAliases"));
            Assert.Equal(described, h.Server.RequestCount("KMS.DescribeKey"));
            Assert.InRange(described, 12, 2 + 10 + 50);   // into the extra window, and no further
        });
    }

    [Fact]
    public async Task A_stop_mid_fleet_ends_every_worker_without_an_unobserved_failure()
    {
        // Latent bug: the slot semaphore was disposed while running workers still released it.
        await NoWorkerUsesADisposedSemaphore(async () =>
        {
            var (h, session) = await FleetAsync(400);
            using var _ = h;
            var reader = new KeyStatusReader(session, h.Context.Gates.For(session.AccountId, session.Region));
            using var stop = new CancellationTokenSource();
            var read = 0;

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var outcome in reader.ReadAsync(new KeyStatusQuery { All = true, ThrottleLimit = 16 }, stop.Token))
                    if (++read == 20) stop.Cancel();
            });
            var atEnd = h.Server.RequestCount("KMS.DescribeKey");
            await Task.Delay(300);

            Assert.Equal(atEnd, h.Server.RequestCount("KMS.DescribeKey"));
            Assert.InRange(atEnd, 20, 200);
        });
    }

    /// <summary>Runs a stop scenario and fails if any task of it ended unobserved on a disposed semaphore (a worker still
    /// releasing a slot or a window permit after the read was torn down).</summary>
    private static async Task NoWorkerUsesADisposedSemaphore(Func<Task> scenario)
    {
        var unobserved = new List<Exception>();
        void Record(object? sender, UnobservedTaskExceptionEventArgs e) { lock (unobserved) unobserved.Add(e.Exception); }
        TaskScheduler.UnobservedTaskException += Record;
        try
        {
            await scenario();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            lock (unobserved) Assert.Empty(unobserved.SelectMany(e => e is AggregateException a ? a.InnerExceptions.AsEnumerable() : new[] { e }).OfType<ObjectDisposedException>());
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= Record;
        }
    }
}
