using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Protocols;

namespace BuzzKeyMgmt.Sandbox.Iam;

/// <summary>
/// Which IAM reads each caller may make: the root everything; the IAM users "operator", "approver1" and "approver2"
/// iam:GetRole on any role and iam:ListMFADevices on themselves (the usual self-service MFA policy); "trainee" nothing;
/// role sessions nothing (the three roles grant KMS actions only). Everything else is AccessDenied (403) worded as IAM
/// words it.
/// </summary>
internal static class IamPermissions
{
    public static bool MayGetRole(CallerIdentity caller) => caller.Kind switch
    {
        CallerKind.Root => true,
        CallerKind.User => caller.Principal?.Name != IdentityStore.NoKmsUser,
        _ => false,
    };

    public static bool MayListMfaDevices(CallerIdentity caller, string userName) => caller.Kind switch
    {
        CallerKind.Root => true,
        CallerKind.User => caller.Principal is { } p && p.Name != IdentityStore.NoKmsUser && p.Name == userName,
        _ => false,
    };

    /// <param name="resource">As IAM names it in the message: "role NAME", "user NAME".</param>
    public static AwsError Denied(CallerIdentity caller, string action, string resource) =>
        new("AccessDenied", $"User: {caller.Arn} is not authorized to perform: iam:{action} on resource: {resource} " +
                            $"because no identity-based policy allows the iam:{action} action", 403);
}
