using System.Text;
using System.Text.Json;
using BuzzKeyMgmt.Engine.Alerts;

namespace BuzzKeyMgmt.Engine.Tests.Alerts;

/// <summary>The outbox's files across crashes: the append-only queue, the delivered log, the quarantine file and the
/// compaction (new file, flushed, renamed over the queue, then the delivered log emptied). Each intermediate state a
/// crash can leave is built on disk and the outbox reopened on it: every alert not delivered yet goes out once, none
/// delivered before goes out again, and the files end clean.</summary>
public sealed class OutboxDurabilityTests
{
    private static PendingAlert Queued(AlertSandbox sandbox, string alias)
    {
        var alert = AlertSandbox.Revoke(alias);
        return new PendingAlert(alert.AlertId, sandbox.Server.AlertTopicArn, alert.Subject, alert.Body, DateTimeOffset.UtcNow, null);
    }

    private static string Line(PendingAlert alert) => JsonSerializer.Serialize(alert, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static string Marker(string alertId) => JsonSerializer.Serialize(alertId);

    /// <summary>The outbox ends clean: no alert queued, the queue and the delivered log empty, no compaction file left.</summary>
    private static void AssertClean(AlertOutbox outbox)
    {
        Assert.Empty(outbox.ReadAll());
        Assert.Equal(0, new FileInfo(outbox.OutboxPath).Length);
        Assert.True(!File.Exists(outbox.DeliveredPath) || new FileInfo(outbox.DeliveredPath).Length == 0,
            $"the delivered log still holds: {(File.Exists(outbox.DeliveredPath) ? File.ReadAllText(outbox.DeliveredPath) : "")}");
        Assert.False(File.Exists(outbox.CompactionPath), "a compaction file was left behind");
    }

    [Fact]
    public async Task A_line_that_is_not_an_alert_is_quarantined_with_its_line_number_and_the_good_lines_around_it_are_delivered_once()
    {
        using var sandbox = new AlertSandbox();
        var outbox = sandbox.Outbox;
        var (a1, a2, a3) = (Queued(sandbox, "alias/one"), Queued(sandbox, "alias/two"), Queued(sandbox, "alias/three"));
        Directory.CreateDirectory(Path.GetDirectoryName(outbox.OutboxPath)!);
        File.WriteAllText(outbox.OutboxPath, string.Join("\n",
            Line(a1),                                       // 1
            "not json at all",                              // 2
            "",                                             // 3 (blank: counted, ignored)
            Line(a2),                                       // 4
            "{\"alertId\":\"\",\"topicArn\":\"arn:aws:sns:us-east-1:111122223333:x\",\"body\":\"{}\"}", // 5: no alertId
            "[1,2,3]",                                      // 6: JSON, not an alert
            Line(a3)) + "\n");                              // 7

        var before = outbox.Inspect();
        Assert.Equal([a1.AlertId, a2.AlertId, a3.AlertId], before.Pending.Select(p => p.AlertId));
        Assert.Equal([2, 5, 6], before.Unreadable.Select(u => u.Line));

        var flush = await sandbox.Sender.FlushAsync();

        Assert.Equal((3, 0, (string?)null), (flush.Delivered, flush.Remaining, flush.ErrorCode));
        Assert.Equal(3, flush.Quarantined);
        Assert.Equal(outbox.QuarantinePath, flush.QuarantinePath);
        Assert.Equal([2, 5, 6], flush.QuarantinedNow.Select(q => q.Line));
        Assert.Equal(["alias/one", "alias/two", "alias/three"], sandbox.Server.Messages.Select(m => KeyAlert.FromBody(m.Message)!.Alias)); // oldest first
        Assert.All(new[] { a1, a2, a3 }, a => Assert.Equal(1, sandbox.CountDelivered(a.AlertId)));

        var quarantined = outbox.ReadQuarantine();
        Assert.Equal([2, 5, 6], quarantined.Select(q => q.Line));
        Assert.Equal(["not json at all", "[1,2,3]"], new[] { quarantined[0].Text, quarantined[2].Text });
        Assert.StartsWith("not JSON", quarantined[0].Reason);
        Assert.Equal("not a pending alert: alertId missing", quarantined[1].Reason);
        Assert.StartsWith("not a pending alert", quarantined[2].Reason);
        Assert.All(quarantined, q => Assert.NotNull(q.QuarantinedAtUtc));
        AssertClean(outbox);

        // Reported on every later flush until a person deletes the file; never sent, never quarantined twice.
        var again = await sandbox.Sender.FlushAsync();
        Assert.Equal((0, 0, 3, 0), (again.Delivered, again.Remaining, again.Quarantined, again.QuarantinedNow.Count));
        Assert.Equal(3, outbox.ReadQuarantine().Count);
        Assert.Equal(3, sandbox.Server.Messages.Count);
    }

    [Fact]
    public async Task A_line_that_is_not_UTF_8_keeps_its_exact_bytes_in_the_quarantine()
    {
        using var sandbox = new AlertSandbox();
        var outbox = sandbox.Outbox;
        var good = Queued(sandbox, "alias/good");
        byte[] garbage = [0x7b, 0xff, 0xfe, 0x22, 0x0d];
        Directory.CreateDirectory(Path.GetDirectoryName(outbox.OutboxPath)!);
        File.WriteAllBytes(outbox.OutboxPath, [.. garbage, (byte)'\n', .. Encoding.UTF8.GetBytes(Line(good) + "\n")]);

        var flush = await sandbox.Sender.FlushAsync();

        Assert.Equal((1, 0, 1), (flush.Delivered, flush.Remaining, flush.Quarantined));
        var record = Assert.Single(outbox.ReadQuarantine());
        Assert.Equal((1, "not UTF-8 text"), (record.Line, record.Reason));
        Assert.Equal(garbage, Convert.FromBase64String(record.Bytes!));
        AssertClean(outbox);
    }

    [Fact]
    public async Task A_torn_last_line_is_neither_sent_nor_quarantined_and_the_compaction_drops_it()
    {
        using var sandbox = new AlertSandbox();
        var outbox = sandbox.Outbox;
        var good = Queued(sandbox, "alias/good");
        outbox.Append(good);
        var torn = Line(Queued(sandbox, "alias/torn"));
        File.AppendAllText(outbox.OutboxPath, torn[..(torn.Length / 2)]); // the process died mid-write: never acknowledged

        Assert.Equal([good.AlertId], outbox.ReadAll().Select(p => p.AlertId));
        Assert.Empty(outbox.Inspect().Unreadable);
        var flush = await sandbox.Sender.FlushAsync();

        Assert.Equal((1, 0, 0), (flush.Delivered, flush.Remaining, flush.Quarantined));
        Assert.False(File.Exists(outbox.QuarantinePath));
        Assert.Single(sandbox.Server.Messages);
        AssertClean(outbox);
    }

    [Fact]
    public async Task The_same_alert_id_on_two_lines_is_sent_once()
    {
        using var sandbox = new AlertSandbox();
        var alert = Queued(sandbox, "alias/twice");
        sandbox.Outbox.Append(alert);
        sandbox.Outbox.Append(alert with { LastError = "InternalError: re-queued by hand" });

        Assert.Single(sandbox.Outbox.ReadAll());
        var flush = await sandbox.Sender.FlushAsync();

        Assert.Equal((1, 0), (flush.Delivered, flush.Remaining));
        Assert.Equal(1, sandbox.CountDelivered(alert.AlertId));
        AssertClean(sandbox.Outbox);
    }

    /// <summary>Where a flush of a1..a4 can die once a1 and a2 are published and recorded (a3 and a4 not sent yet).</summary>
    public enum CrashPoint
    {
        /// <summary>Markers written, the compaction not begun.</summary>
        BeforeCompaction,
        /// <summary>The delivered log's last marker torn (a2 published, its record cut mid-write).</summary>
        MarkerTorn,
        /// <summary>The new queue half written (not flushed, not renamed).</summary>
        NewFileTorn,
        /// <summary>The new queue complete and flushed, not renamed yet.</summary>
        NewFileComplete,
        /// <summary>Renamed over the queue; the delivered log not emptied yet.</summary>
        AfterRename,
        /// <summary>Everything done.</summary>
        AfterTruncate,
    }

    [Theory]
    [InlineData(CrashPoint.BeforeCompaction)]
    [InlineData(CrashPoint.MarkerTorn)]
    [InlineData(CrashPoint.NewFileTorn)]
    [InlineData(CrashPoint.NewFileComplete)]
    [InlineData(CrashPoint.AfterRename)]
    [InlineData(CrashPoint.AfterTruncate)]
    public async Task A_crash_at_any_point_of_the_compaction_leaves_an_outbox_that_sends_each_waiting_alert_once(CrashPoint point)
    {
        using var sandbox = new AlertSandbox();
        var outbox = sandbox.Outbox;
        var alerts = Enumerable.Range(1, 4).Select(i => Queued(sandbox, $"alias/CEK_{i}")).ToList();
        foreach (var a in alerts) outbox.Append(a);

        // A real drain publishes a1 and a2, records them, and "dies" on a3 before publishing it.
        var sent = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => outbox.DrainAsync(async pending =>
        {
            if (sent == 2) throw new InvalidOperationException("simulated crash");
            var published = await sandbox.Publisher.PublishAsync(pending.TopicArn, pending.Body, pending.Subject, []);
            Assert.True(published.Succeeded);
            sent++;
            return DrainStep.Delivered;
        }));
        Assert.Equal(Marker(alerts[0].AlertId) + "\n" + Marker(alerts[1].AlertId) + "\n", File.ReadAllText(outbox.DeliveredPath));

        var waiting = string.Concat(alerts.Skip(2).Select(a => Line(a) + "\n"));
        switch (point)
        {
            case CrashPoint.MarkerTorn:
                File.WriteAllText(outbox.DeliveredPath, Marker(alerts[0].AlertId) + "\n" + Marker(alerts[1].AlertId)[..10]);
                break;
            case CrashPoint.NewFileTorn:
                File.WriteAllText(outbox.CompactionPath, waiting[..(waiting.Length / 3)]);
                break;
            case CrashPoint.NewFileComplete:
                File.WriteAllText(outbox.CompactionPath, waiting);
                break;
            case CrashPoint.AfterRename:
                File.WriteAllText(outbox.CompactionPath, waiting);
                File.Move(outbox.CompactionPath, outbox.OutboxPath, overwrite: true);
                break;
            case CrashPoint.AfterTruncate:
                File.WriteAllText(outbox.CompactionPath, waiting);
                File.Move(outbox.CompactionPath, outbox.OutboxPath, overwrite: true);
                File.WriteAllText(outbox.DeliveredPath, "");
                break;
        }
        var expectedWaiting = point == CrashPoint.MarkerTorn ? alerts.Skip(1) : alerts.Skip(2); // a torn marker is no record
        var reopened = new AlertOutbox(outbox.OutboxPath);
        Assert.Equal(expectedWaiting.Select(a => a.AlertId), reopened.ReadAll().Select(p => p.AlertId));

        using var sender = new AlertSender(sandbox.Publisher, sandbox.Server.AlertTopicArn, reopened);
        var flush = await sender.FlushAsync();

        Assert.Equal((expectedWaiting.Count(), 0, 0), (flush.Delivered, flush.Remaining, flush.Quarantined));
        Assert.Equal(1, sandbox.CountDelivered(alerts[0].AlertId));
        // a2 twice only when its record was torn: the one duplicate a crash may cost, with the same alertId.
        Assert.Equal(point == CrashPoint.MarkerTorn ? 2 : 1, sandbox.CountDelivered(alerts[1].AlertId));
        Assert.All(alerts.Skip(2), a => Assert.Equal(1, sandbox.CountDelivered(a.AlertId)));
        Assert.Equal(["alias/CEK_1", "alias/CEK_2"], sandbox.Server.Messages.Take(2).Select(m => KeyAlert.FromBody(m.Message)!.Alias));
        Assert.Equal(["alias/CEK_3", "alias/CEK_4"], sandbox.Server.Messages.TakeLast(2).Select(m => KeyAlert.FromBody(m.Message)!.Alias));
        AssertClean(reopened);
        Assert.False(File.Exists(outbox.QuarantinePath));
    }

    [Fact]
    public async Task A_crash_after_the_quarantine_was_written_and_before_the_compaction_does_not_quarantine_the_line_twice()
    {
        using var sandbox = new AlertSandbox();
        var outbox = sandbox.Outbox;
        var good = Queued(sandbox, "alias/good");
        Directory.CreateDirectory(Path.GetDirectoryName(outbox.OutboxPath)!);
        File.WriteAllText(outbox.OutboxPath, "garbage\n");
        outbox.Append(good);
        // The drain wrote the quarantine record, then died before publishing and compacting.
        await Assert.ThrowsAsync<InvalidOperationException>(() => outbox.DrainAsync(_ => throw new InvalidOperationException("simulated crash")));
        Assert.Single(outbox.ReadQuarantine());
        Assert.Equal("garbage", outbox.Inspect().Unreadable.Single().Text); // still in the queue

        var flush = await sandbox.Sender.FlushAsync();

        Assert.Equal((1, 0, 1), (flush.Delivered, flush.Remaining, flush.Quarantined));
        Assert.Equal(1, Assert.Single(outbox.ReadQuarantine()).Line);
        AssertClean(outbox);
    }

    [Fact]
    public async Task A_published_alert_is_recorded_and_the_outbox_emptied_when_nothing_else_waits()
    {
        using var sandbox = new AlertSandbox();

        var result = await sandbox.Sender.SendAsync(AlertSandbox.Revoke());

        Assert.Equal(AlertDelivery.Published, result.Delivery);
        AssertClean(sandbox.Outbox);
    }

    [Fact]
    public async Task A_published_alert_is_recorded_as_delivered_while_older_ones_wait_and_is_not_sent_again_by_the_flush()
    {
        using var sandbox = new AlertSandbox();
        var older = Queued(sandbox, "alias/older");
        sandbox.Outbox.Append(older);
        var now = AlertSandbox.Revoke("alias/now");

        Assert.Equal(AlertDelivery.Published, (await sandbox.Sender.SendAsync(now)).Delivery);
        Assert.Equal(Marker(now.AlertId) + "\n", File.ReadAllText(sandbox.Outbox.DeliveredPath));
        Assert.Equal([older.AlertId], sandbox.Outbox.ReadAll().Select(p => p.AlertId));
        var flush = await sandbox.Sender.FlushAsync();

        Assert.Equal((1, 0), (flush.Delivered, flush.Remaining));
        Assert.Equal(1, sandbox.CountDelivered(now.AlertId));
        Assert.Equal(1, sandbox.CountDelivered(older.AlertId));
        AssertClean(sandbox.Outbox);
    }

    [Fact]
    public async Task A_flush_stopped_by_SNS_keeps_the_rest_in_order_and_records_what_went_out()
    {
        using var sandbox = new AlertSandbox();
        var alerts = Enumerable.Range(1, 5).Select(i => Queued(sandbox, $"alias/CEK_{i}")).ToList();
        foreach (var a in alerts) sandbox.Outbox.Append(a);
        var sent = 0;

        var drained = await sandbox.Outbox.DrainAsync(async pending =>
        {
            if (sent == 2) return DrainStep.Stop;
            Assert.True((await sandbox.Publisher.PublishAsync(pending.TopicArn, pending.Body, pending.Subject, [])).Succeeded);
            sent++;
            return DrainStep.Delivered;
        });

        Assert.Equal((2, 3), (drained.Delivered, drained.Remaining));
        Assert.Equal(alerts.Skip(2).Select(a => a.AlertId), sandbox.Outbox.ReadAll().Select(p => p.AlertId));
        Assert.Equal(string.Concat(alerts.Skip(2).Select(a => Line(a) + "\n")), File.ReadAllText(sandbox.Outbox.OutboxPath)); // compacted, bytes kept
        Assert.Equal(0, new FileInfo(sandbox.Outbox.DeliveredPath).Length);
    }

    [Fact]
    public void Appending_a_line_that_would_be_quarantined_is_refused()
    {
        using var folder = new Audit.TempDirectory();
        var outbox = new AlertOutbox(folder.File("outbox", "lab.jsonl"));

        var refused = Assert.Throws<ArgumentException>(() => outbox.Append(new PendingAlert("", "arn:aws:sns:us-east-1:111122223333:t", "s", "", DateTimeOffset.UtcNow, null)));

        Assert.Contains("alertId, body missing", refused.Message);
        Assert.False(File.Exists(outbox.OutboxPath));
    }

    [Fact]
    public void The_files_of_an_outbox_are_named_after_it()
    {
        var outbox = new AlertOutbox(Path.Combine(Path.GetTempPath(), "outbox", "production.jsonl"));

        Assert.Equal(
            ["production.delivered", "production.quarantine.jsonl", "production.lock", "production.jsonl.new"],
            new[] { outbox.DeliveredPath, outbox.QuarantinePath, outbox.LockPath, outbox.CompactionPath }.Select(Path.GetFileName));
    }
}
