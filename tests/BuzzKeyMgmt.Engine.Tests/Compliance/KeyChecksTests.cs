using BuzzKeyMgmt.Engine.Compliance;
using BuzzKeyMgmt.Engine.Policy;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Tests.Compliance;

/// <summary>The per-key checks against the seeded policy (90 days, RSA 3072), one key shape at a time.</summary>
public sealed class KeyChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static KeyStatus Key(string state = "Enabled", string spec = "SYMMETRIC_DEFAULT", bool? rotation = true, int? period = 90,
        int? rotatedDaysAgo = 10, string manager = "CUSTOMER", string id = "1234abcd-12ab-34cd-56ef-1234567890ab", int createdDaysAgo = 400) => new()
    {
        KeyId = id, Arn = "arn:aws:kms:us-east-1:111122223333:key/" + id, Aliases = ["alias/k"], State = state, Enabled = state == "Enabled",
        KeySpec = spec, KeyManager = manager, Origin = "AWS_KMS", CreationDate = Now.AddDays(-createdDaysAgo), RotationEnabled = rotation,
        RotationPeriodDays = rotation == true ? period : null, LastRotationDate = rotatedDaysAgo is { } d ? Now.AddDays(-d) : null,
        DeletionDate = state == "PendingDeletion" ? Now.AddDays(7) : null, Environment = "prod",
    };

    private static Dictionary<string, ComplianceFinding> Judge(KeyStatus key, RevocationRecords? records = null) =>
        KeyChecks.Evaluate(key, PolicySettings.Defaults, Now, records ?? RevocationRecords.None).ToDictionary(f => f.Check);

    [Fact]
    public void A_healthy_key_passes_every_check_that_applies_and_each_finding_names_its_requirement()
    {
        var f = Judge(Key());
        Assert.Equal(ComplianceChecks.PerKey, f.Keys);
        Assert.Equal(ComplianceStatus.Pass, f[ComplianceChecks.RotationEnabled].Status);
        Assert.Equal(ComplianceStatus.Pass, f[ComplianceChecks.RotationPeriod].Status);
        Assert.Equal(ComplianceStatus.Pass, f[ComplianceChecks.RotationRecent].Status);
        Assert.Equal(ComplianceStatus.Pass, f[ComplianceChecks.KeySize].Status);
        Assert.Equal(ComplianceStatus.NotApplicable, f[ComplianceChecks.PendingDeletionExplained].Status);
        Assert.Equal(ComplianceStatus.NotApplicable, f[ComplianceChecks.DisabledExplained].Status);
        Assert.All(f.Values, x => Assert.StartsWith("PCI DSS 4.0.1 ", x.Requirement));
    }

    [Fact]
    public void Rotation_off_a_long_period_and_old_material_fail_with_what_is_wrong()
    {
        Assert.Equal(ComplianceStatus.Fail, Judge(Key(rotation: false))[ComplianceChecks.RotationEnabled].Status);
        var yearly = Judge(Key(period: 365))[ComplianceChecks.RotationPeriod];
        Assert.Equal((ComplianceStatus.Fail, "rotates every 365 days; the policy allows 90"), (yearly.Status, yearly.Detail));
        var old = Judge(Key(rotatedDaysAgo: 120))[ComplianceChecks.RotationRecent];
        Assert.Equal(ComplianceStatus.Fail, old.Status);
        Assert.Contains("120 days ago", old.Detail);
        Assert.Contains("created", Judge(Key(rotatedDaysAgo: null))[ComplianceChecks.RotationRecent].Detail);
    }

    [Theory]
    [InlineData("RSA_2048", ComplianceStatus.Fail)]
    [InlineData("RSA_3072", ComplianceStatus.Pass)]
    [InlineData("RSA_4096", ComplianceStatus.Pass)]
    [InlineData("ECC_NIST_P256", ComplianceStatus.Pass)]
    [InlineData("HMAC_224", ComplianceStatus.Fail)]
    [InlineData("HMAC_256", ComplianceStatus.Pass)]
    public void Key_size_follows_the_policy_minimum_for_RSA(string spec, ComplianceStatus expected) =>
        Assert.Equal(expected, Judge(Key(spec: spec, rotation: false))[ComplianceChecks.KeySize].Status);

    [Fact]
    public void Keys_kms_cannot_rotate_are_judged_by_age_only()
    {
        var young = Judge(Key(spec: "RSA_3072", rotation: false, rotatedDaysAgo: null, createdDaysAgo: 30));
        Assert.Equal(ComplianceStatus.NotApplicable, young[ComplianceChecks.RotationEnabled].Status);
        Assert.Equal(ComplianceStatus.Pass, young[ComplianceChecks.RotationRecent].Status);
        var old = Judge(Key(spec: "RSA_3072", rotation: false, rotatedDaysAgo: null));
        Assert.Equal(ComplianceStatus.Fail, old[ComplianceChecks.RotationRecent].Status);
        Assert.Contains("replace the key", old[ComplianceChecks.RotationRecent].Detail);
    }

    [Fact]
    public void A_disabled_or_pending_deletion_key_must_be_explained_by_the_audit_log()
    {
        var id = Guid.NewGuid().ToString();
        var records = new RevocationRecords(new HashSet<string> { "alias/k" }, new HashSet<string> { id });
        Assert.Equal(ComplianceStatus.Pass, Judge(Key(state: "Disabled", id: id), records)[ComplianceChecks.DisabledExplained].Status);
        Assert.Equal(ComplianceStatus.Fail, Judge(Key(state: "Disabled"), records)[ComplianceChecks.DisabledExplained].Status);
        Assert.Equal(ComplianceStatus.Pass, Judge(Key(state: "PendingDeletion"), records)[ComplianceChecks.PendingDeletionExplained].Status);
        var unexplained = Judge(Key(state: "PendingDeletion"))[ComplianceChecks.PendingDeletionExplained];
        Assert.Equal(ComplianceStatus.Fail, unexplained.Status);
        Assert.Contains("no emergency revocation", unexplained.Detail);
        Assert.Equal(ComplianceStatus.NotApplicable, Judge(Key(state: "Disabled"))[ComplianceChecks.RotationRecent].Status);
    }

    [Fact]
    public void The_summary_counts_findings_per_check_and_status()
    {
        var findings = Judge(Key(rotation: false)).Values.Concat(Judge(Key(state: "Disabled", id: "other")).Values).ToList();
        var summary = ComplianceSummary.Of("prod", Now, findings);
        Assert.Equal((2, findings.Count(f => f.Status == ComplianceStatus.Fail)), (summary.Keys, summary.Fail));
        Assert.Equal(1, summary.Checks.Single(c => c.Check == ComplianceChecks.RotationEnabled).Fail);
        Assert.False(summary.Compliant);
    }
}
