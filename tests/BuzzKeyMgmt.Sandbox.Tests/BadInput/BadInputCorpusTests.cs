using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.BadInput;

/// <summary>
/// Sends the whole corpus of malformed requests over raw sockets: each gets its AWS-shaped error (status, code, a
/// body), none crashes, hangs or drops the server, and normal SDK requests are served afterwards.
/// </summary>
public sealed class BadInputCorpusTests(SandboxFixture f) : IClassFixture<SandboxFixture>
{
    [Theory]
    [MemberData(nameof(BadRequestCorpus.Cases), MemberType = typeof(BadRequestCorpus))]
    public async Task Each_bad_request_gets_an_AWS_shaped_error(BadRequest bad)
    {
        var reply = await RawSocket.SendAsync(f.Server.Port, bad.Bytes(f.Server));
        Assert.NotNull(reply);
        Assert.Equal(bad.Status, reply.Status);
        Assert.NotEqual("", reply.Body);
        bool json = reply.Body.StartsWith('{');
        Assert.Contains(json ? $"\"__type\":\"{bad.Code}\"" : $"<Code>{bad.Code}</Code>", reply.Body);
        Assert.True(reply.Headers.ContainsKey("x-amzn-RequestId"));
    }

    [Fact]
    public async Task After_the_whole_corpus_twice_the_sandbox_still_serves_normal_requests()
    {
        Assert.True(BadRequestCorpus.All.Count >= 50, $"corpus has {BadRequestCorpus.All.Count} requests");
        int answered = 0;
        for (int round = 0; round < 2; round++)
        {
            var replies = await Task.WhenAll(BadRequestCorpus.All.Select(b => RawSocket.SendAsync(f.Server.Port, b.Bytes(f.Server))));
            answered += replies.Count(r => r is { Status: >= 400 and < 600 } && r.Body.Length > 0);
        }
        Assert.Equal(2 * BadRequestCorpus.All.Count, answered);

        using var sts = f.Sts(f.RootCredentials);
        Assert.Equal(f.Server.Root.Arn, (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
        var (session, _) = await f.AssumeAsync(f.Server.EmergencyRoleArn);
        using var asRole = f.Sts(session);
        Assert.Contains("BuzzKeyMgmtEmergency", (await asRole.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
    }
}
