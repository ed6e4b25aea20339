using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Kms;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Signing;
using BuzzKeyMgmt.Sandbox.Sns;
using BuzzKeyMgmt.Sandbox.Sts;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>
/// Everything a request may touch: identities, signature checks, realism switches, request counts, STS (global, as IAM
/// identities are) and per Region KMS, its quotas and SNS (the SigV4 credential scope's Region picks which).
/// </summary>
internal sealed class SandboxServices
{
    public required string AccountId { get; init; }
    public required ServedRegions Regions { get; init; }
    public required IdentityStore Identities { get; init; }
    public required SigV4Verifier Verifier { get; init; }
    public required FaultInjector Faults { get; init; }
    public required RequestCounter Requests { get; init; }
    public required Func<bool> EnforceQuotas { get; init; }
    public required StsService Sts { get; init; }

    /// <summary>The KMS of a served Region (the request's signing Region).</summary>
    public KmsService KmsIn(string region) => Regions[region].Kms;
    /// <summary>The KMS request quotas of a served Region: as on AWS, per account and Region.</summary>
    public KmsQuotas QuotasIn(string region) => Regions[region].Quotas;
    /// <summary>The SNS of a served Region (the request's signing Region).</summary>
    public SnsService SnsIn(string region) => Regions[region].Sns;
    public required Iam.IamService Iam { get; init; }
}
