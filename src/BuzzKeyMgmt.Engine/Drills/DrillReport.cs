namespace BuzzKeyMgmt.Engine.Drills;

/// <summary>One step of a drill as it ran: Passed, Failed or Skipped (done by an earlier run of a resumed drill), its
/// time, what it found, and the audit row that records it.</summary>
public sealed record DrillStep(string Name, string Status, long Ms, string Detail, Guid? AuditId = null)
{
    public override string ToString() => $"{Status,-7} {Ms,6} ms  {Name}: {Detail}";
}

/// <summary>
/// What a drill proved: per step and in total how long it took, the time to revoke (from the decision to the key read
/// back Disabled: the MTTR the policy means) against the policy's target, Passed or not, and what failed and why. A
/// failed or stopped drill still cleans up its key; what it could not clean is listed in <see cref="NotCleaned"/>.
/// </summary>
public sealed class DrillReport
{
    public required string DrillId { get; init; }
    public required string Environment { get; init; }
    public DrillScenario Scenario { get; init; }
    public DrillStatus Status { get; init; }
    public bool Passed => Status == DrillStatus.Passed;
    public string? KeyId { get; init; }
    public string? Alias { get; init; }

    /// <summary>The recovery request the drill raised (the last one); approvers of a waiting drill approve this.</summary>
    public Guid? RequestId { get; init; }

    private FlatList<DrillStep> _steps = FlatList<DrillStep>.Empty;
    private FlatList<string> _notCleaned = FlatList<string>.Empty;

    /// <summary>Each step as it ran (exported to CSV as one ';'-joined cell of "Status Ms Name: Detail").</summary>
    public IReadOnlyList<DrillStep> Steps { get => _steps; init => _steps = FlatList<DrillStep>.Of(value); }

    /// <summary>From the start of the revocation step (role included) to the key read back revoked; null without one.</summary>
    public long? TimeToRevokeMs { get; init; }
    public int MttrTargetMinutes { get; init; }
    public bool? MttrMet => TimeToRevokeMs is { } ms ? ms <= MttrTargetMinutes * 60_000L : null;
    public long TotalMs { get; init; }

    /// <summary>The first step that failed, and why (null when none did).</summary>
    public string? FailedStep { get; init; }
    public string? Failure { get; init; }

    /// <summary>What the clean-up could not do (the drill key or alias left behind), each naming how to finish it.</summary>
    public IReadOnlyList<string> NotCleaned { get => _notCleaned; init => _notCleaned = FlatList<string>.Of(value); }

    /// <summary>What to do next when the drill waits (the command that resumes it).</summary>
    public string? Next { get; init; }

    public override string ToString() => $"Drill {DrillId} {Status}: time to revoke {TimeToRevokeMs?.ToString() ?? "-"} ms, total {TotalMs} ms";
}
