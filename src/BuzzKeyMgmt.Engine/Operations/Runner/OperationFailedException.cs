using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Engine.Operations.Runner;

/// <summary>
/// An operation that did not succeed, after its audit rows were written (or journaled) and its alert sent: the failure
/// in the engine's words plus what the caller must still see — the warnings (audit journaled, alert queued), the
/// Completed row's id, the key's state as last read, and whether it ended by a stop.
/// </summary>
public sealed class OperationFailedException(KeyMgmtException failure, AuditOutcome outcome, Guid? auditId, bool journaled,
    IReadOnlyList<string> warnings, string? state, bool stopped)
    : KeyMgmtException(failure.ErrorId, failure.Kind, failure.Message, failure.RecommendedAction, failure.InnerException)
{
    /// <summary>Failed, or Cancelled (stopped before anything changed).</summary>
    public AuditOutcome Outcome { get; } = outcome;

    /// <summary>The Completed row, null when not even the Started row could be written (the operation was refused).</summary>
    public Guid? AuditId { get; } = auditId;
    public bool Journaled { get; } = journaled;
    public IReadOnlyList<string> Warnings { get; } = warnings;

    /// <summary>The key's state as last read (null when unknown).</summary>
    public string? State { get; } = state;

    /// <summary>The operation ended because of a stop (Ctrl+C).</summary>
    public bool Stopped { get; } = stopped;

    /// <summary>The audit chain head the Completed row reached (Sequence, RowHash); null when it was journaled or not written.</summary>
    public Audit.Anchoring.AuditChainHead? ChainHead { get; init; }

    /// <summary>The signed digest covering <see cref="ChainHead"/>, outside the store; null when none was written.</summary>
    public Audit.Anchoring.AuditDigest? Digest { get; init; }
}
