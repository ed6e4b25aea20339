using System.Collections.Concurrent;

namespace BuzzKeyMgmt.Sandbox.Identity;

/// <summary>
/// Every identity the sandbox knows: the account root, the IAM users "operator", "approver1", "approver2", "trainee", the three
/// roles, the same three roles in each member account (<see cref="AddMemberAccount"/>: they trust this account's users, so
/// one operator reaches every account with the same access key, as through a hub account), and the temporary credentials
/// handed out by AssumeRole (kept by access key id).
/// </summary>
internal sealed class IdentityStore
{
    public static readonly string[] UserNames = ["operator", "approver1", "approver2", "trainee"];

    /// <summary>The IAM user with no KMS permission at all (STS and SNS only): shows what "access denied" looks like.</summary>
    public const string NoKmsUser = "trainee";
    private readonly ConcurrentDictionary<string, CallerIdentity> _byAccessKey = new(StringComparer.Ordinal);

    public IdentityStore(string accountId)
    {
        AccountId = accountId;
        Root = NewPrincipal("root", $"arn:aws:iam::{accountId}:root", accountId, $"arn:aws:iam::{accountId}:mfa/root-account-mfa-device");
        Add(CallerKind.Root, Root);
        var users = new List<SandboxPrincipal>();
        foreach (var name in UserNames)
        {
            var p = NewPrincipal(name, $"arn:aws:iam::{accountId}:user/{name}", IdGenerator.UniqueId("AIDA"), $"arn:aws:iam::{accountId}:mfa/{name}");
            users.Add(p);
            Add(CallerKind.User, p);
        }
        Users = users;
        Roles =
        [
            NewRole(RoleKind.Admin, "BuzzKeyMgmtAdmin", requiresMfa: false),
            NewRole(RoleKind.Emergency, "BuzzKeyMgmtEmergency", requiresMfa: true),
            NewRole(RoleKind.Recovery, "BuzzKeyMgmtRecovery", requiresMfa: true),
        ];
    }

    public string AccountId { get; }
    public SandboxPrincipal Root { get; }
    public IReadOnlyList<SandboxPrincipal> Users { get; }
    public IReadOnlyList<SandboxRole> Roles { get; }
    private readonly ConcurrentDictionary<string, IReadOnlyList<SandboxRole>> _memberRoles = new(StringComparer.Ordinal);

    public SandboxRole Role(RoleKind kind) => Roles.First(r => r.Kind == kind);

    /// <summary>A role of this account or of a member account, by ARN.</summary>
    public SandboxRole? RoleByArn(string arn) => Roles.FirstOrDefault(r => r.Arn == arn)
        ?? (arn.Split(':') is { Length: > 4 } parts && _memberRoles.TryGetValue(parts[4], out var member) ? member.FirstOrDefault(r => r.Arn == arn) : null);

    /// <summary>The role of <paramref name="kind"/> in <paramref name="accountId"/> (this account or a member account).</summary>
    public SandboxRole Role(RoleKind kind, string accountId) =>
        accountId == AccountId ? Role(kind) : _memberRoles[accountId].First(r => r.Kind == kind);

    /// <summary>Adds the three BuzzKeyMgmt roles in another account, trusting this account's users.</summary>
    public void AddMemberAccount(string accountId) => _memberRoles.TryAdd(accountId,
    [
        NewRole(RoleKind.Admin, "BuzzKeyMgmtAdmin", requiresMfa: false, accountId),
        NewRole(RoleKind.Emergency, "BuzzKeyMgmtEmergency", requiresMfa: true, accountId),
        NewRole(RoleKind.Recovery, "BuzzKeyMgmtRecovery", requiresMfa: true, accountId),
    ]);
    public SandboxRole? RoleByName(string name) => Roles.FirstOrDefault(r => r.Name == name);

    public CallerIdentity? Find(string accessKeyId) => _byAccessKey.GetValueOrDefault(accessKeyId);

    /// <summary>The MFA device owner for a serial, or null.</summary>
    public SandboxPrincipal? PrincipalByMfaSerial(string serial) =>
        Root.MfaSerial == serial ? Root : Users.FirstOrDefault(u => u.MfaSerial == serial);

    /// <summary>Issues temporary credentials for a role session, valid until <paramref name="expiration"/> (sandbox time).</summary>
    public CallerIdentity IssueSession(SandboxRole role, string sessionName, DateTimeOffset expiration, string? sourceIdentity, SandboxPrincipal principal)
    {
        var session = new CallerIdentity(CallerKind.AssumedRole,
            $"arn:aws:sts::{role.AccountId}:assumed-role/{role.Name}/{sessionName}", $"{role.RoleId}:{sessionName}",
            IdGenerator.AccessKeyId(temporary: true), IdGenerator.Secret(), IdGenerator.SessionToken(),
            expiration, role.Name, sourceIdentity, principal);
        _byAccessKey[session.AccessKeyId] = session;
        return session;
    }

    private void Add(CallerKind kind, SandboxPrincipal p) =>
        _byAccessKey[p.AccessKeyId] = new CallerIdentity(kind, p.Arn, p.UserId, p.AccessKeyId, p.SecretAccessKey, null, null, null, null, p);

    private static SandboxPrincipal NewPrincipal(string name, string arn, string userId, string mfaSerial) =>
        new(name, arn, userId, IdGenerator.AccessKeyId(temporary: false), IdGenerator.Secret(), mfaSerial, MfaVerifier.NewSecret());

    private SandboxRole NewRole(RoleKind kind, string name, bool requiresMfa, string? accountId = null) =>
        new(kind, name, $"arn:aws:iam::{accountId ?? AccountId}:role/{name}", IdGenerator.UniqueId("AROA"), requiresMfa, 3600);
}
