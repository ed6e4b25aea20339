using BuzzKeyMgmt.Engine.Alerts;

namespace BuzzKeyMgmt.Engine.Tests.Alerts;

/// <summary>The documented delivery bound: each pending alert goes out once; a crash between a publish and its removal
/// re-sends only that alert, with the same alertId; concurrent flushes never double-send.</summary>
public sealed class AlertRedeliveryTests
{
    [Fact]
    public async Task Crash_after_publish_before_removal_resends_only_that_alert_with_the_same_id()
    {
        using var sandbox = new AlertSandbox();
        var first = AlertSandbox.Revoke("alias/first");
        var second = AlertSandbox.Revoke("alias/second");
        foreach (var a in new[] { first, second })
            sandbox.Outbox.Append(new PendingAlert(a.AlertId, sandbox.Server.AlertTopicArn, a.Subject, a.Body, DateTimeOffset.UtcNow, null));

        // The process "dies" right after the first publish succeeded, before the outbox was rewritten.
        await Assert.ThrowsAsync<InvalidOperationException>(() => sandbox.Outbox.DrainAsync(async pending =>
        {
            var result = await sandbox.Publisher.PublishAsync(pending.TopicArn, pending.Body, pending.Subject, []);
            Assert.True(result.Succeeded);
            throw new InvalidOperationException("simulated crash");
        }));
        var flush = await sandbox.Sender.FlushAsync();

        Assert.Equal((2, 0), (flush.Delivered, flush.Remaining));
        Assert.Equal(2, sandbox.CountDelivered(first.AlertId)); // the one duplicate, recognisable by its alertId
        Assert.Equal(1, sandbox.CountDelivered(second.AlertId));
        Assert.Equal(3, sandbox.Server.Messages.Count);
    }

    [Fact]
    public async Task Two_concurrent_flushes_deliver_each_alert_once()
    {
        using var sandbox = new AlertSandbox();
        var alerts = Enumerable.Range(1, 6).Select(i => AlertSandbox.Revoke($"alias/CEK_{i}")).ToList();
        foreach (var a in alerts)
            sandbox.Outbox.Append(new PendingAlert(a.AlertId, sandbox.Server.AlertTopicArn, a.Subject, a.Body, DateTimeOffset.UtcNow, null));
        using var other = new AlertSender(sandbox.Publisher, sandbox.Server.AlertTopicArn, new AlertOutbox(sandbox.Outbox.OutboxPath));

        var results = await Task.WhenAll(Task.Run(() => sandbox.Sender.FlushAsync()), Task.Run(() => other.FlushAsync()));

        Assert.Equal(6, results.Sum(r => r.Delivered));
        Assert.All(alerts, a => Assert.Equal(1, sandbox.CountDelivered(a.AlertId)));
        Assert.Equal(6, sandbox.Server.Messages.Count);
    }
}
