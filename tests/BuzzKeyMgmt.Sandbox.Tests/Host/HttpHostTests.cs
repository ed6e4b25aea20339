using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Host;

/// <summary>The in-process HTTP host: loopback binding, ports, keep-alive, chunked bodies, 100-continue, headers, Stop.</summary>
public sealed class HttpHostTests(SandboxFixture f) : IClassFixture<SandboxFixture>
{
    private const string CallerIdentityForm = "Action=GetCallerIdentity&Version=2011-06-15";

    [Fact]
    public void Listens_on_loopback_on_a_free_port_and_two_sandboxes_coexist()
    {
        using var other = SandboxServer.Start(new SandboxOptions());
        Assert.Equal($"http://127.0.0.1:{f.Server.Port}", f.Server.Endpoint);
        Assert.NotEqual(0, f.Server.Port);
        Assert.NotEqual(f.Server.Port, other.Port);
        Assert.NotEqual(f.Server.Root.AccessKeyId, other.Root.AccessKeyId);
        Assert.Equal("111122223333", other.AccountId);
        Assert.Equal("us-east-1", other.Region);
    }

    [Fact]
    public async Task Starts_on_a_given_port_and_Stop_closes_it()
    {
        var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = SandboxServer.Start(new SandboxOptions { Port = port, AccountId = "444455556666", Region = "eu-west-1" });
        Assert.Equal(port, server.Port);
        Assert.Equal("arn:aws:iam::444455556666:role/BuzzKeyMgmtRecovery", server.RecoveryRoleArn);
        using (var sts = new SandboxFixtureFor(server).Sts())
            Assert.Equal("arn:aws:iam::444455556666:root", (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
        server.Stop();
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SandboxServer.Start(new SandboxOptions { AccountId = "12" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SandboxServer.Start(new SandboxOptions { Port = 70000 }));
    }

    [Fact]
    public async Task Keep_alive_serves_several_requests_on_one_connection_with_date_and_request_id()
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", f.Server.Port);
        var stream = client.GetStream();
        var ids = new HashSet<string>();
        for (int i = 0; i < 3; i++)
        {
            await stream.WriteAsync(RawRequest.Build(f.Server, "POST", "application/x-www-form-urlencoded; charset=utf-8", Encoding.ASCII.GetBytes(CallerIdentityForm), service: "sts"));
            var reply = await RawSocket.ReadReplyAsync(stream, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            Assert.NotNull(reply);
            Assert.Equal(200, reply.Status);
            Assert.Contains("<Arn>" + f.Server.Root.Arn + "</Arn>", reply.Body);
            ids.Add(reply.Headers["x-amzn-RequestId"]);
            var date = DateTimeOffset.ParseExact(reply.Headers["Date"], "r", CultureInfo.InvariantCulture);
            Assert.InRange(date, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(2));
        }
        Assert.Equal(3, ids.Count);
    }

    [Fact]
    public async Task Date_header_can_be_skewed_to_simulate_a_wrong_endpoint_clock()
    {
        using var skewed = SandboxServer.Start(new SandboxOptions { DateHeaderSkew = TimeSpan.FromHours(-2) });
        var reply = await RawSocket.SendAsync(skewed.Port, RawRequest.Build(skewed, "POST", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(CallerIdentityForm), service: "sts"));
        var date = DateTimeOffset.ParseExact(reply!.Headers["Date"], "r", CultureInfo.InvariantCulture);
        Assert.InRange(date, DateTimeOffset.UtcNow.AddHours(-2).AddMinutes(-2), DateTimeOffset.UtcNow.AddHours(-2).AddMinutes(2));
    }

    [Fact]
    public async Task Chunked_body_is_reassembled_and_signature_checked_on_the_whole_body()
    {
        var body = Encoding.ASCII.GetBytes(CallerIdentityForm);
        var bytes = RawRequest.Build(f.Server, "POST", "application/x-www-form-urlencoded", body, service: "sts",
            extraHeaderLines: ["Transfer-Encoding: chunked"], contentLength: false, wireBody: RawRequest.Chunked(body, 7));
        var reply = await RawSocket.SendAsync(f.Server.Port, bytes);
        Assert.Equal(200, reply!.Status);
        Assert.Contains(f.Server.Root.Arn, reply.Body);
    }

    [Fact]
    public async Task Expect_100_continue_gets_an_interim_answer_then_the_result()
    {
        var bytes = RawRequest.Build(f.Server, "POST", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(CallerIdentityForm),
            service: "sts", extraHeaderLines: ["Expect: 100-continue"]);
        var reply = await RawSocket.SendAsync(f.Server.Port, bytes);
        Assert.True(reply!.SawContinue);
        Assert.Equal(200, reply.Status);
    }

    [Fact]
    public async Task Connection_close_is_honoured()
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", f.Server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(RawRequest.Build(f.Server, "POST", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(CallerIdentityForm),
            service: "sts", extraHeaderLines: ["Connection: close"]));
        var token = new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;
        var reply = await RawSocket.ReadReplyAsync(stream, token);
        Assert.Equal("close", reply!.Headers["Connection"]);
        Assert.Equal(0, await stream.ReadAsync(new byte[16], token));   // server closed its side
    }

    [Fact]
    public async Task Http10_request_is_answered_and_the_connection_closed()
    {
        var bytes = RawRequest.Build(f.Server, "POST", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(CallerIdentityForm), service: "sts");
        var text = Encoding.Latin1.GetString(bytes).Replace("POST / HTTP/1.1", "POST / HTTP/1.0");
        var reply = await RawSocket.SendAsync(f.Server.Port, Encoding.Latin1.GetBytes(text));
        Assert.Equal(200, reply!.Status);
        Assert.Equal("close", reply.Headers["Connection"]);
    }

    [Fact]
    public async Task Stalled_half_sent_request_gets_408_and_other_clients_are_served_meanwhile()
    {
        using var server = SandboxServer.Start(new SandboxOptions { RequestTimeout = TimeSpan.FromSeconds(1) });
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part"u8.ToArray());
        var other = await RawSocket.SendAsync(server.Port, RawRequest.Build(server, "POST", "application/x-www-form-urlencoded",
            Encoding.ASCII.GetBytes(CallerIdentityForm), service: "sts"));
        Assert.Equal(200, other!.Status);
        var reply = await RawSocket.ReadReplyAsync(stream, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(408, reply!.Status);
        Assert.Contains("<Code>RequestTimeout</Code>", reply.Body);
    }

    /// <summary>SDK clients for a sandbox that is not the class fixture's.</summary>
    private sealed class SandboxFixtureFor(SandboxServer server)
    {
        public Amazon.SecurityToken.AmazonSecurityTokenServiceClient Sts() => new(
            new Amazon.Runtime.BasicAWSCredentials(server.Root.AccessKeyId, server.Root.SecretAccessKey),
            new Amazon.SecurityToken.AmazonSecurityTokenServiceConfig { ServiceURL = server.Endpoint, AuthenticationRegion = server.Region, MaxErrorRetry = 0 });
    }
}
