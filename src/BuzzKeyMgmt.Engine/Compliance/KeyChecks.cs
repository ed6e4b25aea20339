using BuzzKeyMgmt.Engine.Rotation;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Compliance;

/// <summary>What the audit log says about keys that are out of service (read once per run, not per key).</summary>
public sealed record RevocationRecords(IReadOnlySet<string> EmergencyRevoked, IReadOnlySet<string> Revoked)
{
    public static readonly RevocationRecords None = new(new HashSet<string>(), new HashSet<string>());
}

/// <summary>
/// The per-key checks of Get-KeyCompliance, from the key as read (with its rotation history), the policy and the audit
/// log's revocation records. Rotation is judged exactly as Get-KeyRotationDue judges it (<see cref="RotationEvaluator"/>):
/// the newest rotation, or creation, plus the policy's period.
/// </summary>
public static class KeyChecks
{
    public static IReadOnlyList<ComplianceFinding> Evaluate(KeyStatus key, Policy.PolicySettings policy, DateTimeOffset now, RevocationRecords records)
    {
        var findings = new List<ComplianceFinding>(ComplianceChecks.PerKey.Count);
        void Add(string check, ComplianceStatus status, string detail) => findings.Add(new ComplianceFinding
        {
            KeyId = key.KeyId, Alias = key.Alias, Environment = key.Environment, AccountId = key.AccountId, Region = key.Region, Check = check, Status = status, Detail = detail,
            Requirement = ComplianceChecks.Requirement(check),
        });
        var period = policy.RotationPeriodDays;
        var inService = key.State == "Enabled";
        var rotatable = RotationEvaluator.CanRotate(key);
        var awsManaged = key.KeyManager == "AWS";
        var since = key.LastRotationDate ?? key.CreationDate ?? now;
        var age = (int)Math.Floor((now - since).TotalDays);
        var what = key.LastRotationDate is null ? "created" : "last rotated";

        if (!inService) Add(ComplianceChecks.RotationEnabled, ComplianceStatus.NotApplicable, $"the key is {key.State}: not in use");
        else if (awsManaged) Add(ComplianceChecks.RotationEnabled, ComplianceStatus.NotApplicable, "AWS managed: AWS rotates it every year");
        else if (!rotatable) Add(ComplianceChecks.RotationEnabled, ComplianceStatus.NotApplicable, $"{key.KeySpec} ({key.Origin}): KMS cannot rotate it; judged by age");
        else Add(ComplianceChecks.RotationEnabled, key.RotationEnabled == true ? ComplianceStatus.Pass : ComplianceStatus.Fail,
            key.RotationEnabled == true ? "automatic rotation is on" : "automatic rotation is off");

        if (!inService || awsManaged || !rotatable || key.RotationEnabled != true)
            Add(ComplianceChecks.RotationPeriod, ComplianceStatus.NotApplicable, "no automatic rotation to judge");
        else Add(ComplianceChecks.RotationPeriod, key.RotationPeriodDays <= period ? ComplianceStatus.Pass : ComplianceStatus.Fail,
            $"rotates every {key.RotationPeriodDays} days; the policy allows {period}");

        if (!inService) Add(ComplianceChecks.RotationRecent, ComplianceStatus.NotApplicable, $"the key is {key.State}: not in use");
        else if (awsManaged) Add(ComplianceChecks.RotationRecent, ComplianceStatus.NotApplicable, "AWS managed: rotated by AWS every year");
        else Add(ComplianceChecks.RotationRecent, age <= period ? ComplianceStatus.Pass : ComplianceStatus.Fail,
            $"{what} {since:yyyy-MM-dd}, {age} days ago; the policy allows {period}" + (rotatable ? "" : " (replace the key: KMS cannot rotate it)"));

        if (key.State != "PendingDeletion") Add(ComplianceChecks.PendingDeletionExplained, ComplianceStatus.NotApplicable, "not pending deletion");
        else Add(ComplianceChecks.PendingDeletionExplained, Recorded(records.EmergencyRevoked, key) ? ComplianceStatus.Pass : ComplianceStatus.Fail,
            Recorded(records.EmergencyRevoked, key)
                ? $"pending deletion (deletion date {key.DeletionDate:yyyy-MM-dd}) after an emergency revocation in the audit log"
                : $"pending deletion (deletion date {key.DeletionDate:yyyy-MM-dd}) with no emergency revocation in the audit log");

        var (sizeStatus, sizeDetail) = KeySize(key.KeySpec, policy.MinimumRsaKeyBits);
        Add(ComplianceChecks.KeySize, sizeStatus, sizeDetail);

        if (key.State != "Disabled") Add(ComplianceChecks.DisabledExplained, ComplianceStatus.NotApplicable, "not disabled");
        else Add(ComplianceChecks.DisabledExplained, Recorded(records.Revoked, key) ? ComplianceStatus.Pass : ComplianceStatus.Fail,
            Recorded(records.Revoked, key) ? "disabled by a revocation in the audit log" : "disabled with no audit record that explains it");
        return findings;
    }

    private static bool Recorded(IReadOnlySet<string> keys, KeyStatus key) =>
        keys.Contains(key.KeyId) || keys.Contains(key.Arn) || key.Aliases.Any(keys.Contains);

    /// <summary>RSA against the policy's minimum; symmetric keys are AES-256; elliptic curves and HMAC by their size.</summary>
    public static (ComplianceStatus Status, string Detail) KeySize(string? spec, int minimumRsaBits)
    {
        if (spec is null) return (ComplianceStatus.NotApplicable, "key spec unknown");
        if (spec == "SYMMETRIC_DEFAULT") return (ComplianceStatus.Pass, "AES-256 (symmetric)");
        if (spec.StartsWith("RSA_", StringComparison.Ordinal) && int.TryParse(spec[4..], out var bits))
            return bits >= minimumRsaBits ? (ComplianceStatus.Pass, $"RSA {bits} bits; the policy requires {minimumRsaBits}")
                : (ComplianceStatus.Fail, $"RSA {bits} bits; the policy requires at least {minimumRsaBits}");
        if (spec.StartsWith("HMAC_", StringComparison.Ordinal) && int.TryParse(spec[5..], out var mac))
            return mac >= 256 ? (ComplianceStatus.Pass, $"HMAC with a {mac}-bit key") : (ComplianceStatus.Fail, $"HMAC with a {mac}-bit key; at least 256 bits expected");
        if (spec.StartsWith("ECC_", StringComparison.Ordinal)) return (ComplianceStatus.Pass, $"{spec} (elliptic curve; the RSA minimum does not apply)");
        return (ComplianceStatus.NotApplicable, $"{spec}: no size rule");
    }
}
