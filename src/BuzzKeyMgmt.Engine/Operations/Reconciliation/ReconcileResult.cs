using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Engine.Operations.Reconciliation;

/// <summary>What a reconciliation found of one interrupted operation (its RECONCILE rows say the same).</summary>
public sealed class ReconcileResult
{
    private FlatList<string> _warnings = FlatList<string>.Empty;

    public required string KeyId { get; init; }
    public string? Alias { get; init; }
    public required string Environment { get; init; }
    public required string InterruptedOperation { get; init; }
    public Guid InterruptedOperationId { get; init; }
    public DateTimeOffset StartedAtUtc { get; init; }
    public string? StartedBy { get; init; }
    /// <summary>The state that shows the interrupted change, or null when a key's state cannot show it.</summary>
    public string? Expected { get; init; }
    public string? FoundState { get; init; }
    /// <summary>True: the change took effect; false: it did not; null: the state cannot tell.</summary>
    public bool? ChangeShows { get; init; }
    public AuditOutcome Outcome { get; init; }
    /// <summary>The RECONCILE Completed row.</summary>
    public Guid AuditId { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<string> Warnings { get => _warnings; init => _warnings = FlatList<string>.Of(value); }
}
