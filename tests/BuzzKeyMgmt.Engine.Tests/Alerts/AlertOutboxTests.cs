using System.Text;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Tests.Audit;

namespace BuzzKeyMgmt.Engine.Tests.Alerts;

public sealed class AlertOutboxTests
{
    private static PendingAlert Pending(string id) => new(id, "arn:aws:sns:us-east-1:111122223333:buzzkeymgmt-alerts", "subject",
        (AlertSandbox.Revoke() with { AlertId = id }).Body, DateTimeOffset.UnixEpoch, "InternalError: down");

    [Fact]
    public void Torn_last_line_is_ignored_and_cut_off_by_the_next_append()
    {
        using var folder = new TempDirectory();
        var outbox = new AlertOutbox(folder.File("outbox", "production.jsonl"));
        outbox.Append(Pending("a1"));
        File.AppendAllText(outbox.OutboxPath, "{\"alertId\":\"torn\",\"topicArn\":\"arn:aws:sns:us-e"); // crash mid-write

        Assert.Equal(["a1"], outbox.ReadAll().Select(p => p.AlertId));
        outbox.Append(Pending("a2"));

        Assert.Equal(["a1", "a2"], outbox.ReadAll().Select(p => p.AlertId));
        Assert.DoesNotContain("torn", File.ReadAllText(outbox.OutboxPath));
    }

    [Fact]
    public async Task Torn_outbox_still_flushes_every_complete_alert_once()
    {
        using var sandbox = new AlertSandbox();
        var alert = AlertSandbox.Revoke();
        sandbox.Outbox.Append(new PendingAlert(alert.AlertId, sandbox.Server.AlertTopicArn, alert.Subject, alert.Body, DateTimeOffset.UtcNow, null));
        File.AppendAllText(sandbox.Outbox.OutboxPath, "{\"alertId\":\"to");

        var flush = await sandbox.Sender.FlushAsync();

        Assert.Equal((1, 0), (flush.Delivered, flush.Remaining));
        Assert.Equal(1, sandbox.CountDelivered(alert.AlertId));
        Assert.Equal("production", sandbox.Server.Messages.Single().Attributes["environment"].Value);
    }

    [Fact]
    public async Task An_unreadable_complete_line_is_not_sent_and_not_lost_but_moved_to_the_quarantine_file()
    {
        using var sandbox = new AlertSandbox();
        Directory.CreateDirectory(Path.GetDirectoryName(sandbox.Outbox.OutboxPath)!);
        File.WriteAllText(sandbox.Outbox.OutboxPath, "not json at all\n", Encoding.UTF8);
        var alert = AlertSandbox.Revoke();
        sandbox.Outbox.Append(new PendingAlert(alert.AlertId, sandbox.Server.AlertTopicArn, alert.Subject, alert.Body, DateTimeOffset.UtcNow, null));

        var flush = await sandbox.Sender.FlushAsync();

        Assert.Equal((1, 0, 1), (flush.Delivered, flush.Remaining, flush.Quarantined));
        Assert.Single(sandbox.Server.Messages);
        Assert.Equal("", File.ReadAllText(sandbox.Outbox.OutboxPath));
        var kept = Assert.Single(sandbox.Outbox.ReadQuarantine());
        Assert.Equal((1, "not json at all"), (kept.Line, kept.Text));
    }

    [Fact]
    public void Outbox_lives_next_to_the_audit_journal_in_the_data_directory()
    {
        var xdg = Path.Combine(Path.GetTempPath(), "xdg-data");
        string? Environment(string name) => name == "XDG_DATA_HOME" ? xdg : null;

        var outbox = AlertOutbox.ForEnvironment("prod/eu 1", Environment);

        var expected = Path.Combine(BuzzKeyMgmt.Engine.Audit.AuditStoreFactory.DefaultDataDirectory(Environment), "outbox", "prod_eu_1.jsonl");
        Assert.Equal(expected, outbox.OutboxPath);
    }
}
