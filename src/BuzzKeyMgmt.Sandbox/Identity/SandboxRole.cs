namespace BuzzKeyMgmt.Sandbox.Identity;

/// <summary>The three BuzzKeyMgmt roles; each grants a fixed set of KMS actions (see <c>RolePermissions</c>).</summary>
internal enum RoleKind { Admin, Emergency, Recovery }

/// <summary>An IAM role the sandbox's principals may assume.</summary>
internal sealed record SandboxRole(RoleKind Kind, string Name, string Arn, string RoleId, bool RequiresMfa, int MaxSessionSeconds);
