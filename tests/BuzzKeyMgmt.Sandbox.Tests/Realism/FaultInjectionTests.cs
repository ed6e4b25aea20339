using System.Diagnostics;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Realism;

/// <summary>Each fault kind, seen through the real SDK (STS) and raw awsQuery (SNS); KMS faults are in KmsRealismTests.</summary>
public sealed class FaultInjectionTests : IDisposable
{
    private readonly SandboxFixture f = new();
    private readonly RawAws raw;

    public FaultInjectionTests() => raw = new RawAws(f.Server);

    private async Task<AmazonSecurityTokenServiceException> StsFails()
    {
        using var sts = f.Sts(f.RootCredentials);
        return await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
    }

    private async Task<string> StsSucceeds()
    {
        using var sts = f.Sts(f.RootCredentials);
        return (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn;
    }

    [Theory]
    [InlineData(FaultKind.Throttling, "Throttling", 400)]
    [InlineData(FaultKind.InternalError, "InternalFailure", 500)]
    [InlineData(FaultKind.DependencyTimeout, "ServiceUnavailable", 503)]
    public async Task Counted_fault_hits_exactly_the_next_N_calls(FaultKind kind, string code, int status)
    {
        var rule = f.Server.Faults.Add(FaultRule.Times("STS.GetCallerIdentity", kind, 2));
        Assert.Equal(code, (await StsFails()).ErrorCode);
        var second = await StsFails();
        Assert.Equal(status, (int)second.StatusCode);
        Assert.Equal(f.Server.Root.Arn, await StsSucceeds());
        Assert.Equal(2, rule.Applied);
    }

    [Fact]
    public async Task Sns_internal_error_is_InternalError_500()
    {
        f.Server.Faults.Add(FaultRule.Times("SNS.Publish", FaultKind.InternalError, 1));
        var a = await raw.QueryAsync("sns", RawAws.Params(("Action", "Publish"), ("Version", "2010-03-31"), ("TopicArn", f.Server.AlertTopicArn), ("Message", "m")));
        Assert.Equal(500, a.Status);
        Assert.Equal("InternalError", a.QueryErrorCode);
        Assert.Empty(f.Server.Messages);
    }

    [Fact]
    public async Task Rule_for_one_operation_leaves_others_alone()
    {
        f.Server.Faults.Add(FaultRule.WithProbability("STS.AssumeRole", FaultKind.Throttling, 1.0));
        Assert.Equal(f.Server.Root.Arn, await StsSucceeds());
        using var sts = f.Sts(f.RootCredentials);
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = f.Server.AdminRoleArn, RoleSessionName = "s1" }));
        Assert.Equal("Throttling", e.ErrorCode);
        Assert.Equal("Rate exceeded", e.Message);
    }

    [Fact]
    public async Task Probability_zero_never_fires_and_Clear_removes_rules()
    {
        var never = f.Server.Faults.Add(FaultRule.WithProbability("*", FaultKind.InternalError, 0.0));
        for (int i = 0; i < 5; i++) Assert.Equal(f.Server.Root.Arn, await StsSucceeds());
        Assert.Equal(0, never.Applied);
        f.Server.Faults.Add(FaultRule.WithProbability("*", FaultKind.InternalError, 1.0));
        Assert.Equal("InternalFailure", (await StsFails()).ErrorCode);
        f.Server.Faults.Clear();
        Assert.Empty(f.Server.Faults.Rules);
        Assert.Equal(f.Server.Root.Arn, await StsSucceeds());
    }

    [Fact]
    public async Task Latency_delays_then_succeeds()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        var rule = f.Server.Faults.Add(FaultRule.Latency("*", delay));
        var watch = Stopwatch.StartNew();
        Assert.Equal(f.Server.Root.Arn, await StsSucceeds());
        watch.Stop();
        Assert.Equal(1, rule.Applied);
        // Lower bound only: the server awaits the delay before answering, however busy the machine is.
        Assert.True(watch.Elapsed >= delay - TimeSpan.FromMilliseconds(20), $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task DropConnection_closes_the_socket_without_an_answer()
    {
        // Every call: .NET's HTTP handler silently resends once when a reused keep-alive connection closes unanswered.
        var rule = f.Server.Faults.Add(FaultRule.WithProbability("STS.GetCallerIdentity", FaultKind.DropConnection, 1.0));
        using var sts = f.Sts(f.RootCredentials);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.IsNotType<AmazonSecurityTokenServiceException>(e);   // no service answer at all: a transport failure
        Assert.True(rule.Applied >= 1);   // transport-level resends (handler, SDK) may hit it again
        f.Server.Faults.Clear();
        Assert.Equal(f.Server.Root.Arn, await StsSucceeds());
    }

    [Fact]
    public void Bad_rules_are_refused_with_a_clear_reason()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultRule.Times("*", FaultKind.Throttling, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultRule.WithProbability("*", FaultKind.Throttling, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultRule.Latency("*", TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => FaultRule.Times(" ", FaultKind.Throttling, 1));
    }

    public void Dispose()
    {
        raw.Dispose();
        f.Dispose();
    }
}
