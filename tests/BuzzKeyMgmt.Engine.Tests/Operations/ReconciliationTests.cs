using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Reconciliation;
using BuzzKeyMgmt.Engine.Operations.Recovery;

namespace BuzzKeyMgmt.Engine.Tests.Operations;

/// <summary>Operations that began and never ended (a Started row, no Completed row) are found and reconciled.</summary>
public sealed class ReconciliationTests
{
    private sealed class Recorder : IEngineEvents
    {
        public ConcurrentQueue<string> Warnings { get; } = new();
        public void Step(string message) { }
        public void Warning(string message) => Warnings.Enqueue(message);
        public void Progress(ProgressReport report) { }
    }

    /// <summary>What a process killed right after DisableKey leaves: the Started row of a REVOKE, the key Disabled.</summary>
    private static AuditRecord InterruptedRevoke(RunnerHarness h, KeyReference key)
    {
        var keyId = h.KeyIdOf(key);
        var started = h.Trail.Append(new AuditEntry
        {
            OperationId = Guid.NewGuid(), OccurredAtUtc = h.Server.Clock.GetUtcNow(), Environment = "sandbox", Operation = AuditOperations.Revoke,
            Phase = AuditPhase.Started, Outcome = AuditOutcome.Pending, KeyId = keyId, KeyArn = h.Describe(key).Arn, Alias = key.AliasName,
            IncidentId = "INC-2026-0042", Reason = "leak", IsEmergency = true,
            OperatorArn = "arn:aws:sts::111122223333:assumed-role/BuzzKeyMgmtEmergency/operator", OperatorName = "operator (test)",
        }).Record;
        h.RootKms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId }).GetAwaiter().GetResult();
        return started;
    }

    [Fact]
    public async Task The_next_routine_operation_records_what_became_of_an_interrupted_revocation_and_the_window_counts_from_its_start()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var started = InterruptedRevoke(h, key);
        h.Server.Clock.Advance(TimeSpan.FromMinutes(10));
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin, change: "CHG-2026-0107");
        var events = new Recorder();
        using var runner = h.Runner(admin, events);

        var request = await runner.RunAsync(new KeyRecoveryRequest(key, "CHG-2026-0107", "false alarm"), CancellationToken.None);

        var rows = h.Rows(started.OperationId);
        Assert.Equal(new[] { (AuditOperations.Revoke, AuditPhase.Started), (AuditOperations.Reconcile, AuditPhase.Started), (AuditOperations.Reconcile, AuditPhase.Completed) },
            rows.Select(r => (r.Operation, r.Phase)));
        var reconciled = rows[^1];
        Assert.Equal(AuditOutcome.Succeeded, reconciled.Outcome);
        using (var details = JsonDocument.Parse(reconciled.Details!))
        {
            var d = details.RootElement.GetProperty("details");
            Assert.Equal(("REVOKE", "Disabled", true), (d.GetProperty("interruptedOperation").GetString(), d.GetProperty("found").GetString(), d.GetProperty("changeShows").GetBoolean()));
        }
        Assert.Equal(started.OccurredAtUtc, h.Store.GetRevokedSince(h.KeyIdOf(key)));
        Assert.Equal(RecoveryRequestStatus.Pending, request.Status);   // admitted: the revocation is on record now
        Assert.Contains(events.Warnings, w => w.Contains("began and never completed", StringComparison.Ordinal));
        Assert.Contains(h.Server.Messages, m => KeyAlert.FromBody(m.Message)?.Event == "key.reconcile.succeeded");
        Assert.Empty(InterruptedOperations.Find(h.Trail, admin, TimeSpan.Zero));   // closed: never listed again
    }

    [Fact]
    public async Task An_interrupted_revocation_that_never_reached_KMS_is_recorded_as_not_done_and_alerted_as_failed()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var keyId = h.KeyIdOf(key);
        var started = InterruptedRevoke(h, key);
        await h.RootKms.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId });   // as if the process died before DisableKey
        h.Server.Clock.Advance(TimeSpan.FromMinutes(10));
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var runner = h.Runner(admin);

        var found = InterruptedOperations.Find(h.Trail, admin, InterruptedOperations.DefaultAge);
        var results = await InterruptedOperations.ReconcileAsync(runner, found, CancellationToken.None);

        var r = Assert.Single(results);
        Assert.Equal((false, "Enabled", AuditOutcome.Failed), (r.ChangeShows, r.FoundState, r.Outcome));
        Assert.Contains("did not take effect", r.Error);
        Assert.Null(h.Store.GetRevokedSince(keyId));
        var alert = KeyAlert.FromBody(Assert.Single(h.Server.Messages).Message)!;
        Assert.Equal(("key.reconcile.failed", "high"), (alert.Event, alert.Severity));
        Assert.Equal(started.OperationId, h.Rows(started.OperationId)[^1].OperationId);
    }

    [Fact]
    public async Task A_young_Started_row_or_a_journal_with_rows_is_left_alone_and_an_emergency_never_reconciles_first()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        InterruptedRevoke(h, key);
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);

        Assert.Empty(InterruptedOperations.Find(h.Trail, admin, InterruptedOperations.DefaultAge));   // 0 minutes old: may still be running
        h.Server.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(InterruptedOperations.Find(h.Trail, admin, InterruptedOperations.DefaultAge));

        var emergency = await h.ConnectAsync(KeyMgmtRole.Emergency);
        using var runner = h.Runner(emergency);
        await runner.RunAsync(new Engine.Operations.Revocation.Revocation(new Engine.Operations.Revocation.RevocationRequest(h.NewKey(), "INC-2026-0042", "second key")), CancellationToken.None);
        Assert.Single(InterruptedOperations.Find(h.Trail, admin, InterruptedOperations.DefaultAge));   // still there: break-glass did not wait for it

        h.Journal.Append(new AuditEntry
        {
            OperationId = Guid.NewGuid(), OccurredAtUtc = h.Server.Clock.GetUtcNow(), Environment = "sandbox", Operation = AuditOperations.Revoke,
            Phase = AuditPhase.Completed, Outcome = AuditOutcome.Succeeded, KeyId = h.KeyIdOf(key), IsEmergency = true,
        });
        Assert.Empty(InterruptedOperations.Find(h.Trail, admin, InterruptedOperations.DefaultAge));   // its Completed row may wait in the journal
    }
}
