namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>
/// Walks a chain in Sequence order and reports the first broken link. Streaming: the rows are never all in memory.
/// A chain starts at Sequence 1 with PreviousHash = 64 zeros; a tail truncation is only visible against an anchor
/// (the LastSequence/LastRowHash of an earlier verification), which <see cref="Verify"/> accepts.
/// </summary>
public static class ChainVerifier
{
    public static ChainVerification Verify(IEnumerable<AuditRecord> rowsInSequenceOrder, long expectedMinimumLastSequence = 0)
    {
        ArgumentNullException.ThrowIfNull(rowsInSequenceOrder);
        long expectedSequence = 1;
        var previousHash = AuditHasher.GenesisHash;
        long count = 0;

        foreach (var row in rowsInSequenceOrder)
        {
            if (row.Sequence != expectedSequence)
                return Broken(row, count, ChainBreak.SequenceGap, expectedSequence, previousHash,
                    $"expected Sequence {expectedSequence} but found {row.Sequence}: a row is missing or rows were renumbered.");
            if (!string.Equals(row.PreviousHash, previousHash, StringComparison.Ordinal))
                return Broken(row, count, ChainBreak.PreviousHashMismatch, expectedSequence, previousHash,
                    $"PreviousHash {row.PreviousHash} is not the RowHash {previousHash} of the row before: rows were removed or reordered.");
            var actual = AuditHasher.ComputeRowHash(row, row.Sequence, row.PreviousHash);
            if (!string.Equals(actual, row.RowHash, StringComparison.Ordinal))
                return Broken(row, count, ChainBreak.RowHashMismatch, expectedSequence, previousHash,
                    $"stored RowHash {row.RowHash} does not match the row's content (computed {actual}): the row was altered.");
            previousHash = row.RowHash;
            expectedSequence++;
            count++;
        }

        if (expectedSequence - 1 < expectedMinimumLastSequence)
        {
            return new ChainVerification
            {
                RowsChecked = count, Break = ChainBreak.SequenceGap, BrokenSequence = expectedSequence,
                Problem = $"the chain ends at Sequence {expectedSequence - 1} but the anchor says {expectedMinimumLastSequence}: rows were removed from the end.",
                LastSequence = expectedSequence - 1, LastRowHash = previousHash,
            };
        }

        return new ChainVerification { RowsChecked = count, LastSequence = expectedSequence - 1, LastRowHash = previousHash };
    }

    private static ChainVerification Broken(AuditRecord row, long count, ChainBreak kind, long expected, string lastHash, string problem) =>
        new()
        {
            RowsChecked = count, Break = kind, BrokenSequence = row.Sequence, BrokenAuditId = row.AuditId,
            Problem = problem, LastSequence = expected - 1, LastRowHash = lastHash,
        };
}
