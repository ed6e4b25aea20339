namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>
/// Walks a chain in Sequence order and reports the first broken link. Streaming: the rows are never all in memory.
/// A chain starts at Sequence 1 with PreviousHash = 64 zeros; a tail truncation is only visible against an anchor
/// (the LastSequence/LastRowHash of an earlier verification), which <see cref="Verify"/> accepts.
/// </summary>
public static class ChainVerifier
{
    /// <param name="checkpoints">Sequences at which to record the stored RowHash and AuditId while the chain is intact
    /// (the digests' LastSequence values, for <see cref="Anchoring.AnchoredChainVerifier"/>).</param>
    public static ChainVerification Verify(IEnumerable<AuditRecord> rowsInSequenceOrder, long expectedMinimumLastSequence = 0,
        Anchoring.ChainCheckpoints? checkpoints = null)
    {
        ArgumentNullException.ThrowIfNull(rowsInSequenceOrder);
        long expectedSequence = 1;
        var previousHash = AuditHasher.GenesisHash;
        long count = 0;

        foreach (var row in rowsInSequenceOrder)
        {
            if (row.Sequence != expectedSequence)
                return Broken(row.Sequence, row.AuditId, count, ChainBreak.SequenceGap, expectedSequence, previousHash,
                    GapProblem(expectedSequence, row.Sequence));
            if (!string.Equals(row.PreviousHash, previousHash, StringComparison.Ordinal))
                return Broken(row.Sequence, row.AuditId, count, ChainBreak.PreviousHashMismatch, expectedSequence, previousHash,
                    LinkProblem(row.PreviousHash, previousHash));
            var actual = AuditHasher.ComputeRowHash(row, row.Sequence, row.PreviousHash);
            if (!string.Equals(actual, row.RowHash, StringComparison.Ordinal))
                return Broken(row.Sequence, row.AuditId, count, ChainBreak.RowHashMismatch, expectedSequence, previousHash,
                    ContentProblem(row.RowHash, actual));
            if (checkpoints is not null && row.Sequence == checkpoints.Next) checkpoints.Record(row.Sequence, row.RowHash, row.AuditId);
            previousHash = row.RowHash;
            expectedSequence++;
            count++;
        }

        return Completed(count, expectedSequence - 1, previousHash, expectedMinimumLastSequence);
    }

    internal static ChainVerification Completed(long count, long lastSequence, string lastHash, long expectedMinimumLastSequence = 0) =>
        lastSequence < expectedMinimumLastSequence
            ? new ChainVerification
            {
                RowsChecked = count, Break = ChainBreak.SequenceGap, BrokenSequence = lastSequence + 1,
                Problem = $"the chain ends at Sequence {lastSequence} but the anchor says {expectedMinimumLastSequence}: rows were removed from the end.",
                LastSequence = lastSequence, LastRowHash = lastHash,
            }
            : new ChainVerification { RowsChecked = count, LastSequence = lastSequence, LastRowHash = lastHash };

    internal static string GapProblem(long expected, long found) =>
        $"expected Sequence {expected} but found {found}: a row is missing or rows were renumbered.";

    internal static string LinkProblem(string stored, string previous) =>
        $"PreviousHash {stored} is not the RowHash {previous} of the row before: rows were removed or reordered.";

    internal static string ContentProblem(string stored, string computed) =>
        $"stored RowHash {stored} does not match the row's content (computed {computed}): the row was altered.";

    internal static ChainVerification Broken(long sequence, Guid? auditId, long count, ChainBreak kind, long expected, string lastHash, string problem) =>
        new()
        {
            RowsChecked = count, Break = kind, BrokenSequence = sequence, BrokenAuditId = auditId,
            Problem = problem, LastSequence = expected - 1, LastRowHash = lastHash,
        };
}
