using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Operations.Revocation;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Tests.Operations;

/// <summary>What the context keeps once instead of per operation: the host's address, quota gates per account-Region,
/// its own sessions and sandbox.</summary>
public sealed class ContextTests
{
    [Fact]
    public async Task The_client_address_is_looked_up_once_per_context_not_once_per_operation()
    {
        // Latent bug: every operation ran a DNS lookup for its audit rows.
        var lookups = 0;
        using var h = new RunnerHarness(resolveAddress: () => { Interlocked.Increment(ref lookups); return "198.51.100.7"; });
        var session = await h.ConnectAsync(KeyMgmtRole.Emergency);
        using var runner = h.Runner(session);
        var keys = new[] { h.NewKey(), h.NewKey(), h.NewKey() };

        foreach (var key in keys) await runner.RunAsync(new Revocation(new RevocationRequest(key, "INC-2026-0042", "x")), CancellationToken.None);

        Assert.Equal(1, lookups);
        Assert.All(keys.SelectMany(k => h.RowsFor(h.KeyIdOf(k))), r => Assert.Equal("198.51.100.7", r.ClientAddress));
    }

    [Fact]
    public async Task Operations_and_fleet_reads_of_one_account_Region_share_one_set_of_quota_gates()
    {
        using var h = new RunnerHarness();
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        var emergency = await h.ConnectAsync(KeyMgmtRole.Emergency);
        var gates = h.Context.Gates.For(admin.AccountId, admin.Region);
        using (var runner = h.Runner(emergency))
            await runner.RunAsync(new Revocation(new RevocationRequest(h.NewKey(), "INC-2026-0042", "x")), CancellationToken.None);
        var reader = new KeyStatusReader(admin, h.Context.Gates.For(admin.AccountId, admin.Region));
        await foreach (var _ in reader.ReadAsync(new KeyStatusQuery { All = true }, CancellationToken.None)) { }

        Assert.Equal(admin.AccountId, emergency.AccountId);
        Assert.Same(gates, h.Context.Gates.For(emergency.AccountId, emergency.Region));
        Assert.Equal(1, h.Context.Gates.Count);
        Assert.NotSame(gates, h.Context.Gates.For(admin.AccountId, "eu-west-2"));
        Assert.NotSame(gates, h.Context.Gates.For("210987654321", admin.Region));
    }

    [Fact]
    public async Task Two_contexts_keep_their_own_current_session_sandbox_and_environments()
    {
        // Latent bug: one static held the session for the whole process, so a session connected in a parallel runspace
        // replaced the caller's.
        using var h = new RunnerHarness();
        var mine = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var other = new KeyMgmtContext();

        Assert.Null(other.Sessions.Current);
        Assert.Null(other.Environments.Find("sandbox"));
        var theirs = other.Sandbox.Start(0, enforceQuotas: false);
        var session = await other.ConnectAsync(new Engine.Identity.ConnectRequest("sandbox", KeyMgmtRole.None), CancellationToken.None);
        other.Sessions.Add(session);

        Assert.Same(mine, h.Context.Sessions.Current);
        Assert.NotEqual(theirs.Endpoint, h.Server.Endpoint);
        Assert.Equal(h.Server.Endpoint, h.Context.Environments.Find("sandbox")!.EndpointUrl);
        other.Dispose();
        Assert.True(session.IsClosed);
        Assert.False(mine.IsClosed);
        Assert.Null(other.Sandbox.Current);
    }
}
