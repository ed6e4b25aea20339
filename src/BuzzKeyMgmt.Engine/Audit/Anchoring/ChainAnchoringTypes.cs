namespace BuzzKeyMgmt.Engine.Audit.Anchoring;

/// <summary>The head of the audit chain an operation's rows reached: the Sequence and RowHash of its Completed row.
/// Results and alerts carry it, so a copy of it exists outside the audit database.</summary>
public sealed record AuditChainHead(long Sequence, string RowHash)
{
    public override string ToString() => $"{Sequence}:{RowHash}";
}

/// <summary>One row's place in the chain, as the store holds it.</summary>
public sealed record AuditChainPosition(long Sequence, string RowHash, Guid AuditId);

/// <summary>The store's own record of one digest written for it (table KeyAuditDigest, migration 007).</summary>
public sealed record AuditDigestMark(long Number, long FirstSequence, long LastSequence, string HeadHash, string DigestHash, DateTimeOffset CreatedAtUtc);

/// <summary>
/// Sequences at which a chain walk records the stored RowHash and AuditId (the digests' LastSequence values), in
/// ascending order. After the walk, <see cref="Found"/> holds what the store had at each sequence it reached with its
/// chain still intact.
/// </summary>
public sealed class ChainCheckpoints
{
    private readonly long[] _sequences;
    private readonly Dictionary<long, AuditChainPosition> _found = new();
    private int _next;

    public ChainCheckpoints(IEnumerable<long> sequences)
    {
        _sequences = sequences.Where(s => s >= 1).Distinct().Order().ToArray();
    }

    public IReadOnlyList<long> Sequences => _sequences;

    public IReadOnlyDictionary<long, AuditChainPosition> Found => _found;

    /// <summary>The next sequence wanted, or long.MaxValue when none is left (cheap to compare on every row).</summary>
    public long Next => _next < _sequences.Length ? _sequences[_next] : long.MaxValue;

    /// <summary>Records the row at <see cref="Next"/>; the walk calls it only for that sequence, after the row's links checked.</summary>
    public void Record(long sequence, string rowHash, Guid auditId)
    {
        _found[sequence] = new AuditChainPosition(sequence, rowHash, auditId);
        while (_next < _sequences.Length && _sequences[_next] <= sequence) _next++;
    }
}

/// <summary>
/// What a store offers for anchoring its chain outside itself: its head and single positions, a chain walk that records
/// checkpoints, and its own record of the digests written for it. <see cref="Storage.AdoAuditStore"/> implements it
/// (SQLite and SQL Server); a store that does not is walked through <see cref="IAuditStore.ReadChain"/> and keeps no
/// digest record.
/// </summary>
public interface IAuditChainAnchoring
{
    /// <summary>The last row of the chain; null when the store is empty.</summary>
    AuditChainPosition? ReadHead();

    /// <summary>The row at <paramref name="sequence"/>; null when there is none.</summary>
    AuditChainPosition? ReadPosition(long sequence);

    /// <summary>Walks the whole chain as <see cref="IAuditStore.VerifyChain"/> does, recording <paramref name="checkpoints"/>.</summary>
    ChainVerification VerifyChain(ChainCheckpoints checkpoints);

    /// <summary>Records a digest written for this store; false when the store has no KeyAuditDigest table (schema before 007).</summary>
    bool RecordDigest(AuditDigestMark mark);

    /// <summary>The newest digest this store recorded; null when none (or no table).</summary>
    AuditDigestMark? ReadNewestDigestMark();
}
