namespace BuzzKeyMgmt.Sandbox;

/// <summary>How to start a <see cref="SandboxServer"/>.</summary>
public sealed class SandboxOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }
    /// <summary>Apply the per-operation request quotas (token buckets on real time). Default true.</summary>
    public bool EnforceQuotas { get; set; } = true;
    /// <summary>Account of every ARN the sandbox issues. Default "111122223333".</summary>
    public string AccountId { get; set; } = "111122223333";
    /// <summary>
    /// The primary Region: the one <see cref="SandboxServer.Kms"/>, <see cref="SandboxServer.AlertTopicArn"/> and seeding use.
    /// Default "us-east-1".
    /// </summary>
    public string Region { get; set; } = "us-east-1";
    /// <summary>
    /// More Regions served on the same endpoint, the SigV4 credential scope's Region choosing which: each has its own KMS keys,
    /// KMS quotas and SNS topics, as AWS Regions do. A scope naming any other Region is refused. Names equal to
    /// <see cref="Region"/> or repeated are ignored. Default ["eu-west-2"]; empty serves <see cref="Region"/> alone.
    /// </summary>
    public IList<string> AdditionalRegions { get; set; } = new List<string> { "eu-west-2" };
    /// <summary>
    /// Member accounts (12-digit ids, distinct from <see cref="AccountId"/> and each other), as a security team's production,
    /// staging and DR accounts: each has the three BuzzKeyMgmt roles (same names, trusting this account's users, so the IAM
    /// users reach them with STS AssumeRole from their own access keys) and, in every served Region, its own KMS keys, KMS
    /// quotas and SNS topics. Default empty.
    /// </summary>
    public IList<string> MemberAccounts { get; set; } = new List<string>();
    /// <summary>Added to the real time written in every response's Date header, to simulate a skewed endpoint.</summary>
    public TimeSpan DateHeaderSkew { get; set; }
    /// <summary>How long a started request may take to arrive completely before it gets 408 RequestTimeout. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// How long (sandbox clock) an accepted RotateKeyOnDemand runs before it completes, as AWS runs it in the background:
    /// meanwhile GetKeyRotationStatus reports OnDemandRotationStartDate and another RotateKeyOnDemand is a ConflictException.
    /// Default 2 s; zero completes it within the call. Changeable later through <see cref="Kms.KmsService.OnDemandRotationDuration"/>.
    /// </summary>
    public TimeSpan OnDemandRotationDuration { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// Whether the primary Region starts with the account's audit digest key (<see cref="SandboxServer.AuditDigestKeyAlias"/>),
    /// as an account prepared for BuzzKeyMgmt has it: the module's sandbox (Start-KeyMgmtSandbox) turns it on so its
    /// environments sign audit digests. Default false: a bare sandbox holds only the keys its user makes (and AWS's managed ones).
    /// </summary>
    public bool AuditDigestKey { get; set; }
}
