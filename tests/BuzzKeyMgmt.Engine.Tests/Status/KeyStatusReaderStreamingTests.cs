using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Status;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Engine.Tests.Operations;

namespace BuzzKeyMgmt.Engine.Tests.Status;

/// <summary>
/// A fleet read streams with bounded buffers: however slow the caller, no more keys are read than the result window
/// allows beyond what the caller has taken (issue 15, point 2). The window is made small here so that a small fleet shows it.
/// </summary>
public sealed class KeyStatusReaderStreamingTests
{
    [Fact]
    public async Task A_caller_that_stops_taking_results_stops_the_reads_at_the_window()
    {
        using var h = new RunnerHarness();
        h.Server.SeedKeys(300, "alias/stream-", rotationMix: false);
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        var reader = new KeyStatusReader(session, h.Context.Gates.For(session.AccountId, session.Region)) { Window = 20, AliasWait = 0 };

        await using var results = reader.ReadAsync(new KeyStatusQuery { All = true, ThrottleLimit = 8 }, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await results.MoveNextAsync());
        await Task.Delay(700);   // the caller is busy: the reads may run ahead by the window, no further
        var read = h.Server.RequestCount("KMS.DescribeKey");
        // Taken: one; passed over: the sandbox's two AWS managed keys (listed first, left out of fleet results); in the window: 20.
        Assert.InRange(read, 1, 1 + 2 + 20);

        var taken = 1;
        while (await results.MoveNextAsync()) taken++;
        // The window only paces the read: every customer managed key still comes (the 300 and the harness's own).
        Assert.Equal(h.Server.Kms.KeyFacts().Count(f => f.KeyManager == "CUSTOMER"), taken);
    }

    [Fact]
    public async Task While_the_aliases_are_still_being_listed_the_reads_go_on_into_the_extra_window_and_give_it_back_after()
    {
        // ListAliases pages through 100 aliases at a time, one page after another: slowed here so that the key reads
        // would wait on a 20-key window long before the alias index is loaded.
        using var h = new RunnerHarness();
        h.Server.SeedKeys(300, "alias/slow-", rotationMix: false);
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        h.Server.Faults.Add(FaultRule.Latency("KMS.ListAliases", TimeSpan.FromSeconds(1)));   // four pages: 4 s
        var reader = new KeyStatusReader(session, h.Context.Gates.For(session.AccountId, session.Region)) { Window = 20, AliasWait = 100 };

        await using var results = reader.ReadAsync(new KeyStatusQuery { All = true, ThrottleLimit = 8 }, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await results.MoveNextAsync());   // the first result needs the alias index: every page has been listed
        Assert.True(h.Server.RequestCount("KMS.ListAliases") >= 4);
        await Task.Delay(700);   // the caller is busy: 1 taken, the 2 AWS managed keys passed over, 20 + 100 in the window
        var whileLoading = h.Server.RequestCount("KMS.DescribeKey");
        Assert.InRange(whileLoading, 100, 1 + 2 + 20 + 100);

        var taken = 1;
        while (taken < 200 && await results.MoveNextAsync()) taken++;
        await Task.Delay(700);   // the index is loaded: the extra window has been taken back, the reads stop 20 ahead
        Assert.InRange(h.Server.RequestCount("KMS.DescribeKey"), taken, taken + 2 + 20);

        while (await results.MoveNextAsync()) taken++;
        Assert.Equal(h.Server.Kms.KeyFacts().Count(f => f.KeyManager == "CUSTOMER"), taken);
    }

    [Fact]
    public void Quota_gates_are_per_account_and_Region()
    {
        var gates = new QuotaGateRegistry();
        var a = gates.For("111122223333", "us-east-1");
        Assert.Same(a, gates.For("111122223333", "US-EAST-1"));
        Assert.NotSame(a, gates.For("222200001111", "us-east-1"));
        Assert.NotSame(a, gates.For("111122223333", "eu-west-2"));
        Assert.Equal(3, gates.Count);
    }
}
