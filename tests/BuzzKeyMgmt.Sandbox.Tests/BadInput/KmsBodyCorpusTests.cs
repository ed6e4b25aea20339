using System.Text;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.BadInput;

/// <summary>
/// Signed KMS requests whose JSON body is wrong: they pass authentication and reach the KMS logic, which must answer
/// with KMS's own errors; plus the exact request shape the AWS CLI v2 sends.
/// </summary>
public sealed class KmsBodyCorpusTests(SandboxFixture f) : IClassFixture<SandboxFixture>
{
    public static TheoryData<string, string, string> Cases() => new()
    {
        { "DescribeKey", "{", "SerializationException" },
        { "DescribeKey", "not json at all", "SerializationException" },
        { "DescribeKey", "{\"KeyId\": 5}", "SerializationException" },
        { "ScheduleKeyDeletion", "{\"KeyId\":\"k\",\"PendingWindowInDays\":\"seven\"}", "SerializationException" },
        { "DescribeKey", "{}", "ValidationException" },
        { "DisableKey", "{\"KeyId\":\"\"}", "ValidationException" },
        { "DescribeKey", "{\"KeyId\":\"00000000-0000-0000-0000-000000000000\"}", "NotFoundException" },
    };

    [KmsTheory]
    [MemberData(nameof(Cases))]
    public async Task Bad_body_gets_KMS_error_and_no_crash(string operation, string body, string code)
    {
        var reply = await RawSocket.SendAsync(f.Server.Port, RawRequest.Build(f.Server, "POST", "application/x-amz-json-1.1",
            Encoding.UTF8.GetBytes(body), "TrentService." + operation, service: "kms"));
        Assert.NotNull(reply);
        Assert.InRange(reply.Status, 400, 499);
        Assert.Contains($"\"__type\":\"{code}\"", reply.Body.Replace(" ", ""));
        using var kms = f.Kms(f.RootCredentials);
        Assert.NotNull((await kms.ListKeysAsync(new ListKeysRequest())).Keys);
    }

    [KmsFact]
    public async Task Aws_cli_shaped_request_is_accepted()
    {
        // The CLI v2 signs content-type;host;x-amz-date;x-amz-target and sends the awsJson1_1 content type.
        using var raw = new RawAws(f.Server);
        var answer = await raw.SendAsync("kms", "{}"u8.ToArray(), "application/x-amz-json-1.1", "TrentService.ListKeys", raw.Root);
        Assert.Equal(200, answer.Status);
        Assert.Contains("\"Keys\"", answer.Body);
        Assert.True(answer.Message.Headers.Contains("x-amzn-RequestId"));
    }
}
