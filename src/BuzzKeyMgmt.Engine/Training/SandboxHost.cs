using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Sandbox;
using BuzzKeyMgmt.Sandbox.Identity;

namespace BuzzKeyMgmt.Engine.Training;

/// <summary>
/// The sandbox of one context (one PowerShell runspace), for training, drills and tests. Starting it registers, in that
/// context only, the environments "sandbox" (the IAM user "operator"), "sandbox-approver1" and "sandbox-approver2" (the two
/// approvers: separation of duties) and "sandbox-trainee" (a user without any KMS permission). Each uses that user's own
/// access key and MFA device, and the sandbox clock, and anchors its audit chain: signed digests (by the sandbox's
/// <c>alias/buzzkeymgmt-audit-digest</c>) in <c>digests/&lt;store name&gt;</c> beside the SQLite store. Stopping it removes
/// them and closes their sessions. With member accounts (<see cref="MemberAccountId"/>), each account-Region is one more
/// environment, "sandbox-acct&lt;n&gt;-&lt;region&gt;": the operator's own access key, that account's roles (assumed
/// across accounts, as from a security team's hub account), its own keys, quotas and alert topic in that Region.
/// </summary>
public sealed class SandboxHost(EnvironmentCatalog environments, Context.SessionRegistry sessions)
{
    public const string EnvironmentName = "sandbox";
    private readonly object _gate = new();
    private SandboxServer? _current;

    public SandboxServer? Current => Volatile.Read(ref _current);

    public SandboxServer Require() => Current
        ?? throw new KeyMgmtException("SandboxNotRunning", FailureKind.InvalidOperation, "No sandbox is running in this session.",
            "Start one with Start-KeyMgmtSandbox.");

    /// <summary>The id of member account <paramref name="n"/> (1-based): 222200001111, 222200002222, …: distinct and stable.</summary>
    public static string MemberAccountId(int n) => (222200000000L + n * 1111L).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The environments of the sandbox's member accounts, one per account and Region.</summary>
    public static IEnumerable<string> MemberEnvironmentNames(SandboxServer server) => MemberEnvironments(server).Select(e => e.Name);

    public SandboxServer Start(int port, bool enforceQuotas, TimeSpan dateHeaderSkew = default, int memberAccounts = 0)
    {
        lock (_gate)
        {
            if (_current is not null)
                throw new KeyMgmtException("SandboxAlreadyRunning", FailureKind.InvalidOperation,
                    $"A sandbox is already running at {_current.Endpoint}.", "Use it, or stop it first with Stop-KeyMgmtSandbox.");
            SandboxServer server;
            try
            {
                server = SandboxServer.Start(new SandboxOptions
                {
                    Port = port, EnforceQuotas = enforceQuotas, DateHeaderSkew = dateHeaderSkew, AuditDigestKey = true,
                    MemberAccounts = Enumerable.Range(1, memberAccounts).Select(MemberAccountId).ToList(),
                });
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                throw new KeyMgmtException("SandboxPortUnavailable", FailureKind.ResourceUnavailable,
                    $"The sandbox cannot listen on 127.0.0.1:{port}: {ex.Message}", "Pick another -Port, or omit it for a free one.", ex);
            }
            foreach (var (name, user) in EnvironmentUsers(server))
                environments.Register(ToEnvironment(server, name, user));
            foreach (var member in MemberEnvironments(server)) environments.Register(member);
            _current = server;
            return server;
        }
    }

    public bool Stop()
    {
        lock (_gate)
        {
            if (_current is not { } server) return false;
            var names = EnvironmentUsers(server).Select(e => e.Name).Concat(MemberEnvironmentNames(server)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var name in names) environments.Unregister(name);
            sessions.RemoveWhere(s => s.EnvironmentInfo.Source == "session" && names.Contains(s.Environment));
            server.Stop();
            _current = null;
            return true;
        }
    }

    private static IEnumerable<(string Name, SandboxPrincipal User)> EnvironmentUsers(SandboxServer server)
    {
        yield return (EnvironmentName, server.User("operator"));
        yield return (EnvironmentName + "-approver1", server.User("approver1"));
        yield return (EnvironmentName + "-approver2", server.User("approver2"));
        yield return (EnvironmentName + "-trainee", server.User("trainee"));
    }

    private static IEnumerable<KeyMgmtEnvironment> MemberEnvironments(SandboxServer server)
    {
        var user = server.User("operator");
        var n = 0;
        foreach (var account in server.MemberAccounts)
        {
            n++;
            foreach (var region in server.Regions)
                yield return new KeyMgmtEnvironment
                {
                    Name = $"{EnvironmentName}-acct{n}-{region}",
                    Region = region,
                    AccountId = account,
                    AdminRoleArn = server.RoleArnIn(account, "Admin"),
                    EmergencyRoleArn = server.RoleArnIn(account, "Emergency"),
                    RecoveryRoleArn = server.RoleArnIn(account, "Recovery"),
                    MfaSerialNumber = user.MfaSerial,
                    AlertTopicArn = server.AlertTopicArnIn(account, region),
                    EndpointUrl = server.Endpoint,
                    IsProduction = false,
                    Source = "session",
                    BaseCredentials = new BasicAWSCredentials(user.AccessKeyId, user.SecretAccessKey),
                    Clock = server.Clock,
                };
        }
    }

    private static KeyMgmtEnvironment ToEnvironment(SandboxServer server, string name, SandboxPrincipal user) => new()
    {
        Name = name,
        Region = server.Region,
        AccountId = server.AccountId,
        AdminRoleArn = server.AdminRoleArn,
        EmergencyRoleArn = server.EmergencyRoleArn,
        RecoveryRoleArn = server.RecoveryRoleArn,
        MfaSerialNumber = user.MfaSerial,
        AlertTopicArn = server.AlertTopicArn,
        AuditDigests = new AuditDigestSettings(null, server.AuditDigestKeyAlias),   // digests beside the store, signed by the sandbox's digest key
        EndpointUrl = server.Endpoint,
        IsProduction = false,
        Source = "session",
        BaseCredentials = new BasicAWSCredentials(user.AccessKeyId, user.SecretAccessKey),
        Clock = server.Clock,
    };
}
