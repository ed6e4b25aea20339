using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Sandbox.Tests.Realism;

/// <summary>The KMS quota table and its token buckets (the HTTP-level throttling test is in KmsRealismTests).</summary>
public sealed class QuotaBucketTests
{
    [Theory]
    [InlineData("DisableKey", 5)]
    [InlineData("EnableKey", 5)]
    [InlineData("ScheduleKeyDeletion", 15)]
    [InlineData("DescribeKey", 2000)]
    [InlineData("GetKeyRotationStatus", 1000)]
    [InlineData("Decrypt", 10_000)]
    public void Rates_follow_the_published_defaults(string operation, double rps) =>
        Assert.Equal(rps, KmsQuotas.RateFor(operation));

    [Fact]
    public void A_burst_beyond_the_rate_is_refused()
    {
        var quotas = new KmsQuotas();
        var results = Enumerable.Range(0, 40).Select(_ => quotas.TryAcquire("DisableKey")).ToList();
        Assert.True(results.Take(5).All(r => r), "the first five calls of a fresh one-second bucket pass");
        Assert.Contains(false, results);
        Assert.True(quotas.TryAcquire("DescribeKey"), "other operations have their own bucket");
    }

    [Fact]
    public void Symmetric_crypto_operations_share_one_bucket()
    {
        var quotas = new KmsQuotas();
        int passed = 0;
        for (int i = 0; i < 10_000; i++) if (quotas.TryAcquire(i % 2 == 0 ? "Encrypt" : "Decrypt")) passed++;
        Assert.True(passed >= 10_000 - 1, "a full bucket allows its 10,000 calls");
        // Encrypt and Decrypt drew from the same 10,000: a GenerateDataKey burst now finds (almost) nothing left.
        var more = Enumerable.Range(0, 5000).Count(_ => quotas.TryAcquire("GenerateDataKey"));
        Assert.True(more < 5000, $"{more} of 5000 passed");
    }
}
