using System.Diagnostics;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Realism;

/// <summary>Quotas and faults on KMS calls as the SDK (retries off) sees them.</summary>
public sealed class KmsRealismTests : IDisposable
{
    private readonly QuotaSandboxFixture f = new();

    private async Task<string> NewKeyAsync(AmazonKeyManagementServiceClient kms) =>
        (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;

    [KmsFact]
    public async Task DisableKey_burst_over_5_per_second_is_throttled_and_not_when_quotas_are_off()
    {
        Assert.True(f.Server.EnforceQuotas);
        using var kms = f.Kms(f.RootCredentials);
        var keyId = await NewKeyAsync(kms);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            try { await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId }); return "ok"; }
            catch (AmazonKeyManagementServiceException e) { return $"{e.ErrorCode}|{(int)e.StatusCode}|{e.Message}"; }
        }));
        Assert.Contains("ThrottlingException|400|Rate exceeded", outcomes);
        Assert.Contains("ok", outcomes);
        Assert.All(outcomes, o => Assert.True(o == "ok" || o == "ThrottlingException|400|Rate exceeded", o));

        f.Server.EnforceQuotas = false;
        var unthrottled = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId })));
        Assert.Equal(40, unthrottled.Length);
    }

    [KmsTheory]
    [InlineData(FaultKind.Throttling, "ThrottlingException", 400)]
    [InlineData(FaultKind.InternalError, "KMSInternalException", 500)]
    [InlineData(FaultKind.DependencyTimeout, "DependencyTimeoutException", 503)]
    public async Task Kms_fault_kinds_use_KMS_error_names(FaultKind kind, string code, int status)
    {
        using var kms = f.Kms(f.RootCredentials);
        var keyId = await NewKeyAsync(kms);
        var rule = f.Server.Faults.Add(FaultRule.Times("KMS.DisableKey", kind, 1));
        Assert.Equal(KeyState.Enabled, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata.KeyState);
        var e = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId }));
        Assert.Equal(code, e.ErrorCode);
        Assert.Equal(status, (int)e.StatusCode);
        Assert.Equal(1, rule.Applied);
        Assert.Equal(KeyState.Enabled, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata.KeyState);
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId });
        Assert.Equal(KeyState.Disabled, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata.KeyState);
    }

    [KmsFact]
    public async Task Latency_on_all_calls_then_success()
    {
        using var kms = f.Kms(f.RootCredentials);
        var keyId = await NewKeyAsync(kms);
        var rule = f.Server.Faults.Add(FaultRule.Latency("*", TimeSpan.FromMilliseconds(150)));
        var watch = Stopwatch.StartNew();
        await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId });
        await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId });
        watch.Stop();
        Assert.Equal(2, rule.Applied);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(280), $"two calls took {watch.Elapsed}");   // lower bound only
    }

    [KmsFact]
    public async Task Dropped_connection_leaves_the_key_unchanged()
    {
        using var kms = f.Kms(f.RootCredentials);
        var keyId = await NewKeyAsync(kms);
        var rule = f.Server.Faults.Add(FaultRule.WithProbability("KMS.DisableKey", FaultKind.DropConnection, 1.0));
        var e = await Assert.ThrowsAnyAsync<Exception>(() => kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId }));
        Assert.IsNotType<AmazonKeyManagementServiceException>(e);
        Assert.True(rule.Applied >= 1);
        f.Server.Faults.Clear();
        Assert.Equal(KeyState.Enabled, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata.KeyState);
    }

    public void Dispose() => f.Dispose();
}
