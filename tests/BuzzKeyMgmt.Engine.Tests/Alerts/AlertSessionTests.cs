using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Tests.Audit;

namespace BuzzKeyMgmt.Engine.Tests.Alerts;

/// <summary>The sender made from a session publishes with the session's assumed-role credentials (session token signed).</summary>
public sealed class AlertSessionTests
{
    [Fact]
    public async Task Sender_for_a_session_publishes_as_the_assumed_role()
    {
        using var sandbox = new AlertSandbox();
        using var folder = new TempDirectory();
        var server = sandbox.Server;
        var user = server.User("operator");
        using var sts = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials(user.AccessKeyId, user.SecretAccessKey),
            new AmazonSecurityTokenServiceConfig { ServiceURL = server.Endpoint, AuthenticationRegion = server.Region, MaxErrorRetry = 0 });
        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = server.AdminRoleArn, RoleSessionName = "operator-INC-2026-0042", DurationSeconds = 900 });
        var c = assumed.Credentials;
        using var session = Session(server.AlertTopicArn, server, new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken));

        using var sender = AlertSender.ForSession(session, new AlertOutbox(folder.File("outbox.jsonl")));
        var result = await sender!.SendAsync(AlertSandbox.Revoke() with { Environment = session.Environment });

        Assert.Equal(AlertDelivery.Published, result.Delivery);
        var message = Assert.Single(server.Messages);
        Assert.Equal(assumed.AssumedRoleUser.Arn, message.PublisherArn);
        Assert.StartsWith("[sandbox-alerts] KEY REVOKED", message.Subject);
    }

    [Fact]
    public async Task An_eu_west_2_session_publishes_to_its_us_east_1_topic_and_flushes_each_queued_alert_to_its_own_topics_Region()
    {
        using var sandbox = new AlertSandbox();
        using var folder = new TempDirectory();
        var server = sandbox.Server;
        var root = new BasicAWSCredentials(server.Root.AccessKeyId, server.Root.SecretAccessKey);
        var outbox = new AlertOutbox(folder.File("outbox.jsonl"));
        var london = server.AlertTopicArnIn("eu-west-2");
        // Queued earlier, when the environment's topic was the London one (the configuration changed since).
        var earlier = AlertSandbox.Revoke() with { Environment = "sandbox-alerts" };
        outbox.Append(new PendingAlert(earlier.AlertId, london, earlier.Subject, earlier.Body, DateTimeOffset.UtcNow, "Throttling"));
        using var session = Session(server.AlertTopicArn, server, root, region: "eu-west-2");

        using var sender = AlertSender.ForSession(session, outbox);
        var now = await sender!.SendAsync(AlertSandbox.Revoke("alias/now") with { Environment = session.Environment });
        var flushed = await sender.FlushAsync();

        Assert.Equal(AlertDelivery.Published, now.Delivery);
        Assert.Equal((1, 0, (string?)null), (flushed.Delivered, flushed.Remaining, flushed.ErrorCode));
        Assert.Equal(new[] { ("us-east-1", server.AlertTopicArn), ("eu-west-2", london) }, server.Messages.Select(m => (m.Region, m.TopicArn)));
    }

    [Fact]
    public void No_alert_topic_means_no_sender()
    {
        using var sandbox = new AlertSandbox();
        using var session = Session(null, sandbox.Server, new BasicAWSCredentials("AKIDEXAMPLE", "secret"));

        Assert.Null(AlertSender.ForSession(session));
    }

    private static KeyMgmtSession Session(string? topicArn, Sandbox.SandboxServer server, AWSCredentials credentials, string? region = null)
    {
        region ??= server.Region;
        var environment = new KeyMgmtEnvironment
        {
            Name = "sandbox-alerts", Region = region, AccountId = server.AccountId, AlertTopicArn = topicArn,
            EndpointUrl = server.Endpoint, Source = "session",
        };
        var clients = new Aws.AwsClientFactory(credentials, region, Aws.ServiceEndpoints.All(server.Endpoint));
        return new KeyMgmtSession(environment, KeyMgmtRole.Admin, "arn:aws:sts::111122223333:assumed-role/BuzzKeyMgmtAdmin/operator",
            "operator", null, region, Aws.ServiceEndpoints.All(server.Endpoint), server.Endpoint, "INC-2026-0042", null, credentials, credentials,
            "arn:aws:iam::111122223333:user/operator", clients, clients, ownsBaseClients: true);
    }
}
