namespace BuzzKeyMgmt.Engine.Compliance;

/// <summary>The outcome of one check.</summary>
public enum ComplianceStatus { Pass, Fail, NotApplicable }

/// <summary>The checks Get-KeyCompliance runs, and the requirement each one gives evidence for.</summary>
public static class ComplianceChecks
{
    // Per key
    public const string RotationEnabled = "RotationEnabled";
    public const string RotationPeriod = "RotationPeriod";
    public const string RotationRecent = "RotationRecent";
    public const string PendingDeletionExplained = "PendingDeletionExplained";
    public const string KeySize = "KeySize";
    public const string DisabledExplained = "DisabledExplained";

    // For the audit store
    public const string AuditChainIntact = "AuditChainIntact";
    public const string NothingUnsynced = "NothingUnsynced";
    public const string DrillRecent = "DrillRecent";

    public static readonly IReadOnlyList<string> PerKey =
        [RotationEnabled, RotationPeriod, RotationRecent, PendingDeletionExplained, KeySize, DisabledExplained];

    public static readonly IReadOnlyList<string> PerStore = [AuditChainIntact, NothingUnsynced, DrillRecent];

    /// <summary>The requirements each check speaks to (see the project's compliance mapping).</summary>
    public static string Requirement(string check) => check switch
    {
        RotationEnabled => "PCI DSS 4.0.1 3.7.4; NIST SP 800-53 SC-12",
        RotationPeriod => "PCI DSS 4.0.1 3.7.4",
        RotationRecent => "PCI DSS 4.0.1 3.7.4; NIST SP 800-53 SC-12",
        PendingDeletionExplained => "PCI DSS 4.0.1 3.7.5; NIST SP 800-53 SC-12",
        KeySize => "PCI DSS 4.0.1 3.6.1; NIST SP 800-53 SC-12",
        DisabledExplained => "PCI DSS 4.0.1 10.2; NIST SP 800-53 AU-2",
        AuditChainIntact => "PCI DSS 4.0.1 10.3.4; NIST SP 800-53 AU-9",
        NothingUnsynced => "PCI DSS 4.0.1 10.2; NIST SP 800-53 AU-9",
        DrillRecent => "PCI DSS 4.0.1 12.10.2; NIST SP 800-53 IR-3",
        _ => "",
    };
}

/// <summary>One check's outcome for one key (or, for store-level checks, for the environment's audit store).</summary>
public sealed class ComplianceFinding
{
    /// <summary>Null for a store-level finding.</summary>
    public string? KeyId { get; init; }
    public string? Alias { get; init; }
    public required string Environment { get; init; }

    /// <summary>The account of the key (or of the environment, for a store-level finding).</summary>
    public string? AccountId { get; init; }

    /// <summary>The Region of the key (or of the environment, for a store-level finding).</summary>
    public string? Region { get; init; }
    public required string Check { get; init; }
    public ComplianceStatus Status { get; init; }
    public required string Detail { get; init; }
    public required string Requirement { get; init; }

    /// <summary>"Key" or "Store".</summary>
    public string Scope => KeyId is null ? "Store" : "Key";

    public override string ToString() => $"{Alias ?? KeyId ?? "store"} {Check}: {Status}";
}

/// <summary>Counts of one check by status (Get-KeyCompliance -Summary has one per check).</summary>
public sealed record ComplianceCheckCount(string Check, int Pass, int Fail, int NotApplicable, string Requirement)
{
    /// <summary>"Check pass/fail/n-a", for a CSV cell (the summary's Checks join them with ";").</summary>
    public override string ToString() => $"{Check} {Pass}/{Fail}/{NotApplicable}";
}

/// <summary>What Get-KeyCompliance -Summary returns: keys judged, findings by status, and the counts per check.</summary>
public sealed class ComplianceSummary
{
    private FlatList<ComplianceCheckCount> _checks = FlatList<ComplianceCheckCount>.Empty;

    public required string Environment { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }
    public int Keys { get; init; }
    public int Pass { get; init; }
    public int Fail { get; init; }
    public int NotApplicable { get; init; }
    public IReadOnlyList<ComplianceCheckCount> Checks { get => _checks; init => _checks = FlatList<ComplianceCheckCount>.Of(value); }

    /// <summary>True when no finding failed.</summary>
    public bool Compliant => Fail == 0;

    public static ComplianceSummary Of(string environment, DateTimeOffset at, IReadOnlyCollection<ComplianceFinding> findings) => new()
    {
        Environment = environment,
        GeneratedAt = at,
        Keys = findings.Where(f => f.KeyId is not null).Select(f => f.KeyId).Distinct().Count(),
        Pass = findings.Count(f => f.Status == ComplianceStatus.Pass),
        Fail = findings.Count(f => f.Status == ComplianceStatus.Fail),
        NotApplicable = findings.Count(f => f.Status == ComplianceStatus.NotApplicable),
        Checks = ComplianceChecks.PerKey.Concat(ComplianceChecks.PerStore).Select(c => new ComplianceCheckCount(c,
            findings.Count(f => f.Check == c && f.Status == ComplianceStatus.Pass),
            findings.Count(f => f.Check == c && f.Status == ComplianceStatus.Fail),
            findings.Count(f => f.Check == c && f.Status == ComplianceStatus.NotApplicable),
            ComplianceChecks.Requirement(c))).ToList(),
    };
}
