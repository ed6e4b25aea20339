using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Tests.Status;

public class RateGateTests
{
    [Fact]
    public void Lets_a_burst_through_at_once_then_makes_callers_wait()
    {
        // 1/s with a 3 s burst: 3 calls pass without waiting; the 4th is given a slot about a second later.
        var gate = new RateGate(1, burstSeconds: 3);
        for (var i = 0; i < 3; i++) Assert.True(gate.WaitAsync(CancellationToken.None).IsCompletedSuccessfully, $"call {i}");
        Assert.False(gate.WaitAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Waiting_honours_cancellation()
    {
        var gate = new RateGate(0.001); // one token, then one every 1,000 s
        await gate.WaitAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiting = gate.WaitAsync(cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void Quota_gates_run_under_the_default_quotas_and_ignore_unknown_operations()
    {
        Assert.Equal(2000, KmsQuotaGates.DefaultQuotas["DescribeKey"]);
        Assert.Equal(5, KmsQuotaGates.DefaultQuotas["DisableKey"]);
        Assert.True(new KmsQuotaGates().WaitAsync("NotAnOperation", CancellationToken.None).IsCompletedSuccessfully);
    }
}
