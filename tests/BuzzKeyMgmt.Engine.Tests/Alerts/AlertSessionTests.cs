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
    public void No_alert_topic_means_no_sender()
    {
        using var sandbox = new AlertSandbox();
        using var session = Session(null, sandbox.Server, new BasicAWSCredentials("AKIDEXAMPLE", "secret"));

        Assert.Null(AlertSender.ForSession(session));
    }

    private static KeyMgmtSession Session(string? topicArn, Sandbox.SandboxServer server, AWSCredentials credentials)
    {
        var environment = new KeyMgmtEnvironment
        {
            Name = "sandbox-alerts", Region = server.Region, AccountId = server.AccountId, AlertTopicArn = topicArn,
            EndpointUrl = server.Endpoint, Source = "session",
        };
        var clients = new Aws.AwsClientFactory(credentials, server.Region, Aws.ServiceEndpoints.All(server.Endpoint));
        return new KeyMgmtSession(environment, KeyMgmtRole.Admin, "arn:aws:sts::111122223333:assumed-role/BuzzKeyMgmtAdmin/operator",
            "operator", null, server.Region, Aws.ServiceEndpoints.All(server.Endpoint), server.Endpoint, "INC-2026-0042", null, credentials, credentials,
            "arn:aws:iam::111122223333:user/operator", clients, clients, ownsBaseClients: true);
    }
}
