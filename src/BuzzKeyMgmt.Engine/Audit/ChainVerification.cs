namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>What is wrong with the first broken link of a chain.</summary>
public enum ChainBreak
{
    None,
    /// <summary>Sequence is not the previous Sequence + 1 (a row was deleted, or rows were renumbered).</summary>
    SequenceGap,
    /// <summary>PreviousHash is not the RowHash of the row before (a row was removed or rows were reordered).</summary>
    PreviousHashMismatch,
    /// <summary>RowHash does not match the row's content (the row was altered).</summary>
    RowHashMismatch,
    /// <summary>A line of a journal is not a row at all (unreadable): it was corrupted, or something else was written there.</summary>
    UnreadableRow,
}

/// <summary>Result of walking a hash chain in Sequence order. Ready for PowerShell output.</summary>
public sealed record ChainVerification
{
    public bool IsValid => Break == ChainBreak.None;
    public long RowsChecked { get; init; }
    public ChainBreak Break { get; init; }

    /// <summary>Sequence of the first row whose link is broken (null when valid).</summary>
    public long? BrokenSequence { get; init; }

    /// <summary>AuditId of the first row whose link is broken (null when valid).</summary>
    public Guid? BrokenAuditId { get; init; }

    /// <summary>Human-readable description of the break (null when valid).</summary>
    public string? Problem { get; init; }

    /// <summary>Sequence and RowHash of the last row checked: an anchor to compare with later runs.</summary>
    public long LastSequence { get; init; }

    public string LastRowHash { get; init; } = AuditHasher.GenesisHash;

    public override string ToString() => IsValid
        ? $"Chain valid: {RowsChecked} rows, last Sequence {LastSequence}, last hash {LastRowHash}."
        : $"Chain broken at Sequence {BrokenSequence} (AuditId {BrokenAuditId}): {Break}: {Problem}";
}
