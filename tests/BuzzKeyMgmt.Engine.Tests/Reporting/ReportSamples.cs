using System.Globalization;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Compliance;
using BuzzKeyMgmt.Engine.Policy;
using BuzzKeyMgmt.Engine.Reporting;

namespace BuzzKeyMgmt.Engine.Tests.Reporting;

/// <summary>Reports to render: a small mix of findings with hostile values, and a fleet of any size.</summary>
internal static class ReportSamples
{
    public static readonly DateTimeOffset At = new(2025, 6, 30, 12, 0, 0, TimeSpan.Zero);

    public const string ScriptDescription = "<script>alert(1)</script>";
    public const string QuotedAlias = "alias/o'brien \"billing\" & partners";
    public const string ImgTagValue = "\"><img src=x onerror=alert(1)>";
    public const string EmergencyReason = "<b>suspected leak</b> & rotate";
    public const string OperatorName = "o'connor & <admins>";
    public const string ErrorText = "User: <arn> is not authorized \"kms:ScheduleKeyDeletion\"";

    // The per-key checks in ComplianceChecks.PerKey order: RotationEnabled, RotationPeriod, RotationRecent,
    // PendingDeletionExplained, KeySize, DisabledExplained. P = Pass, F = Fail, N = NotApplicable.
    private static readonly (string Id, string? Alias, string State, string Spec, int? Days, string Statuses, string? Description, (string, string)[] Tags)[] MixedKeys =
    [
        ("11111111-1111-4111-8111-111111111111", "alias/payments-prod", "Enabled", "SYMMETRIC_DEFAULT", 10, "PPPNNN", "Card data at rest", [("team", "payments")]),
        ("22222222-2222-4222-8222-222222222222", QuotedAlias, "Enabled", "SYMMETRIC_DEFAULT", 200, "FNFNNN", "Billing & invoices", [("team", "billing")]),
        ("33333333-3333-4333-8333-333333333333", "alias/signing", "Enabled", "RSA_2048", null, "NNNNFN", ScriptDescription, [("owner", ImgTagValue)]),
        ("44444444-4444-4444-8444-444444444444", "alias/legacy", "Disabled", "SYMMETRIC_DEFAULT", 45, "PPPNNF", null, []),
        ("55555555-5555-4555-8555-555555555555", null, "PendingDeletion", "SYMMETRIC_DEFAULT", 400, "NNNPNN", "Retired 2024", []),
        ("66666666-6666-4666-8666-666666666666", "alias/reports", "Enabled", "SYMMETRIC_DEFAULT", 90, "PPPNNN", null, [("env", "prod"), ("cost-center", "42")]),
        ("77777777-7777-4777-8777-777777777777", "alias/archive", "Enabled", "SYMMETRIC_DEFAULT", 91, "PPFNNN", null, []),
        ("88888888-8888-4888-8888-888888888888", "alias/fresh", "Enabled", "SYMMETRIC_DEFAULT", 0, "PPPNNN", null, []),
    ];

    // Expected from the table above plus the store findings (AuditChainIntact P, NothingUnsynced P, DrillRecent F).
    public const int MixedKeysCount = 8, MixedPass = 17, MixedFail = 6, MixedNotApplicable = 28, MixedFailingKeys = 4;

    public static ComplianceReport Mixed(ChainVerification? chain = null, string? chainProblem = null, bool unreadableChain = false,
        PolicySettings? policy = null)
    {
        var keys = new List<ReportKey>();
        var findings = new List<ComplianceFinding>();
        foreach (var k in MixedKeys)
        {
            keys.Add(new ReportKey(k.Id, k.Alias, k.State, k.Description, k.Spec,
                k.Days is { } d ? At.AddDays(-d).AddHours(-1) : null, k.Days,
                k.Tags.ToDictionary(t => t.Item1, t => t.Item2)));
            for (var i = 0; i < ComplianceChecks.PerKey.Count; i++)
            {
                var status = k.Statuses[i] switch { 'P' => ComplianceStatus.Pass, 'F' => ComplianceStatus.Fail, _ => ComplianceStatus.NotApplicable };
                findings.Add(Finding(k.Id, k.Alias, ComplianceChecks.PerKey[i], status, Detail(ComplianceChecks.PerKey[i], status, k.Days, k.Spec)));
            }
        }
        findings.Add(Finding(null, null, ComplianceChecks.AuditChainIntact, ComplianceStatus.Pass, "1234 rows, every link intact"));
        findings.Add(Finding(null, null, ComplianceChecks.NothingUnsynced, ComplianceStatus.Pass, "Journal empty"));
        findings.Add(Finding(null, null, ComplianceChecks.DrillRecent, ComplianceStatus.Fail, "Last drill 2024-03-02 (485 days ago); policy: every 365 days"));

        return new ComplianceReport
        {
            GeneratedAt = At,
            Environment = "prod",
            AccountId = "123456789012",
            Region = "eu-west-1",
            GeneratedBy = "arn:aws:sts::123456789012:assumed-role/KeyAuditor/alice",
            Policy = policy ?? PolicySettings.Defaults,
            Summary = ComplianceSummary.Of("prod", At, findings),
            Findings = findings,
            Keys = keys,
            Chain = unreadableChain ? null : chain ?? new ChainVerification { RowsChecked = 1234, LastSequence = 1234, LastRowHash = new string('a', 64) },
            ChainProblem = chainProblem,
            RecentEmergencyOperations =
            [
                Record(1230, AuditOperations.Revoke, "33333333-3333-4333-8333-333333333333", "alias/signing", "INC-2025-0042",
                    AuditOutcome.Succeeded, EmergencyReason, null),
                Record(1234, AuditOperations.ScheduleDeletion, "55555555-5555-4555-8555-555555555555", null, "INC-2025-0043",
                    AuditOutcome.Failed, "retire compromised key", ErrorText),
            ],
        };
    }

    /// <summary>A fleet of <paramref name="keyCount"/> keys × 6 checks, with ids, aliases, descriptions, tags and details as
    /// long as real ones; about one key in eight fails something.</summary>
    public static ComplianceReport Fleet(int keyCount)
    {
        var keys = new List<ReportKey>(keyCount);
        var findings = new List<ComplianceFinding>(keyCount * 6 + 3);
        var random = new Random(7);
        for (var n = 0; n < keyCount; n++)
        {
            var id = new Guid(random.Next(), (short)random.Next(), (short)random.Next(), [.. Enumerable.Range(0, 8).Select(_ => (byte)random.Next(256))]).ToString();
            var alias = string.Create(CultureInfo.InvariantCulture, $"alias/svc-{n:D5}-{(n % 3 == 0 ? "prod" : "data")}");
            int? days = n % 17 == 0 ? null : random.Next(0, 500);
            var rsa = n % 50 == 0;
            var spec = rsa ? "RSA_2048" : "SYMMETRIC_DEFAULT";
            var state = n % 97 == 0 ? "Disabled" : n % 89 == 0 ? "PendingDeletion" : "Enabled";
            keys.Add(new ReportKey(id, alias, state, string.Create(CultureInfo.InvariantCulture, $"Encrypts customer records for service {n:D5} (S3, RDS)"),
                spec, days is { } d ? At.AddDays(-d) : null, days,
                new Dictionary<string, string> { ["team"] = "team-" + (n % 40).ToString(CultureInfo.InvariantCulture), ["env"] = "prod", ["data-class"] = "confidential" }));
            foreach (var check in ComplianceChecks.PerKey)
            {
                var status = check switch
                {
                    ComplianceChecks.RotationEnabled => rsa ? ComplianceStatus.NotApplicable : n % 23 == 0 ? ComplianceStatus.Fail : ComplianceStatus.Pass,
                    ComplianceChecks.RotationPeriod => rsa ? ComplianceStatus.NotApplicable : ComplianceStatus.Pass,
                    ComplianceChecks.RotationRecent => rsa ? ComplianceStatus.NotApplicable : days is null or > 90 ? ComplianceStatus.Fail : ComplianceStatus.Pass,
                    ComplianceChecks.PendingDeletionExplained => state == "PendingDeletion" ? ComplianceStatus.Pass : ComplianceStatus.NotApplicable,
                    ComplianceChecks.KeySize => rsa ? ComplianceStatus.Fail : ComplianceStatus.NotApplicable,
                    _ => state == "Disabled" ? ComplianceStatus.Fail : ComplianceStatus.NotApplicable,
                };
                findings.Add(Finding(id, alias, check, status, Detail(check, status, days, spec)));
            }
        }
        findings.Add(Finding(null, null, ComplianceChecks.AuditChainIntact, ComplianceStatus.Pass, "812345 rows, every link intact"));
        findings.Add(Finding(null, null, ComplianceChecks.NothingUnsynced, ComplianceStatus.Pass, "Journal empty"));
        findings.Add(Finding(null, null, ComplianceChecks.DrillRecent, ComplianceStatus.Pass, "Last drill 2025-05-14 (47 days ago)"));
        return new ComplianceReport
        {
            GeneratedAt = At,
            Environment = "prod",
            AccountId = "123456789012",
            Region = "eu-west-1",
            GeneratedBy = "arn:aws:sts::123456789012:assumed-role/KeyAuditor/alice",
            Policy = PolicySettings.Defaults,
            Summary = ComplianceSummary.Of("prod", At, findings),
            Findings = findings,
            Keys = keys,
            Chain = new ChainVerification { RowsChecked = 812345, LastSequence = 812345, LastRowHash = new string('b', 64) },
        };
    }

    private static string Detail(string check, ComplianceStatus status, int? days, string spec) => (check, status) switch
    {
        (ComplianceChecks.RotationEnabled, ComplianceStatus.Pass) => "Automatic rotation is enabled",
        (ComplianceChecks.RotationEnabled, ComplianceStatus.Fail) => "Automatic rotation is disabled; enable it with Set-KeyRotationPolicy",
        (ComplianceChecks.RotationPeriod, ComplianceStatus.Pass) => "Rotation period 90 days (policy: 90)",
        (ComplianceChecks.RotationRecent, ComplianceStatus.Pass) => string.Create(CultureInfo.InvariantCulture, $"Last rotated {days} days ago (policy: 90)"),
        (ComplianceChecks.RotationRecent, ComplianceStatus.Fail) => days is null
            ? "Never rotated since creation; overdue by the 90-day policy"
            : string.Create(CultureInfo.InvariantCulture, $"Last rotated {days} days ago; overdue by {days - 90} days (policy: 90)"),
        (ComplianceChecks.PendingDeletionExplained, ComplianceStatus.Pass) => "Deletion scheduled under CHG-2025-0101",
        (ComplianceChecks.KeySize, ComplianceStatus.Fail) => spec + " is below the policy minimum of 3072 bits",
        (ComplianceChecks.DisabledExplained, ComplianceStatus.Fail) => "Disabled with no audited reason",
        (_, ComplianceStatus.NotApplicable) => check switch
        {
            ComplianceChecks.PendingDeletionExplained => "Not pending deletion",
            ComplianceChecks.KeySize => "Symmetric key (AES-256)",
            ComplianceChecks.DisabledExplained => "Not disabled",
            _ => "Asymmetric key: KMS does not rotate it",
        },
        _ => status.ToString(),
    };

    private static ComplianceFinding Finding(string? keyId, string? alias, string check, ComplianceStatus status, string detail) => new()
    {
        KeyId = keyId,
        Alias = alias,
        Environment = "prod",
        Check = check,
        Status = status,
        Detail = detail,
        Requirement = ComplianceChecks.Requirement(check),
    };

    private static AuditRecord Record(long sequence, string operation, string keyId, string? alias, string incident, AuditOutcome outcome,
        string reason, string? error) =>
        new(new AuditEntry
        {
            OperationId = Guid.NewGuid(),
            OccurredAtUtc = At.AddHours(-sequence % 48),
            Environment = "prod",
            Operation = operation,
            Phase = AuditPhase.Completed,
            Outcome = outcome,
            KeyId = keyId,
            Alias = alias,
            IncidentId = incident,
            Reason = reason,
            IsEmergency = true,
            OperatorArn = "arn:aws:sts::123456789012:assumed-role/KeyAdmin/bob",
            OperatorName = OperatorName,
            ErrorCode = error is null ? null : "AccessDenied",
            ErrorMessage = error,
        }, sequence, new string('0', 64), new string('c', 64));
}
