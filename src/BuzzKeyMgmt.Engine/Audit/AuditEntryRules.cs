using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>Checks an entry before it is written (store or journal) and normalises its timestamp to UTC.</summary>
public static partial class AuditEntryRules
{
    [GeneratedRegex(@"^[A-Z][A-Z_]{0,31}\z", RegexOptions.CultureInvariant)]
    private static partial Regex OperationName();

    /// <summary>Returns the entry ready to hash, or throws <see cref="AuditStoreException"/> (InvalidAuditEntry).</summary>
    public static AuditEntry Normalize(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.AuditId == Guid.Empty) Fail("AuditId must not be empty.");
        if (entry.OperationId == Guid.Empty) Fail("OperationId must not be empty (the Started and Completed rows share it).");
        if (entry.OccurredAtUtc == default) Fail("OccurredAtUtc must be set.");
        if (string.IsNullOrWhiteSpace(entry.Environment) || entry.Environment.Length > 64)
            Fail("Environment must be 1-64 characters.");
        if (!OperationName().IsMatch(entry.Operation ?? ""))
            Fail($"Operation '{entry.Operation}' must be 1-32 upper-case letters or underscores (e.g. REVOKE).");
        if (!Enum.IsDefined(entry.Phase) || !Enum.IsDefined(entry.Outcome)) Fail("Phase or Outcome is not a known value.");
        if (entry.Phase == AuditPhase.Started && entry.Outcome != AuditOutcome.Pending)
            Fail("A Started row has Outcome Pending.");
        if (entry.Phase == AuditPhase.Completed && entry.Outcome == AuditOutcome.Pending)
            Fail("A Completed row needs a final Outcome (Succeeded, Failed or Cancelled).");
        if (entry.DurationMs is < 0) Fail("DurationMs must not be negative.");
        CheckLength(entry.KeyId, 256, nameof(entry.KeyId));
        CheckLength(entry.KeyArn, 2048, nameof(entry.KeyArn));
        CheckLength(entry.Alias, 256, nameof(entry.Alias));
        CheckLength(entry.IncidentId, 64, nameof(entry.IncidentId));
        CheckLength(entry.ChangeId, 64, nameof(entry.ChangeId));
        CheckLength(entry.Reason, 1000, nameof(entry.Reason));
        CheckLength(entry.OperatorArn, 2048, nameof(entry.OperatorArn));
        CheckLength(entry.OperatorName, 256, nameof(entry.OperatorName));
        CheckLength(entry.ClientHost, 256, nameof(entry.ClientHost));
        CheckLength(entry.ClientAddress, 64, nameof(entry.ClientAddress));
        CheckLength(entry.ErrorCode, 128, nameof(entry.ErrorCode));
        CheckLength(entry.AlertMessageId, 128, nameof(entry.AlertMessageId));
        // Stored precision is 100 ns ticks in UTC: normalising here makes the hash identical before and after storage.
        return entry with { OccurredAtUtc = new DateTimeOffset(entry.OccurredAtUtc.UtcDateTime, TimeSpan.Zero) };
    }

    private static void CheckLength(string? value, int max, string name)
    {
        if (value is not null && value.Length > max) Fail($"{name} is longer than {max} characters.");
    }

    private static void Fail(string message) =>
        throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "Invalid audit entry: " + message);
}
