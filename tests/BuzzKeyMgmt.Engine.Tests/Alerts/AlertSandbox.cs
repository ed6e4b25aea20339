using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Tests.Audit;
using BuzzKeyMgmt.Sandbox;

namespace BuzzKeyMgmt.Engine.Tests.Alerts;

/// <summary>A real sandbox (SNS over HTTP with SigV4 checked), a publisher signed with the root's keys, and an outbox in
/// a fresh temp folder. One per test: fault rules and messages never leak between tests.</summary>
public sealed class AlertSandbox : IDisposable
{
    private readonly TempDirectory _folder = new();

    public AlertSandbox()
    {
        Server = SandboxServer.Start(new SandboxOptions { EnforceQuotas = false });
        Publisher = new SnsPublisher(new BasicAWSCredentials(Server.Root.AccessKeyId, Server.Root.SecretAccessKey), Server.Region,
            Server.Endpoint, TimeSpan.FromSeconds(20));
        Outbox = new AlertOutbox(_folder.File("outbox", "sandbox.jsonl"));
        Sender = new AlertSender(Publisher, Server.AlertTopicArn, Outbox);
    }

    public SandboxServer Server { get; }
    public SnsPublisher Publisher { get; }
    public AlertOutbox Outbox { get; }
    public AlertSender Sender { get; }

    /// <summary>How many published messages carry this alert id in their body.</summary>
    public int CountDelivered(string alertId) =>
        Server.Messages.Count(m => KeyAlert.FromBody(m.Message)?.AlertId == alertId);

    public static KeyAlert Revoke(string alias = "alias/CEK_User_12345", string outcome = KeyAlert.Succeeded) => new()
    {
        Environment = "production", Operation = "REVOKE", Outcome = outcome, KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab",
        KeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", Alias = alias,
        IncidentId = "INC-2026-0042", Operator = "jdoe", OperatorArn = "arn:aws:sts::111122223333:assumed-role/BuzzKeyMgmtEmergency/jdoe",
        ErrorCode = outcome == KeyAlert.Succeeded ? null : "KMSInvalidStateException",
        ErrorMessage = outcome == KeyAlert.Succeeded ? null : "arn:aws:kms:… is pending deletion.",
        Timings = new Dictionary<string, long> { ["describe"] = 41, ["disable"] = 87, ["audit"] = 12 }, AuditId = "7d0c9c1e-0f5a-4a53-9a77-0b0d6c3b4711",
        OccurredAtUtc = new DateTimeOffset(2026, 11, 28, 17, 0, 0, TimeSpan.Zero),
    };

    public void Dispose()
    {
        Sender.Dispose();
        Publisher.Dispose();
        Server.Dispose();
        _folder.Dispose();
    }
}
