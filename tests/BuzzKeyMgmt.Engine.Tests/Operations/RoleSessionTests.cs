using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Engine.Operations.Revocation;

namespace BuzzKeyMgmt.Engine.Tests.Operations;

/// <summary>Role sessions are taken once and kept for their lifetime; an MFA code is spent once, as AWS requires.</summary>
public sealed class RoleSessionTests
{
    [Fact]
    public async Task A_restore_pipeline_over_two_keys_assumes_the_Recovery_role_once_with_one_mfa_code()
    {
        // Latent bug: the role was assumed again for every key with the same code; AWS (and now the sandbox) refuses a
        // code used twice, so the second key failed.
        using var h = new RunnerHarness();
        var first = h.NewKey();
        var second = h.NewKey();
        await RecoveryFlow.RevokeAsync(h, first);
        await RecoveryFlow.RevokeAsync(h, second);
        await RecoveryFlow.ApprovedAsync(h, first);
        await RecoveryFlow.ApprovedAsync(h, second);
        var requester = await h.ConnectAsync(KeyMgmtRole.None, change: RecoveryFlow.Change);
        var code = h.Mfa();
        var assumedBefore = h.Server.RequestCount("STS.AssumeRole");
        using var runner = h.Runner(requester);

        var one = await runner.RunAsync(new Restore(first, RecoveryFlow.Change, code), CancellationToken.None);
        var two = await runner.RunAsync(new Restore(second, RecoveryFlow.Change, code), CancellationToken.None);

        Assert.Equal(("Enabled", "Enabled"), (one.State, two.State));
        Assert.Equal(assumedBefore + 1, h.Server.RequestCount("STS.AssumeRole"));
    }

    [Fact]
    public async Task The_sandbox_refuses_a_code_used_twice_so_the_test_above_would_catch_a_second_assume()
    {
        using var h = new RunnerHarness();
        var code = h.Mfa();
        await h.Context.ConnectAsync(new Engine.Identity.ConnectRequest("sandbox", KeyMgmtRole.Emergency, code, IncidentId: "INC-2026-0042"), CancellationToken.None);

        var e = await Assert.ThrowsAsync<KeyMgmtException>(() =>
            h.Context.ConnectAsync(new Engine.Identity.ConnectRequest("sandbox", KeyMgmtRole.Recovery, code, ChangeId: "CHG-2026-0107"), CancellationToken.None));

        Assert.Equal("MfaCodeRejected", e.ErrorId);
    }

    [Fact]
    public async Task A_role_session_taken_by_one_operation_serves_the_next_one_without_a_new_code()
    {
        using var h = new RunnerHarness();
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using (var runner = h.Runner(admin))
            await runner.RunAsync(new Revocation(new RevocationRequest(h.NewKey(), "INC-2026-0042", "first", MfaCode: h.Mfa())), CancellationToken.None);
        var assumed = h.Server.RequestCount("STS.AssumeRole");

        using (var runner = h.Runner(admin))
        {
            var second = await runner.RunAsync(new Revocation(new RevocationRequest(h.NewKey(), "INC-2026-0042", "second")), CancellationToken.None);
            Assert.Equal("Disabled", second.State);
        }

        Assert.Equal(assumed, h.Server.RequestCount("STS.AssumeRole"));
    }

    [Fact]
    public async Task Closing_a_session_disposes_its_clients_and_the_role_sessions_it_took()
    {
        using var h = new RunnerHarness();
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using (var runner = h.Runner(admin))
            await runner.RunAsync(new Revocation(new RevocationRequest(h.NewKey(), "INC-2026-0042", "x", MfaCode: h.Mfa())), CancellationToken.None);
        var emergency = await admin.ForRoleAsync(KeyMgmtRole.Emergency, null, "test", CancellationToken.None);
        Assert.True(admin.Clients.ClientCount >= 3, "STS (caller read back), KMS (resolve) and SNS (the alert)");
        Assert.NotSame(admin, emergency);

        Assert.True(h.Context.Sessions.Remove(admin));

        Assert.True(admin.IsClosed);
        Assert.True(admin.Clients.IsDisposed);
        Assert.True(admin.BaseClients.IsDisposed);
        Assert.True(emergency.IsClosed);
        Assert.True(emergency.Clients.IsDisposed);
        var e = Assert.Throws<KeyMgmtException>(() => h.Context.Sessions.Require(admin));
        Assert.Equal("SessionClosed", e.ErrorId);
        Assert.Null(h.Context.Sessions.Current);
    }

    [Fact]
    public async Task A_new_connection_of_the_same_name_replaces_and_closes_the_old_one()
    {
        using var h = new RunnerHarness();
        var first = await h.ConnectAsync(KeyMgmtRole.Admin);
        var second = await h.ConnectAsync(KeyMgmtRole.Admin);

        Assert.Equal("sandbox/Admin", second.Name);
        Assert.True(first.IsClosed);
        Assert.False(second.IsClosed);
        Assert.Same(second, h.Context.Sessions.Current);
        Assert.Single(h.Context.Sessions.All);
    }
}
