using System.Text.Json;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Engine.Operations.Revocation;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Tests.Operations;

/// <summary>The one operation path: its order, its audit rows, its alert, and a typed failure at every step.</summary>
public sealed class RunnerSequenceTests
{
    private static Revocation Revoke(Kms.KeyReference key, string? mfa = null, bool schedule = false) =>
        new(new RevocationRequest(key, "INC-2026-0042", "runner test", schedule, null, mfa));

    [Fact]
    public async Task A_revocation_goes_resolve_started_role_act_read_back_completed_alert_in_that_order()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        var key = h.NewKey();
        var events = new EngineEventQueue();
        using var runner = h.Runner(session, events);

        var result = await runner.RunAsync(Revoke(key, h.Mfa()), CancellationToken.None);

        Assert.Equal(("Enabled", "Disabled", true), (result.PreviousState, result.State, result.Verified));
        var steps = events.TakeAll().Where(e => e.Kind == EngineEventKind.Step).Select(e => e.Message!).ToList();
        int At(string start) => steps.FindIndex(m => m.StartsWith(start, StringComparison.Ordinal));
        var order = new[] { At("Resolved"), At("Audit Started row"), At("Acting as"),
            At("DisableKey answered"), At("Read back"), At("Audit Completed row"), At("Alert ") };
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.OrderBy(i => i), order);
        Assert.Contains(steps, m => m.StartsWith("DisableKey answered (request id ", StringComparison.Ordinal) && !m.Contains("none"));

        var rows = h.RowsFor(h.KeyIdOf(key));
        Assert.Equal(2, rows.Count);
        Assert.Equal((AuditPhase.Started, AuditOutcome.Pending), (rows[0].Phase, rows[0].Outcome));
        Assert.Contains("Disable alias/op1-1", JsonDocument.Parse(rows[0].Details!).RootElement.GetProperty("intent").GetString());
        Assert.Equal((AuditPhase.Completed, AuditOutcome.Succeeded, rows[0].OperationId), (rows[1].Phase, rows[1].Outcome, rows[1].OperationId));
        Assert.Equal(result.AuditId, rows[1].AuditId);
        Assert.Equal("192.0.2.10", rows[1].ClientAddress);

        // The Completed row names the alert before it is published; the alert names the Completed row.
        Assert.NotNull(result.AlertId);
        Assert.Equal(result.AlertId, rows[1].AlertMessageId);
        var message = Assert.Single(h.Server.Messages);
        var body = KeyAlert.FromBody(message.Message)!;
        Assert.Equal((result.AlertId, rows[1].AuditId.ToString()), (body.AlertId, body.AuditId));
        Assert.Equal(message.MessageId, result.AlertMessageId);
        Assert.Equal("Published", result.AlertDelivery);
        Assert.Empty(h.Outbox.ReadAll());
        foreach (var step in new[] { "resolve", "assumeRole", "disable", "verify" }) Assert.True(result.StepMilliseconds.ContainsKey(step), step);
    }

    [Fact]
    public async Task An_already_revoked_key_takes_no_role_sends_nothing_and_is_audited_as_done()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        var key = h.NewKey();
        using var runner = h.Runner(session);
        await runner.RunAsync(Revoke(key, h.Mfa()), CancellationToken.None);
        var disables = h.Server.RequestCount("KMS.DisableKey");

        var again = await runner.RunAsync(Revoke(key), CancellationToken.None);

        Assert.True(again.AlreadyRevoked);
        Assert.Equal(disables, h.Server.RequestCount("KMS.DisableKey"));
        Assert.Equal(4, h.RowsFor(h.KeyIdOf(key)).Count);
    }

    [Fact]
    public async Task A_wrong_mfa_code_fails_at_the_role_step_with_a_completed_row_and_a_typed_error()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        var key = h.NewKey();
        var wrong = ((int.Parse(h.Server.CurrentMfaCode(h.Server.User("operator").MfaSerial)) + 500_000) % 1_000_000).ToString("D6");
        using var runner = h.Runner(session);

        var e = await Assert.ThrowsAsync<OperationFailedException>(() => runner.RunAsync(Revoke(key, wrong), CancellationToken.None));

        Assert.Equal(("MfaCodeRejected", FailureKind.AuthenticationError, AuditOutcome.Failed), (e.ErrorId, e.Kind, e.Outcome));
        var rows = h.RowsFor(h.KeyIdOf(key));
        Assert.Equal(new[] { AuditOutcome.Pending, AuditOutcome.Failed }, rows.Select(r => r.Outcome));
        Assert.Equal("MfaCodeRejected", rows[1].ErrorCode);
        Assert.Equal(e.AuditId, rows[1].AuditId);
        Assert.Equal("Enabled", h.StateOf(key));
        Assert.Equal(0, h.Server.RequestCount("KMS.DisableKey"));
    }

    [Fact]
    public async Task A_key_that_does_not_exist_is_audited_then_refused()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Emergency);
        using var runner = h.Runner(session);

        var e = await Assert.ThrowsAsync<OperationFailedException>(() =>
            runner.RunAsync(Revoke(Kms.KeyReference.Parse("alias/never-made")), CancellationToken.None));

        Assert.Equal(("KeyNotFound", FailureKind.ObjectNotFound), (e.ErrorId, e.Kind));
        var rows = h.Store.Query(new AuditQuery { KeyId = "alias/never-made" }).OrderBy(r => r.Sequence).ToList();
        Assert.Equal(new[] { AuditPhase.Started, AuditPhase.Completed }, rows.Select(r => r.Phase));
        Assert.Equal("KeyNotFound", rows[1].ErrorCode);
    }

    [Fact]
    public async Task A_key_ARN_of_another_Region_is_audited_then_refused_without_asking_KMS_and_says_where_it_is()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Emergency);
        using var runner = h.Runner(session);
        var elsewhere = $"arn:aws:kms:ap-southeast-2:{session.AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        // First a key looked up in this Region and not found: it asks KMS (and the runner's first run makes its one-time calls).
        var before = h.Server.RequestCount("KMS.DescribeKey");
        await Assert.ThrowsAsync<OperationFailedException>(() => runner.RunAsync(Revoke(Kms.KeyReference.Parse("alias/never-made-here")), CancellationToken.None));
        var lookedUp = h.Server.RequestCount("KMS.DescribeKey") - before;
        var described = h.Server.RequestCount("KMS.DescribeKey");

        var e = await Assert.ThrowsAsync<OperationFailedException>(() =>
            runner.RunAsync(Revoke(Kms.KeyReference.Parse(elsewhere)), CancellationToken.None));

        Assert.Equal(("KeyNotFound", FailureKind.ObjectNotFound), (e.ErrorId, e.Kind));
        Assert.Contains($"the ARN names account {session.AccountId}, Region ap-southeast-2", e.Message);
        Assert.True(lookedUp >= 1);
        Assert.Equal(described, h.Server.RequestCount("KMS.DescribeKey"));
        Assert.Equal(0, h.Server.RequestCount("KMS.DisableKey"));
        var rows = h.Store.Query(new AuditQuery { KeyId = elsewhere }).OrderBy(r => r.Sequence).ToList();
        Assert.Equal(new[] { AuditPhase.Started, AuditPhase.Completed }, rows.Select(r => r.Phase));
        Assert.Equal("KeyNotFound", rows[1].ErrorCode);
    }

    [Fact]
    public async Task Resolve_denied_in_recovery_ends_in_a_completed_row_and_a_typed_error_not_a_raw_sdk_exception()
    {
        // Latent bug: RecoveryService resolved keys outside any try, so AccessDenied escaped raw and no row was written.
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var trainee = await h.ConnectAsync(KeyMgmtRole.None, user: "trainee", change: "CHG-2026-0107");
        using var runner = h.Runner(trainee);

        var request = await Assert.ThrowsAsync<OperationFailedException>(() =>
            runner.RunAsync(new KeyRecoveryRequest(key, "CHG-2026-0107", "denied"), CancellationToken.None));
        var restore = await Assert.ThrowsAsync<OperationFailedException>(() =>
            runner.RunAsync(new Restore(key, "CHG-2026-0107", null), CancellationToken.None));

        foreach (var e in new[] { request, restore })
        {
            Assert.Equal(("AccessDenied", FailureKind.PermissionDenied), (e.ErrorId, e.Kind));
            Assert.IsAssignableFrom<Amazon.Runtime.AmazonServiceException>(e.InnerException);
        }
        var rows = h.Store.Query(new AuditQuery { KeyId = key.Value }).OrderBy(r => r.Sequence).ToList();
        Assert.Equal(new[] { "RECOVERY_REQUEST", "RECOVERY_REQUEST", "RECOVER", "RECOVER" }, rows.Select(r => r.Operation));
        Assert.Equal(new[] { AuditOutcome.Pending, AuditOutcome.Failed, AuditOutcome.Pending, AuditOutcome.Failed }, rows.Select(r => r.Outcome));
        Assert.All(rows.Where(r => r.Phase == AuditPhase.Completed), r => Assert.Equal("AccessDenied", r.ErrorCode));
    }

    [Fact]
    public async Task A_failed_verification_keeps_its_warnings()
    {
        // Latent bug: VerificationFailed was a plain exception, so the revocation's warnings (alert queued) vanished.
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Emergency);
        var key = h.NewKey();
        h.Server.Faults.Add(Sandbox.Realism.FaultRule.Times("KMS.DisableKey", Sandbox.Realism.FaultKind.SilentNoOp, 1));
        h.Server.Faults.Add(Sandbox.Realism.FaultRule.WithProbability("SNS.Publish", Sandbox.Realism.FaultKind.InternalError, 1));
        using var runner = h.Runner(session);

        var e = await Assert.ThrowsAsync<OperationFailedException>(() => runner.RunAsync(Revoke(key), CancellationToken.None));

        Assert.Equal("VerificationFailed", e.ErrorId);
        Assert.Equal("Enabled", e.State);
        Assert.Contains(e.Warnings, w => w.Contains("queued", StringComparison.Ordinal));
        Assert.Single(h.Outbox.ReadAll());
    }

    [Fact]
    public async Task A_restore_result_carries_its_warnings_when_its_alert_could_not_be_published()
    {
        // Latent bug: RecoveryResult carried no warnings, so a lost or queued alert during recovery was never reported.
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var requester = await RecoveryFlow.RevokedAndApprovedAsync(h, key);
        h.Server.Faults.Add(Sandbox.Realism.FaultRule.WithProbability("SNS.Publish", Sandbox.Realism.FaultKind.InternalError, 1));
        var events = new EngineEventQueue();
        using var runner = h.Runner(requester, events);

        var result = await runner.RunAsync(new Restore(key, RecoveryFlow.Change, h.Mfa()), CancellationToken.None);

        Assert.Equal(("Enabled", "Queued"), (result.State, result.AlertDelivery));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("queued", warning);
        Assert.Contains(events.TakeAll(), e => e.Kind == EngineEventKind.Warning && e.Message == warning);
        Assert.Equal(result.AlertId, Assert.Single(h.Outbox.ReadAll()).AlertId);
    }
}
