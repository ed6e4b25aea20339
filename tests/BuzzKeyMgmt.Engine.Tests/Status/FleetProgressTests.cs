using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Status;
using BuzzKeyMgmt.Engine.Tests.Operations;
using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Engine.Tests.Status;

/// <summary>A fleet read tells its progress through the engine's events (the cmdlet only writes them).</summary>
public sealed class FleetProgressTests
{
    [Fact]
    public async Task A_fleet_read_reports_listing_counts_with_the_total_and_a_completed_record()
    {
        using var h = new RunnerHarness();
        h.Server.SeedKeys(120, "alias/progress-", rotationMix: false);
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        h.Server.Faults.Add(FaultRule.Latency("KMS.DescribeKey", TimeSpan.FromMilliseconds(10)));
        var events = new EngineEventQueue();
        var reader = new KeyStatusReader(session, h.Context.Gates.For(session.AccountId, session.Region)) { Events = events, ProgressEvery = TimeSpan.Zero };

        var read = 0;
        await foreach (var _ in reader.ReadAsync(new KeyStatusQuery { All = true, ThrottleLimit = 4 }, CancellationToken.None)) read++;

        var progress = events.TakeAll().Where(e => e.Kind == EngineEventKind.Progress).Select(e => e.Progress!).ToList();
        // 120 seeded keys and the module's sandbox's audit digest key (alias/buzzkeymgmt-audit-digest).
        Assert.Equal(121, read);
        Assert.Equal("Listing keys", progress[0].Status);
        // Listing, one per key read (AWS managed keys included: they are read, then left out, and taken off the total), completed.
        Assert.True(progress.Count > 121 + 2);
        // The total the bar ends on is what came back (issue 14, point 9), not what ListKeys listed.
        var last = progress[^2];
        Assert.Equal(("121 of 121 keys read, 0 failed", 100), (last.Status, last.PercentComplete));
        Assert.All(progress.Where(p => p.Status.Contains(" of ", StringComparison.Ordinal)),
            p => Assert.InRange(int.Parse(p.Status.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture), 121, 121 + 10));
        Assert.True(progress[^1].Completed);
        Assert.Equal("121 keys read, 0 failed", progress[^1].Status);
        Assert.All(progress, p => Assert.Equal(41, p.ActivityId));
    }

    [Fact]
    public async Task One_named_key_is_not_a_fleet_and_reports_no_progress()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        var events = new EngineEventQueue();
        var reader = new KeyStatusReader(session, h.Context.Gates.For(session.AccountId, session.Region)) { Events = events };

        await foreach (var outcome in reader.ReadAsync(new KeyStatusQuery { Keys = [key] }, CancellationToken.None))
            Assert.Equal("Enabled", outcome.Status!.State);

        Assert.DoesNotContain(events.TakeAll(), e => e.Kind == EngineEventKind.Progress);
    }
}
