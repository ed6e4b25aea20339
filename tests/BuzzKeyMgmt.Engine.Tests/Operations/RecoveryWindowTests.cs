using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Tests.Operations;

/// <summary>The recovery window starts at the key's first successful revocation and is found in the store, not in JSON.</summary>
public sealed class RecoveryWindowTests
{
    [Fact]
    public async Task Re_running_Revoke_on_a_revoked_key_does_not_restart_the_seven_day_window()
    {
        // Latent bug: the window counted the newest "already revoked" row, so a re-run restarted it.
        using var h = new RunnerHarness();
        var key = h.NewKey();
        await RecoveryFlow.RevokeAsync(h, key);
        h.Server.Clock.Advance(TimeSpan.FromDays(5));
        await RecoveryFlow.RevokeAsync(h, key);   // already revoked: audited as Succeeded again
        h.Server.Clock.Advance(TimeSpan.FromDays(3));
        await RecoveryFlow.ApprovedAsync(h, key);
        var requester = await h.ConnectAsync(KeyMgmtRole.None, change: RecoveryFlow.Change);
        using var runner = h.Runner(requester);

        var e = await Assert.ThrowsAsync<OperationFailedException>(() =>
            runner.RunAsync(new Restore(key, RecoveryFlow.Change, h.Mfa()), CancellationToken.None));

        Assert.Equal(("RecoveryWindowPassed", FailureKind.PermissionDenied), (e.ErrorId, e.Kind));
        Assert.Equal("Disabled", h.StateOf(key));
        Assert.Equal(2, h.RowsFor(h.KeyIdOf(key)).Count(r => r.Operation == AuditOperations.Revoke && r.Phase == AuditPhase.Completed && r.Outcome == AuditOutcome.Succeeded));
    }

    [Fact]
    public async Task A_restore_finds_its_approved_request_in_the_store_even_when_the_audit_details_say_nothing()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        await RecoveryFlow.RevokeAsync(h, key);
        // A request made directly in the store (no RECOVERY_REQUEST audit row to parse) and approved by two others.
        var request = h.Store.CreateRecoveryRequest(new NewRecoveryRequest
        {
            KeyId = h.KeyIdOf(key), ChangeId = RecoveryFlow.Change, Reason = "store only",
            RequestedBy = h.Server.User("operator").Arn, RequestedAtUtc = h.Server.Clock.GetUtcNow(),
        });
        foreach (var who in new[] { "approver1", "approver2" })
            h.Store.ApproveRecoveryRequest(request.RequestId, h.Server.User(who).Arn, h.Server.Clock.GetUtcNow());
        var requester = await h.ConnectAsync(KeyMgmtRole.None, change: RecoveryFlow.Change);
        using var runner = h.Runner(requester);

        var result = await runner.RunAsync(new Restore(key, RecoveryFlow.Change, h.Mfa()), CancellationToken.None);

        Assert.Equal(request.RequestId, result.RequestId);
        Assert.Equal(RecoveryRequestStatus.Completed, h.Store.GetRecoveryRequest(request.RequestId)!.Status);
    }
}
