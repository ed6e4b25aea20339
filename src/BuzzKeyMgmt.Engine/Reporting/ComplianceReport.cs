using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Compliance;
using BuzzKeyMgmt.Engine.Policy;

namespace BuzzKeyMgmt.Engine.Reporting;

/// <summary>One key as the report shows it: names and values from KMS (shown as text, never as markup) and the age of
/// its current key material for the rotation chart.</summary>
public sealed record ReportKey(string KeyId, string? Alias, string State, string? Description, string? KeySpec,
    DateTimeOffset? LastRotationDate, int? DaysSinceRotation, IReadOnlyDictionary<string, string> Tags);

/// <summary>Everything Export-KeyComplianceReport puts in its HTML file: when and where, the policy in force, the summary,
/// every finding, the keys (with the age of their material), the audit chain's state, and the recent emergency operations
/// from the audit log.</summary>
public sealed class ComplianceReport
{
    public required DateTimeOffset GeneratedAt { get; init; }
    public required string Environment { get; init; }
    public string? AccountId { get; init; }
    public string? Region { get; init; }
    public required PolicySettings Policy { get; init; }
    public required ComplianceSummary Summary { get; init; }
    public IReadOnlyList<ComplianceFinding> Findings { get; init; } = [];
    public IReadOnlyList<ReportKey> Keys { get; init; } = [];

    /// <summary>Null when the store could not be read (then <see cref="ChainProblem"/> says why).</summary>
    public ChainVerification? Chain { get; init; }
    public string? ChainProblem { get; init; }
    public IReadOnlyList<AuditRecord> RecentEmergencyOperations { get; init; } = [];

    /// <summary>Who generated it (the session's caller ARN).</summary>
    public string? GeneratedBy { get; init; }
}
