using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Kms;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Signing;
using BuzzKeyMgmt.Sandbox.Sns;
using BuzzKeyMgmt.Sandbox.Sts;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>
/// Everything a request may touch: identities, signature checks, realism switches, request counts, STS (global, as IAM
/// identities are) and per account and Region KMS, its quotas and SNS (the caller's account, that of the role it assumed,
/// and the SigV4 credential scope's Region pick which: as on AWS, each account-Region has its own keys and quotas).
/// </summary>
internal sealed class SandboxServices
{
    public required string AccountId { get; init; }
    public required ServedRegions Regions { get; init; }

    /// <summary>The member accounts' Regions (the same names as <see cref="Regions"/>), by account id.</summary>
    public IReadOnlyDictionary<string, ServedRegions> MemberAccounts { get; init; } = new Dictionary<string, ServedRegions>();
    public required IdentityStore Identities { get; init; }
    public required SigV4Verifier Verifier { get; init; }
    public required FaultInjector Faults { get; init; }
    public required RequestCounter Requests { get; init; }
    public required Func<bool> EnforceQuotas { get; init; }
    public required StsService Sts { get; init; }

    /// <summary>The Regions of an account: a member account's, else the sandbox's own.</summary>
    public ServedRegions RegionsOf(string accountId) => MemberAccounts.TryGetValue(accountId, out var member) ? member : Regions;

    /// <summary>The KMS of an account in a served Region (the caller's account, the request's signing Region).</summary>
    public KmsService KmsIn(string accountId, string region) => RegionsOf(accountId)[region].Kms;
    /// <summary>The KMS request quotas of an account in a served Region: as on AWS, per account and Region.</summary>
    public KmsQuotas QuotasIn(string accountId, string region) => RegionsOf(accountId)[region].Quotas;
    /// <summary>The SNS of an account in a served Region (the caller's account, the request's signing Region).</summary>
    public SnsService SnsIn(string accountId, string region) => RegionsOf(accountId)[region].Sns;
    public required Iam.IamService Iam { get; init; }
}
