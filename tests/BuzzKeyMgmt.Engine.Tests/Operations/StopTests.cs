using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Engine.Operations.Revocation;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Engine.Tests.Operations;

/// <summary>
/// Ctrl+C at each step. Before a change is sent, nothing changes and the Completed row says Cancelled; after it is sent,
/// the change finishes within the grace period, is read back, and the row records the key's real state. Each stop is
/// made exactly when the sandbox has received the request in question (held there by a latency fault).
/// </summary>
public sealed class StopTests
{
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_stop_while_the_role_is_being_taken_sends_nothing_and_records_Cancelled()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        var key = h.NewKey();
        var assumed = h.Server.RequestCount("STS.AssumeRole");
        h.Server.Faults.Add(FaultRule.Latency("STS.AssumeRole", Held));
        using var runner = h.Runner(session);
        using var stop = new CancellationTokenSource();

        var run = runner.RunAsync(new Revocation(new RevocationRequest(key, "INC-2026-0042", "stop test", MfaCode: h.Mfa())), stop.Token);
        await Eventually.WaitUntilAsync(() => h.Server.RequestCount("STS.AssumeRole") > assumed, "AssumeRole to reach the sandbox");
        stop.Cancel();
        var e = await Assert.ThrowsAsync<OperationFailedException>(() => run);

        Assert.True(e.Stopped);
        Assert.Equal(("OperationStopped", AuditOutcome.Cancelled), (e.ErrorId, e.Outcome));
        Assert.Equal(0, h.Server.RequestCount("KMS.DisableKey"));
        Assert.Equal("Enabled", h.StateOf(key));
        var rows = h.RowsFor(h.KeyIdOf(key));
        Assert.Equal(new[] { AuditOutcome.Pending, AuditOutcome.Cancelled }, rows.Select(r => r.Outcome));
    }

    [Fact]
    public async Task A_stop_after_DisableKey_was_sent_lets_it_finish_and_records_Succeeded_with_the_real_state()
    {
        // Latent bug: this was recorded as "Stopped before the revocation finished" while the key was in fact disabled.
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Emergency);
        var key = h.NewKey();
        h.Server.Faults.Add(FaultRule.Latency("KMS.DisableKey", Held));
        using var runner = h.Runner(session);
        using var stop = new CancellationTokenSource();

        var run = runner.RunAsync(new Revocation(new RevocationRequest(key, "INC-2026-0042", "stop test")), stop.Token);
        await Eventually.WaitUntilAsync(() => h.Server.RequestCount("KMS.DisableKey") == 1, "DisableKey to reach the sandbox");
        stop.Cancel();
        var result = await run;

        Assert.Equal(("Disabled", true), (result.State, result.Verified));
        Assert.Equal("Disabled", h.StateOf(key));
        var completed = h.RowsFor(h.KeyIdOf(key)).Last();
        Assert.Equal((AuditPhase.Completed, AuditOutcome.Succeeded), (completed.Phase, completed.Outcome));
        Assert.Contains("\"stopped\":true", completed.Details);
    }

    [Fact]
    public async Task A_stop_during_a_restore_after_EnableKey_was_sent_still_writes_the_Completed_row()
    {
        // Latent bug: Ctrl+C in Restore-EncryptionKey left a Started row with no Completed row.
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var requester = await RecoveryFlow.RevokedAndApprovedAsync(h, key);
        h.Server.Faults.Add(FaultRule.Latency("KMS.EnableKey", Held));
        using var runner = h.Runner(requester);
        using var stop = new CancellationTokenSource();

        var run = runner.RunAsync(new Restore(key, RecoveryFlow.Change, h.Mfa()), stop.Token);
        await Eventually.WaitUntilAsync(() => h.Server.RequestCount("KMS.EnableKey") == 1, "EnableKey to reach the sandbox");
        stop.Cancel();
        await run;

        Assert.Equal("Enabled", h.StateOf(key));
        var recover = h.RowsFor(h.KeyIdOf(key)).Where(r => r.Operation == AuditOperations.Recover).ToList();
        Assert.Equal(new[] { AuditPhase.Started, AuditPhase.Completed }, recover.Select(r => r.Phase));
        Assert.Equal(AuditOutcome.Succeeded, recover[1].Outcome);
    }

    [Fact]
    public async Task A_stop_between_CancelKeyDeletion_and_EnableKey_records_the_part_done_as_Failed_and_sends_no_more()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var requester = await RecoveryFlow.RevokedAndApprovedAsync(h, key, schedule: true);
        h.Server.Faults.Add(FaultRule.Latency("KMS.CancelKeyDeletion", Held));
        using var runner = h.Runner(requester);
        using var stop = new CancellationTokenSource();

        var run = runner.RunAsync(new Restore(key, RecoveryFlow.Change, h.Mfa()), stop.Token);
        await Eventually.WaitUntilAsync(() => h.Server.RequestCount("KMS.CancelKeyDeletion") == 1, "CancelKeyDeletion to reach the sandbox");
        stop.Cancel();
        var e = await Assert.ThrowsAsync<OperationFailedException>(() => run);

        Assert.True(e.Stopped);
        Assert.Equal((AuditOutcome.Failed, "Disabled"), (e.Outcome, e.State));
        Assert.Contains("part-way", e.Message);
        Assert.Equal(0, h.Server.RequestCount("KMS.EnableKey"));
        Assert.Equal("Disabled", h.StateOf(key));
        Assert.Equal(AuditOutcome.Failed, h.RowsFor(h.KeyIdOf(key)).Last().Outcome);
    }

    [Fact]
    public async Task A_stop_during_an_access_test_records_Cancelled()
    {
        // Latent bug: Ctrl+C in Test-KeyAccess left a Started row with no Completed row.
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Recovery, change: RecoveryFlow.Change);
        var key = h.NewKey();
        h.Server.Faults.Add(FaultRule.Latency("KMS.GenerateDataKey", Held));
        using var runner = h.Runner(session);
        using var stop = new CancellationTokenSource();

        var run = runner.RunAsync(new AccessTest(key, null, null, RecoveryFlow.Change), stop.Token);
        await Eventually.WaitUntilAsync(() => h.Server.RequestCount("KMS.GenerateDataKey") == 1, "GenerateDataKey to reach the sandbox");
        stop.Cancel();
        var e = await Assert.ThrowsAsync<OperationFailedException>(() => run);

        Assert.Equal((true, AuditOutcome.Cancelled), (e.Stopped, e.Outcome));
        var rows = h.RowsFor(h.KeyIdOf(key));
        Assert.Equal(new[] { AuditOutcome.Pending, AuditOutcome.Cancelled }, rows.Select(r => r.Outcome));
    }

    [Fact]
    public async Task A_stop_while_the_alert_is_published_does_not_wait_for_SNS_and_leaves_the_alert_queued()
    {
        // Latent bug: the alert was published with a blocking call and no cancellation.
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Emergency);
        var key = h.NewKey();
        h.Server.Faults.Add(FaultRule.Latency("SNS.Publish", TimeSpan.FromSeconds(30)));
        using var runner = h.Runner(session, grace: TimeSpan.FromMilliseconds(200));
        using var stop = new CancellationTokenSource();

        var run = runner.RunAsync(new Revocation(new RevocationRequest(key, "INC-2026-0042", "stop test")), stop.Token);
        await Eventually.WaitUntilAsync(() => h.Server.RequestCount("SNS.Publish") == 1, "the publish to reach the sandbox");
        stop.Cancel();
        var result = await run;

        Assert.Equal("Disabled", result.State);
        Assert.Equal("Queued", result.AlertDelivery);
        Assert.Contains(result.Warnings, w => w.Contains("Canceled", StringComparison.Ordinal));
        Assert.Equal(result.AlertId, Assert.Single(h.Outbox.ReadAll()).AlertId);
    }
}
