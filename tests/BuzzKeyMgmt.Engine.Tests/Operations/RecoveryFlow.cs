using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Engine.Operations.Revocation;

namespace BuzzKeyMgmt.Engine.Tests.Operations;

/// <summary>Set-up for recovery tests: a key revoked by the operator, requested and approved by two other people.</summary>
internal static class RecoveryFlow
{
    public const string Change = "CHG-2026-0107";

    public static async Task RevokeAsync(RunnerHarness h, KeyReference key, bool schedule = false)
    {
        var emergency = await h.ConnectAsync(KeyMgmtRole.Emergency);
        using var runner = h.Runner(emergency);
        await runner.RunAsync(new Revocation(new RevocationRequest(key, "INC-2026-0042", "set-up", schedule)), CancellationToken.None);
    }

    public static async Task<Engine.Audit.RecoveryRequest> ApprovedAsync(RunnerHarness h, KeyReference key)
    {
        var requester = await h.ConnectAsync(KeyMgmtRole.None, change: Change);
        Engine.Audit.RecoveryRequest request;
        using (var runner = h.Runner(requester))
            request = await runner.RunAsync(new KeyRecoveryRequest(key, Change, "false alarm"), CancellationToken.None);
        foreach (var approver in new[] { "approver1", "approver2" })
        {
            var session = await h.ConnectAsync(KeyMgmtRole.None, user: approver, change: Change);
            using var runner = h.Runner(session);
            await runner.RunAsync(new KeyRecoveryApproval(request.RequestId), CancellationToken.None);
        }
        return request;
    }

    public static async Task<KeyMgmtSession> RevokedAndApprovedAsync(RunnerHarness h, KeyReference key, bool schedule = false)
    {
        await RevokeAsync(h, key, schedule);
        await ApprovedAsync(h, key);
        return await h.ConnectAsync(KeyMgmtRole.None, change: Change);
    }
}
