using System.Text.Json;
using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Alerts;

namespace BuzzKeyMgmt.Engine.Tests.Alerts;

public sealed class SnsPublisherTests
{
    [Fact]
    public async Task Publish_reaches_the_sandbox_with_subject_body_and_attributes()
    {
        using var sandbox = new AlertSandbox();
        var alert = AlertSandbox.Revoke();

        var result = await sandbox.Publisher.PublishAsync(sandbox.Server.AlertTopicArn, alert.Body, alert.Subject, alert.MessageAttributes);

        Assert.True(result.Succeeded, $"{result.ErrorCode}: {result.ErrorMessage}");
        var message = Assert.Single(sandbox.Server.Messages);
        Assert.Equal(result.MessageId, message.MessageId);
        Assert.Equal(sandbox.Server.AlertTopicArn, message.TopicArn);
        Assert.Equal("[production] KEY REVOKED alias/CEK_User_12345 (INC-2026-0042)", message.Subject);
        Assert.Equal(sandbox.Server.Root.Arn, message.PublisherArn);

        using var body = JsonDocument.Parse(message.Message);
        var root = body.RootElement;
        Assert.Equal(alert.AlertId, root.GetProperty("alertId").GetString());
        Assert.Equal("key.revoke.succeeded", root.GetProperty("event").GetString());
        Assert.Equal("production", root.GetProperty("environment").GetString());
        Assert.Equal("REVOKE", root.GetProperty("operation").GetString());
        Assert.Equal("alias/CEK_User_12345", root.GetProperty("alias").GetString());
        Assert.Equal("INC-2026-0042", root.GetProperty("incidentId").GetString());
        Assert.Equal("jdoe", root.GetProperty("operator").GetString());
        Assert.Equal("Succeeded", root.GetProperty("outcome").GetString());
        Assert.Equal(87, root.GetProperty("timings").GetProperty("disable").GetInt64());
        Assert.Equal("7d0c9c1e-0f5a-4a53-9a77-0b0d6c3b4711", root.GetProperty("auditId").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("errorCode").ValueKind);

        Assert.Equal("production", message.Attributes["environment"].Value);
        Assert.Equal("REVOKE", message.Attributes["operation"].Value);
        Assert.Equal("critical", message.Attributes["severity"].Value);
        Assert.Equal("Succeeded", message.Attributes["outcome"].Value);
        Assert.All(message.Attributes.Values, a => Assert.Equal("String", a.DataType));
    }

    [Fact]
    public async Task Unknown_topic_is_a_NotFound_result_not_an_exception()
    {
        using var sandbox = new AlertSandbox();
        var missing = sandbox.Server.AlertTopicArn.Replace("buzzkeymgmt-alerts", "no-such-topic");

        var result = await sandbox.Publisher.PublishAsync(missing, "{}", "subject", []);

        Assert.False(result.Succeeded);
        Assert.Equal("NotFound", result.ErrorCode);
        Assert.Equal(404, result.StatusCode);
        Assert.Empty(sandbox.Server.Messages);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_by_the_signature_check()
    {
        using var sandbox = new AlertSandbox();
        using var forged = new SnsPublisher(new BasicAWSCredentials(sandbox.Server.Root.AccessKeyId, "not-the-secret"),
            sandbox.Server.Region, sandbox.Server.Endpoint);

        var result = await forged.PublishAsync(sandbox.Server.AlertTopicArn, "{}", "subject", []);

        Assert.False(result.Succeeded);
        Assert.Equal(403, result.StatusCode);
        Assert.False(string.IsNullOrEmpty(result.ErrorCode));
        Assert.Empty(sandbox.Server.Messages);
    }

    [Fact]
    public async Task Stopped_endpoint_is_a_NetworkError_result()
    {
        using var sandbox = new AlertSandbox();
        sandbox.Server.Stop();

        var result = await sandbox.Publisher.PublishAsync(sandbox.Server.AlertTopicArn, "{}", "subject", []);

        Assert.False(result.Succeeded);
        Assert.Equal("NetworkError", result.ErrorCode);
    }

    [Fact]
    public async Task An_endpoint_slower_than_the_timeout_is_a_Timeout_result()
    {
        using var sandbox = new AlertSandbox();
        sandbox.Server.Faults.Add(BuzzKeyMgmt.Sandbox.Realism.FaultRule.Latency("SNS.Publish", TimeSpan.FromSeconds(20)));
        using var impatient = new SnsPublisher(new BasicAWSCredentials(sandbox.Server.Root.AccessKeyId, sandbox.Server.Root.SecretAccessKey),
            sandbox.Server.Region, sandbox.Server.Endpoint, TimeSpan.FromMilliseconds(300));

        var result = await impatient.PublishAsync(sandbox.Server.AlertTopicArn, "{}", "subject", []);

        Assert.False(result.Succeeded);
        Assert.Equal("Timeout", result.ErrorCode);
    }

    [Fact]
    public async Task Caller_cancellation_is_a_Canceled_result()
    {
        using var sandbox = new AlertSandbox();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var result = await sandbox.Publisher.PublishAsync(sandbox.Server.AlertTopicArn, "{}", "subject", [], cancel.Token);

        Assert.Equal("Canceled", result.ErrorCode);
        Assert.Empty(sandbox.Server.Messages);
    }
}
