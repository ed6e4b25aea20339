using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BuzzKeyMgmt.Engine.Alerts;

/// <summary>
/// One alert about one operation's outcome (one per outcome: success or failure). Its <see cref="Body"/> is JSON
/// with these field names (documented in Alerts/README.md): alertId (stable deduplication marker, the same on every
/// re-send), event, environment, operation, severity, keyId, keyArn, alias, incidentId, changeId, operator,
/// operatorArn, baseIdentityArn, outcome ("Succeeded" | "Unchanged" | "Refused" | "Failed"), errorCode, errorMessage, timings ({step: milliseconds}), auditId,
/// occurredAtUtc (ISO 8601), journaled (the audit row went to the local journal, not the store), chainHead ({sequence,
/// rowHash}) and digest (the signed chain digest covering it). Absent values are null.
/// </summary>
public sealed record KeyAlert
{
    /// <summary>The change was made (and read back).</summary>
    public const string Succeeded = "Succeeded";
    /// <summary>A change was attempted (sent to AWS or the store) and failed, or could not be verified.</summary>
    public const string Failed = "Failed";
    /// <summary>Refused before any change was sent: a bad or unknown key, a policy or MFA refusal.</summary>
    public const string Refused = "Refused";
    /// <summary>Nothing to do: the key already was as asked (e.g. revoking a key that is already disabled).</summary>
    public const string Unchanged = "Unchanged";
    public const int MaxSubjectLength = 99;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public string AlertId { get; init; } = Guid.NewGuid().ToString("N");
    public required string Environment { get; init; }
    /// <summary>REVOKE, RECOVER, SCHEDULE_DELETION, CANCEL_DELETION, ROTATE, … (upper case, as in the audit log).</summary>
    public required string Operation { get; init; }
    public required string Outcome { get; init; }
    public string? KeyId { get; init; }
    public string? KeyArn { get; init; }
    public string? Alias { get; init; }
    public string? IncidentId { get; init; }
    public string? ChangeId { get; init; }
    public string? Operator { get; init; }
    /// <summary>The identity that acted: the assumed-role session ARN that made the change.</summary>
    public string? OperatorArn { get; init; }
    /// <summary>The base identity behind it (the IAM user or SSO role that connected and assumed the role).</summary>
    public string? BaseIdentityArn { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public IReadOnlyDictionary<string, long>? Timings { get; init; }
    public string? AuditId { get; init; }
    public DateTimeOffset OccurredAtUtc { get; init; } = DateTimeOffset.UtcNow;
    public bool Journaled { get; init; }

    /// <summary>The audit chain head the operation's Completed row reached: { sequence, rowHash } (null when journaled).</summary>
    public Audit.Anchoring.AuditChainHead? ChainHead { get; init; }

    /// <summary>The signed chain digest that covers it, whole (its fields, signature and hash), so every subscriber keeps a
    /// copy outside the audit database and its digest folder; null when none was written.</summary>
    public Audit.Anchoring.AuditDigest? Digest { get; init; }

    /// <summary>For the one alert that sums up a bulk run (e.g. Invoke-KeyRotation over a fleet): the counts. Null for an
    /// alert about one key.</summary>
    public AlertSummary? Summary { get; init; }

    /// <summary>"key.revoke.succeeded", "key.revoke.unchanged", "key.revoke.refused", "key.schedule_deletion.failed",
    /// "key.rotate.summary", …</summary>
    public string Event => $"key.{Operation.ToLowerInvariant()}.{(Summary is not null ? "summary" : Kind)}";

    /// <summary>The outcome as the event's last word: succeeded, unchanged, refused or failed.</summary>
    private string Kind =>
        IsRefused ? "refused" : IsUnchanged ? "unchanged" : IsFailure ? "failed" : "succeeded";

    /// <summary>A change was attempted and failed (not a refusal before any change, not "nothing to do").</summary>
    [JsonIgnore] public bool IsFailure => !IsUnchanged && !IsRefused && !string.Equals(Outcome, Succeeded, StringComparison.OrdinalIgnoreCase);
    [JsonIgnore] public bool IsRefused => string.Equals(Outcome, Refused, StringComparison.OrdinalIgnoreCase);
    [JsonIgnore] public bool IsUnchanged => string.Equals(Outcome, Unchanged, StringComparison.OrdinalIgnoreCase);

    /// <summary>Unchanged → info; refused → warning; otherwise critical for REVOKE/DISABLE/SCHEDULE_DELETION, high for
    /// RECOVER/ENABLE/CANCEL_DELETION, info for the rest, and a failure one level up (info → high, high → critical).</summary>
    public string Severity
    {
        get
        {
            if (Summary is null && IsUnchanged) return "info";
            if (Summary is null && IsRefused) return "warning";
            var level = Operation.ToUpperInvariant() switch
            {
                "REVOKE" or "DISABLE" or "SCHEDULE_DELETION" => 2,
                "RECOVER" or "ENABLE" or "CANCEL_DELETION" => 1,
                _ => 0,
            };
            if (IsFailure) level = Math.Min(2, level + 1);
            return level switch { 2 => "critical", 1 => "high", _ => "info" };
        }
    }

    /// <summary>"[production] KEY REVOKED alias/CEK_User_12345 (INC-2026-0042)": under 100 characters of printable ASCII
    /// (SNS refuses control characters and line breaks, and older SNS rules and mail clients want ASCII: control
    /// characters become spaces, other non-ASCII characters '?'), the key part shortened with "..." when too long
    /// (the ticket is kept).</summary>
    [JsonIgnore]
    public string Subject
    {
        get
        {
            if (Summary is { } sum)
                return Shorten($"[{Clean(Environment)}] KEY {Operation.Replace('_', ' ').ToUpperInvariant()} SUMMARY: {sum.Keys} keys, " +
                               $"{sum.Succeeded} done, {sum.Failed} failed, {sum.Skipped} skipped", MaxSubjectLength);
            var verb = Operation.Replace('_', ' ').ToUpperInvariant();
            var action = IsRefused ? $"KEY {verb} REFUSED" : IsUnchanged ? $"KEY ALREADY {PastTense()}" : IsFailure ? $"KEY {verb} FAILED" : $"KEY {PastTense()}";
            var head = $"[{Clean(Environment)}] {action}";
            var key = Clean(Alias ?? KeyId ?? "");
            var ticket = IncidentId ?? ChangeId;
            var tail = ticket is null ? "" : $" ({Clean(ticket)})";
            if (tail.Length > 30) tail = Shorten(tail, 30);
            var room = MaxSubjectLength - head.Length - tail.Length - 1;
            if (key.Length > 0 && room > 1) head = $"{head} {Shorten(key, room)}";
            return Shorten(head + tail, MaxSubjectLength);
        }
    }

    /// <summary>The JSON body (UTF-8 well under SNS's 256 KiB; an over-long error message is cut to 4,000 characters).</summary>
    [JsonIgnore] public string Body => JsonSerializer.Serialize(this with { ErrorMessage = Cut(ErrorMessage, 4000) }, Json);

    /// <summary>String message attributes for subscription filter policies.</summary>
    [JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, string>> MessageAttributes =>
    [
        new("environment", Environment), new("operation", Operation), new("severity", Severity), new("outcome", Outcome),
    ];

    /// <summary>Reads an alert back from its <see cref="Body"/> (the outbox keeps bodies).</summary>
    public static KeyAlert? FromBody(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<KeyAlert>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string PastTense() => Operation.ToUpperInvariant() switch
    {
        "REVOKE" => "REVOKED", "RECOVER" => "RECOVERED", "RECONCILE" => "RECONCILED", "ROTATE" => "ROTATED", "DISABLE" => "DISABLED", "ENABLE" => "ENABLED",
        "SCHEDULE_DELETION" => "DELETION SCHEDULED", "CANCEL_DELETION" => "DELETION CANCELED", "DRILL" => "DRILL PASSED",
        var other => other.Replace('_', ' ') + " DONE",
    };

    private static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++; // one '?' per pair
            sb.Append(char.IsControl(c) || char.IsWhiteSpace(c) ? ' ' : c > '~' ? '?' : c);
        }
        return string.Join(' ', sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Shorten(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = Math.Max(0, max - 3);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--; // never split a surrogate pair
        return text[..cut] + "...";
    }

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : Shorten(text, max);
}

/// <summary>The counts of a bulk run's summary alert.</summary>
public sealed record AlertSummary(int Keys, int Succeeded, int Failed, int Skipped);
