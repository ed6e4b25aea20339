using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Tests.Audit;
using BuzzKeyMgmt.Sandbox;

namespace BuzzKeyMgmt.Engine.Tests.Operations;

/// <summary>
/// A real context with its own sandbox (KMS, STS, SNS over HTTP, SigV4 checked), a real SQLite audit store, journal and
/// alert outbox in a fresh folder, and sessions connected through STS as the cmdlets connect them. Nothing is mocked.
/// </summary>
public sealed class RunnerHarness : IDisposable
{
    private readonly TempDirectory _folder = new();
    private int _keys;
    private AmazonKeyManagementServiceClient? _rootKms;

    public RunnerHarness(bool quotas = false, Func<string?>? resolveAddress = null)
    {
        Context = new KeyMgmtContext(new ClientHost(resolveAddress ?? (() => "192.0.2.10")));
        Server = Context.Sandbox.Start(0, enforceQuotas: quotas);
        Store = new SqliteAuditStore(_folder.File("audit.db"));
        Store.Migrate();
        Journal = new AuditJournal(_folder.File("journal", "audit.jsonl"));
        Trail = new AuditTrail(Store, Journal);
        Outbox = new AlertOutbox(_folder.File("outbox", "sandbox.jsonl"));
    }

    public KeyMgmtContext Context { get; }
    public SandboxServer Server { get; }
    public SqliteAuditStore Store { get; }
    public AuditJournal Journal { get; }
    public AuditTrail Trail { get; }
    public AlertOutbox Outbox { get; }

    /// <summary>Connects as a sandbox user (operator, approver1, approver2, trainee) with a role; MFA from that user's device.</summary>
    public async Task<KeyMgmtSession> ConnectAsync(KeyMgmtRole role = KeyMgmtRole.Admin, string user = "operator", string? incident = "INC-2026-0042",
        string? change = null)
    {
        var environment = user == "operator" ? "sandbox" : "sandbox-" + user;
        var mfa = role is KeyMgmtRole.Emergency or KeyMgmtRole.Recovery ? Mfa(user) : null;
        var session = await Context.ConnectAsync(new ConnectRequest(environment, role, mfa, IncidentId: change is null ? incident : null, ChangeId: change),
            CancellationToken.None);
        Context.Sessions.Add(session);
        return session;
    }

    public string Mfa(string user = "operator") => Server.GetMfaCode(Server.User(user).MfaSerial);

    public OperationRunner Runner(KeyMgmtSession session, IEngineEvents? events = null, TimeSpan? grace = null) =>
        new(Context, session, events, Trail, Outbox) { GracePeriod = grace ?? OperationRunner.DefaultGracePeriod };

    /// <summary>A new enabled key with its own alias; returns the alias reference.</summary>
    public KeyReference NewKey()
    {
        var prefix = $"alias/op{Interlocked.Increment(ref _keys)}-";
        Server.SeedKeys(1, prefix, rotationMix: false);
        return KeyReference.Parse(prefix + "1");
    }

    /// <summary>A KMS client as the account root, for checks and set-up the module does not do.</summary>
    public AmazonKeyManagementServiceClient RootKms => _rootKms ??= new AmazonKeyManagementServiceClient(
        new BasicAWSCredentials(Server.Root.AccessKeyId, Server.Root.SecretAccessKey),
        new AmazonKeyManagementServiceConfig { ServiceURL = Server.Endpoint, AuthenticationRegion = Server.Region });

    public KeyMetadata Describe(KeyReference key) =>
        RootKms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.Value }).GetAwaiter().GetResult().KeyMetadata;

    public string KeyIdOf(KeyReference key) => Describe(key).KeyId;

    public string StateOf(KeyReference key) => Describe(key).KeyState.Value;

    /// <summary>The audit rows of an operation id, oldest first.</summary>
    public IReadOnlyList<AuditRecord> Rows(Guid operationId) =>
        Store.Query(new AuditQuery { OperationId = operationId }).OrderBy(r => r.Sequence).ToList();

    /// <summary>Every row for a key, oldest first.</summary>
    public IReadOnlyList<AuditRecord> RowsFor(string keyId) =>
        Store.Query(new AuditQuery { KeyId = keyId }).OrderBy(r => r.Sequence).ToList();

    public void Dispose()
    {
        _rootKms?.Dispose();
        Context.Dispose();
        _folder.Dispose();
    }
}
