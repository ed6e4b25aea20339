using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Engine.Tests.Alerts;

public sealed class AlertSenderTests
{
    [Fact]
    public async Task Published_alert_leaves_the_outbox_empty()
    {
        using var sandbox = new AlertSandbox();
        var alert = AlertSandbox.Revoke();

        var result = await sandbox.Sender.SendAsync(alert);

        Assert.Equal(AlertDelivery.Published, result.Delivery);
        Assert.Equal(sandbox.Server.Messages.Single().MessageId, result.MessageId);
        Assert.Empty(sandbox.Outbox.ReadAll());
    }

    [Theory]
    [InlineData(FaultKind.InternalError, "InternalError")]
    [InlineData(FaultKind.DropConnection, "NetworkError")]
    [InlineData(FaultKind.DependencyTimeout, "ServiceUnavailable")]
    public async Task SNS_failure_queues_the_alert_and_says_so(FaultKind kind, string errorCode)
    {
        using var sandbox = new AlertSandbox();
        var fault = FaultRule.Times("SNS.Publish", kind, 3);
        sandbox.Server.Faults.Add(fault);
        var alert = AlertSandbox.Revoke();

        var result = await sandbox.Sender.SendAsync(alert);

        Assert.Equal(AlertDelivery.Queued, result.Delivery);
        Assert.Equal(errorCode, result.ErrorCode);
        Assert.Equal(1, fault.Applied);
        Assert.Empty(sandbox.Server.Messages);
        var pending = Assert.Single(sandbox.Outbox.ReadAll());
        Assert.Equal(alert.AlertId, pending.AlertId);
        Assert.Equal(alert.Body, pending.Body);
        Assert.Equal(sandbox.Server.AlertTopicArn, pending.TopicArn);
    }

    [Fact]
    public async Task Stopped_sandbox_queues_and_a_flush_after_recovery_delivers_each_alert_exactly_once()
    {
        using var sandbox = new AlertSandbox();
        sandbox.Server.Faults.Add(FaultRule.WithProbability("SNS.Publish", FaultKind.InternalError, 1.0));
        var alerts = Enumerable.Range(1, 3).Select(i => AlertSandbox.Revoke($"alias/CEK_User_{i}")).ToList();
        foreach (var alert in alerts) Assert.Equal(AlertDelivery.Queued, (await sandbox.Sender.SendAsync(alert)).Delivery);

        var whileDown = await sandbox.Sender.FlushAsync();
        Assert.Equal((0, 3, "InternalError"), (whileDown.Delivered, whileDown.Remaining, whileDown.ErrorCode));

        sandbox.Server.Faults.Clear();
        var flushed = await sandbox.Sender.FlushAsync();
        var again = await sandbox.Sender.FlushAsync();

        Assert.Equal((3, 0, (string?)null), (flushed.Delivered, flushed.Remaining, flushed.ErrorCode));
        Assert.Equal((0, 0), (again.Delivered, again.Remaining));
        Assert.Equal(3, sandbox.Server.Messages.Count);
        Assert.All(alerts, a => Assert.Equal(1, sandbox.CountDelivered(a.AlertId)));
        Assert.Equal(alerts.Select(a => a.Subject), sandbox.Server.Messages.Select(m => m.Subject)); // oldest first
        Assert.Equal("critical", sandbox.Server.Messages[0].Attributes["severity"].Value);
        Assert.Empty(sandbox.Outbox.ReadAll());
    }

    [Fact]
    public async Task A_sandbox_that_is_gone_queues_the_alert()
    {
        using var sandbox = new AlertSandbox();
        sandbox.Server.Stop();

        var result = await sandbox.Sender.SendAsync(AlertSandbox.Revoke());

        Assert.Equal(AlertDelivery.Queued, result.Delivery);
        Assert.Equal("NetworkError", result.ErrorCode);
        Assert.Single(sandbox.Outbox.ReadAll());
        var flush = await sandbox.Sender.FlushAsync();
        Assert.Equal((0, 1, "NetworkError"), (flush.Delivered, flush.Remaining, flush.ErrorCode));
    }

    [Fact]
    public async Task Bad_topic_is_recorded_as_NotFound_and_does_not_hold_back_other_alerts()
    {
        using var sandbox = new AlertSandbox();
        var missing = sandbox.Server.AlertTopicArn.Replace("buzzkeymgmt-alerts", "deleted-topic");
        using var badSender = new AlertSender(sandbox.Publisher, missing, sandbox.Outbox);
        var lost = AlertSandbox.Revoke("alias/first");
        var good = AlertSandbox.Revoke("alias/second");

        var bad = await badSender.SendAsync(lost);
        sandbox.Server.Faults.Add(FaultRule.Times("SNS.Publish", FaultKind.InternalError, 1));
        Assert.Equal(AlertDelivery.Queued, (await sandbox.Sender.SendAsync(good)).Delivery);
        var flush = await sandbox.Sender.FlushAsync();

        Assert.Equal((AlertDelivery.Queued, "NotFound"), (bad.Delivery, bad.ErrorCode));
        Assert.Equal((1, 1, "NotFound"), (flush.Delivered, flush.Remaining, flush.ErrorCode));
        Assert.Equal(1, sandbox.CountDelivered(good.AlertId));
        Assert.Equal(lost.AlertId, Assert.Single(sandbox.Outbox.ReadAll()).AlertId);
    }
}
