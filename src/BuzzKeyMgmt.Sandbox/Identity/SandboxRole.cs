namespace BuzzKeyMgmt.Sandbox.Identity;

/// <summary>The three BuzzKeyMgmt roles; each grants a fixed set of KMS actions (see <c>RolePermissions</c>).</summary>
internal enum RoleKind { Admin, Emergency, Recovery }

/// <summary>An IAM role the sandbox's principals may assume, in the sandbox's account or in one of its member accounts
/// (whose roles trust the sandbox's account, as a security team's roles in workload accounts trust its own account).</summary>
internal sealed record SandboxRole(RoleKind Kind, string Name, string Arn, string RoleId, bool RequiresMfa, int MaxSessionSeconds)
{
    /// <summary>The account the role is in (and the account its sessions act in).</summary>
    public string AccountId => Arn.Split(':')[4];
}
