using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Kms;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Signing;
using BuzzKeyMgmt.Sandbox.Sns;
using BuzzKeyMgmt.Sandbox.Sts;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>Everything a request may touch: identities, signature checks, realism switches, request counts and the three services.</summary>
internal sealed class SandboxServices
{
    public required string AccountId { get; init; }
    public required string Region { get; init; }
    public required IdentityStore Identities { get; init; }
    public required SigV4Verifier Verifier { get; init; }
    public required FaultInjector Faults { get; init; }
    public required RequestCounter Requests { get; init; }
    public required KmsQuotas Quotas { get; init; }
    public required Func<bool> EnforceQuotas { get; init; }
    public required KmsService Kms { get; init; }
    public required StsService Sts { get; init; }
    public required SnsService Sns { get; init; }
    public required Iam.IamService Iam { get; init; }
}
