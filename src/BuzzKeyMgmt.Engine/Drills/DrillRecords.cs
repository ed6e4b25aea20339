using System.Text.Json;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Engine.Drills;

/// <summary>A drill as the audit store remembers it (Get-KeyDrillHistory).</summary>
public sealed record DrillHistoryEntry
{
    public required string DrillId { get; init; }
    public required string Environment { get; init; }
    public DrillScenario Scenario { get; init; }
    public DrillStatus Status { get; init; }
    public bool Passed => Status == DrillStatus.Passed;
    public DateTimeOffset StartedAtUtc { get; init; }
    public DateTimeOffset EndedAtUtc { get; init; }
    public long? TimeToRevokeMs { get; init; }
    public int? MttrTargetMinutes { get; init; }
    public long? TotalMs { get; init; }
    public string? KeyId { get; init; }
    public string? Alias { get; init; }
    public string? FailedStep { get; init; }
    public string? Failure { get; init; }
    public string? Operator { get; init; }

    /// <summary>The DRILL rows of the drill (its steps, Completed).</summary>
    public int Steps { get; init; }
}

/// <summary>
/// Reads drills back from their DRILL rows: the history (one entry per DrillId, newest first) and, for a resumed
/// drill, the steps already done and the state its last row left.
/// </summary>
public static class DrillRecords
{
    internal const string Report = "report", Cleanup = "cleanup", WaitingPrefix = "waiting";

    /// <summary>Every drill recorded for <paramref name="environment"/> (all environments when null), newest first.</summary>
    public static IReadOnlyList<DrillHistoryEntry> History(AuditTrail trail, string? environment, int? last = null)
    {
        var rows = Rows(trail, environment);
        var entries = rows.GroupBy(r => r.DrillId).Select(Entry).OrderByDescending(e => e.StartedAtUtc).ToList();
        return last is { } n ? entries.Take(n).ToList() : entries;
    }

    /// <summary>The state and finished steps of a drill to resume; null when no such drill is recorded.</summary>
    internal static (DrillState State, IReadOnlySet<string> Done, bool Finished)? Load(AuditTrail trail, string environment, string drillId)
    {
        var rows = Rows(trail, environment).Where(r => r.DrillId == drillId).OrderBy(r => r.Record.Sequence).ToList();
        if (rows.Count == 0) return null;
        var done = rows.Where(r => r.Record.Outcome == AuditOutcome.Succeeded && !r.Step.StartsWith(WaitingPrefix, StringComparison.Ordinal))
            .Select(r => r.Step).ToHashSet(StringComparer.Ordinal);
        return (DrillState.From(drillId, rows[^1].Data), done, rows.Any(r => r.Step == Report));
    }

    private sealed record Row(AuditRecord Record, string DrillId, string Step, IReadOnlyDictionary<string, string?> Data, JsonElement? Report);

    private static List<Row> Rows(AuditTrail trail, string? environment)
    {
        var records = trail.Use(store => store.Query(new AuditQuery { Operation = AuditOperations.Drill, Environment = environment }));
        var rows = new List<Row>();
        foreach (var r in records)
        {
            if (r.Phase != AuditPhase.Completed || r.Details is null) continue;
            try
            {
                using var doc = JsonDocument.Parse(r.Details);
                var root = doc.RootElement;
                if (!root.TryGetProperty("drillId", out var id) || id.ValueKind != JsonValueKind.String) continue;
                if (!root.TryGetProperty("details", out var d) || d.ValueKind != JsonValueKind.Object) continue;
                var step = d.TryGetProperty("step", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
                var data = new Dictionary<string, string?>();
                if (d.TryGetProperty("data", out var dd) && dd.ValueKind == JsonValueKind.Object)
                    foreach (var p in dd.EnumerateObject()) data[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null;
                JsonElement? report = d.TryGetProperty("report", out var rep) && rep.ValueKind == JsonValueKind.Object ? rep.Clone() : null;
                rows.Add(new Row(r, id.GetString()!, step, data, report));
            }
            catch (JsonException)
            {
                // a row whose Details are not the drill's shape is not a drill step
            }
        }
        return rows;
    }

    private static DrillHistoryEntry Entry(IGrouping<string, Row> drill)
    {
        var rows = drill.OrderBy(r => r.Record.Sequence).ToList();
        var first = rows[0].Record;
        var last = rows[^1];
        var report = rows.LastOrDefault(r => r.Step == Report)?.Report;
        var status = report is { } rep && rep.TryGetProperty("status", out var st) && Enum.TryParse<DrillStatus>(st.GetString(), out var parsed)
            ? parsed
            : last.Step.StartsWith(WaitingPrefix, StringComparison.Ordinal)
                ? last.Data.GetValueOrDefault("waitingFor") == "mfa" ? DrillStatus.WaitingForMfa : DrillStatus.WaitingForApprovals
                : DrillStatus.Incomplete;
        return new DrillHistoryEntry
        {
            DrillId = drill.Key,
            Environment = first.Environment,
            Scenario = Enum.TryParse<DrillScenario>(last.Data.GetValueOrDefault("scenario"), out var sc) ? sc : DrillScenario.Revoke,
            Status = status,
            StartedAtUtc = first.OccurredAtUtc,
            EndedAtUtc = last.Record.OccurredAtUtc,
            TimeToRevokeMs = Long(report, "timeToRevokeMs"),
            MttrTargetMinutes = (int?)Long(report, "mttrTargetMinutes"),
            TotalMs = Long(report, "totalMs"),
            KeyId = last.Data.GetValueOrDefault("keyId"),
            Alias = "alias/drill-" + drill.Key,
            FailedStep = Text(report, "failedStep"),
            Failure = Text(report, "failure"),
            Operator = first.OperatorName,
            Steps = rows.Count,
        };
    }

    private static long? Long(JsonElement? e, string name) =>
        e is { } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    private static string? Text(JsonElement? e, string name) =>
        e is { } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
