using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Diagnostics;
using BuzzKeyMgmt.Engine.Tests.Audit;
using BuzzKeyMgmt.Sandbox;

namespace BuzzKeyMgmt.Engine.Tests.Diagnostics;

/// <summary>The whole -Environment run through <see cref="EnvironmentDiagnostics.RunAsync"/>: every check name in its
/// documented order, the audit store (a migrated SQLite file of its own) and the alert outbox.</summary>
public sealed class EnvironmentRunTests : IDisposable
{
    private readonly TempDirectory folder = new();
    private readonly SandboxServer server = SandboxServer.Start(new SandboxOptions { EnforceQuotas = false });
    private readonly KeyMgmtContext context = new(new ClientHost(() => "192.0.2.10"));

    [Fact]
    public async Task The_sandbox_environment_passes_every_check_in_the_documented_order()
    {
        var store = folder.File("audit.db");
        new SqliteAuditStore(store).Migrate();
        var name = "diag-" + Guid.NewGuid().ToString("N")[..8];   // its own (empty) journal and outbox in the data directory
        var op = server.User("operator");
        context.Environments.Register(new KeyMgmtEnvironment
        {
            Name = name, Region = server.Region, AccountId = server.AccountId, Source = "session", EndpointUrl = server.Endpoint,
            AdminRoleArn = server.AdminRoleArn, EmergencyRoleArn = server.EmergencyRoleArn, RecoveryRoleArn = server.RecoveryRoleArn,
            MfaSerialNumber = op.MfaSerial, AlertTopicArn = server.AlertTopicArn, AuditStore = new AuditStoreReference(AuditStoreReference.Sqlite, store),
            BaseCredentials = new BasicAWSCredentials(op.AccessKeyId, op.SecretAccessKey),
        });

        var checks = await EnvironmentDiagnostics.RunAsync(context, new HostFacts("7.6.9", "Core"), null, name, CancellationToken.None);

        var environmentChecks = checks.SkipWhile(c => c.Name != "Configuration").Select(c => c.Name).ToList();
        Assert.Equal(["Configuration", "Environment", "Credentials", "STS reachable", "KMS reachable", "Clock skew", "Admin role", "Emergency role",
            "Recovery role", "MFA device", "Alert topic", "Audit store", "Audit chain", "Audit journal", "Alert outbox"], environmentChecks);
        Assert.All(checks.SkipWhile(c => c.Name != "Environment"), c => Assert.True(c.Status == CheckStatus.Pass, c.ToString()));
        Assert.DoesNotContain(checks, c => c.Name == "Roles");   // replaced by one check per role
    }

    public void Dispose()
    {
        context.Dispose();
        server.Dispose();
        folder.Dispose();
    }
}

/// <summary>"Alert outbox": alerts SNS has not taken yet warn, naming Sync-KeyAuditJournal.</summary>
public sealed class OutboxChecksTests : IDisposable
{
    private readonly TempDirectory folder = new();

    [Fact]
    public void An_empty_outbox_passes_and_a_queued_alert_warns_naming_Sync_KeyAuditJournal()
    {
        var outbox = new AlertOutbox(folder.File("outbox", "lab.jsonl"));
        var empty = OutboxChecks.Run("lab", outbox);
        Assert.Equal(CheckStatus.Pass, empty.Status);
        Assert.Equal("Alert outbox", empty.Name);

        outbox.Append(new PendingAlert("a-1", "arn:aws:sns:us-east-1:111122223333:key-alerts", "subject", "{}",
            new DateTimeOffset(2026, 11, 28, 17, 0, 0, TimeSpan.Zero), "Throttling: Rate exceeded"));
        outbox.Append(new PendingAlert("a-2", "arn:aws:sns:us-east-1:111122223333:key-alerts", "subject", "{}", DateTimeOffset.UtcNow, null));
        var waiting = OutboxChecks.Run("lab", outbox);

        Assert.Equal(CheckStatus.Warn, waiting.Status);
        Assert.Contains($"2 alert(s) waiting in {outbox.OutboxPath}", waiting.Detail);
        Assert.Contains("oldest queued 2026-11-28 17:00:00Z", waiting.Detail);
        Assert.Contains("Throttling: Rate exceeded", waiting.Detail);
        Assert.Contains("Connect-KeyManagement -Environment lab) and run Sync-KeyAuditJournal", waiting.Detail);
    }

    [Fact]
    public async Task Unreadable_lines_are_never_reported_as_nothing_waiting_before_or_after_the_flush()
    {
        var outbox = new AlertOutbox(folder.File("outbox", "lab.jsonl"));
        Directory.CreateDirectory(Path.GetDirectoryName(outbox.OutboxPath)!);
        File.WriteAllText(outbox.OutboxPath, "{\"alertId\": \"cut\n");

        var before = OutboxChecks.Run("lab", outbox);
        Assert.Equal(CheckStatus.Warn, before.Status);
        Assert.Contains($"1 line(s) of {outbox.OutboxPath} are not an alert and will never be sent (line 1: not JSON", before.Detail);
        Assert.Contains($"run Sync-KeyAuditJournal to move them to {outbox.QuarantinePath}", before.Detail);

        var drained = await outbox.DrainAsync(_ => Task.FromResult(DrainStep.Delivered));
        Assert.Equal((0, 0, 1), (drained.Delivered, drained.Remaining, drained.QuarantineTotal));

        var after = OutboxChecks.Run("lab", outbox);
        Assert.Equal(CheckStatus.Warn, after.Status);
        Assert.Contains($"1 unreadable outbox line(s) were quarantined in {outbox.QuarantinePath} and never sent", after.Detail);
        Assert.Contains("then delete the file", after.Detail);

        File.Delete(outbox.QuarantinePath); // a person dealt with it
        Assert.Equal(CheckStatus.Pass, OutboxChecks.Run("lab", outbox).Status);
    }

    public void Dispose() => folder.Dispose();
}
