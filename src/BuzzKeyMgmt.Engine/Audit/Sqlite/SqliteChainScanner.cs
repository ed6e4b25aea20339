using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BuzzKeyMgmt.Engine.Audit.Sqlite;

/// <summary>
/// Fast chain verification for SQLite: reads the stored bytes of each row straight from the statement (no per-row
/// objects) and hashes them in the canonical form. SQLite stores every field in its canonical text form (lowercase
/// GUIDs, the UTC timestamp format, 0/1, enum names), so the canonical text is the concatenation of the stored column
/// texts in <c>AuditColumns</c> order. Hashing stored bytes is stricter than hashing parsed values: even a change of
/// letter case in a stored GUID breaks the chain.
/// </summary>
internal static class SqliteChainScanner
{
    private static readonly string[] CanonicalColumns =
    [
        "Sequence", "AuditId", "OperationId", "OccurredAtUtc", "Environment", "Operation", "Phase", "Outcome", "KeyId",
        "KeyArn", "Alias", "IncidentId", "ChangeId", "Reason", "IsEmergency", "OperatorArn", "OperatorName", "ClientHost",
        "ClientAddress", "Approvals", "DurationMs", "ErrorCode", "ErrorMessage", "AlertMessageId", "Details", "PreviousHash",
    ];

    // SQLite builds the canonical text itself (one value per row crosses into .NET instead of 26), with concat() so
    // the row is assembled in one pass: each field is |~ when NULL, else |<UTF-8 byte length>:<stored text>.
    private static readonly string Sql =
        "SELECT Sequence, AuditId, PreviousHash, RowHash, concat('v1', " +
        string.Join(", ", CanonicalColumns.Select(c => $"'|', coalesce(octet_length({c}) || ':' || {c}, '~')")) +
        ") FROM KeyManagementAudit ORDER BY Sequence";

    private const int PreviousHashColumn = 2;
    private const int RowHashColumn = 3;
    private const int CanonicalColumn = 4;

    /// <param name="checkpoints">Sequences at which to record the stored RowHash and AuditId while the chain is intact.</param>
    public static ChainVerification Verify(SqliteConnection connection, Anchoring.ChainCheckpoints? checkpoints = null)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle, Sql, out var statement);
        if (rc != raw.SQLITE_OK)
            throw new SqliteException($"Could not read the audit chain: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}", rc);
        using (statement)
        {
            var walk = new Walk { Checkpoints = checkpoints };
            var inFlight = new Queue<(ChainChunk Chunk, Task Hashing)>();
            var free = new Stack<ChainChunk>();
            var chunk = new ChainChunk();
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                chunk.Add(raw.sqlite3_column_int64(statement, 0), raw.sqlite3_column_blob(statement, 1),
                    raw.sqlite3_column_blob(statement, PreviousHashColumn), raw.sqlite3_column_blob(statement, RowHashColumn),
                    raw.sqlite3_column_blob(statement, CanonicalColumn));
                if (!chunk.IsFull) continue;
                var full = chunk;
                inFlight.Enqueue((full, Task.Run(full.HashAll)));
                if (inFlight.Count > 2 && Check(inFlight, free, walk) is { } broken) return broken;
                chunk = free.Count > 0 ? free.Pop() : new ChainChunk();
            }
            if (rc != raw.SQLITE_DONE)
                throw new SqliteException($"Reading the audit chain failed: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}", rc);
            inFlight.Enqueue((chunk, Task.Run(chunk.HashAll)));
            while (inFlight.Count > 0)
                if (Check(inFlight, free, walk) is { } broken) return broken;
            return ChainVerifier.Completed(walk.Count, walk.Expected - 1, Encoding.ASCII.GetString(walk.Previous));
        }
    }

    /// <summary>The running state of the walk over the chain.</summary>
    private sealed class Walk
    {
        public long Expected = 1;
        public long Count;
        public readonly byte[] Previous = Encoding.ASCII.GetBytes(AuditHasher.GenesisHash);
        public Anchoring.ChainCheckpoints? Checkpoints;
        public long NextCheckpoint => Checkpoints?.Next ?? long.MaxValue;
    }

    /// <summary>Waits for the oldest chunk's hashes and checks its links in Sequence order; a result when broken.</summary>
    private static ChainVerification? Check(Queue<(ChainChunk Chunk, Task Hashing)> inFlight, Stack<ChainChunk> free, Walk walk)
    {
        var (chunk, hashing) = inFlight.Dequeue();
        hashing.GetAwaiter().GetResult();
        for (var i = 0; i < chunk.Count; i++)
        {
            var sequence = chunk.Sequence[i];
            if (sequence != walk.Expected)
                return Broken(chunk, i, walk, ChainBreak.SequenceGap, ChainVerifier.GapProblem(walk.Expected, sequence));
            if (!chunk.Previous(i).SequenceEqual(walk.Previous))
                return Broken(chunk, i, walk, ChainBreak.PreviousHashMismatch,
                    ChainVerifier.LinkProblem(Encoding.UTF8.GetString(chunk.Previous(i)), Encoding.ASCII.GetString(walk.Previous)));
            if (!chunk.RowHash(i).SequenceEqual(chunk.Computed(i)))
                return Broken(chunk, i, walk, ChainBreak.RowHashMismatch,
                    ChainVerifier.ContentProblem(Encoding.UTF8.GetString(chunk.RowHash(i)), Encoding.ASCII.GetString(chunk.Computed(i))));
            if (chunk.RowHash(i).Length != 64) // cannot happen through the CHECK constraint; keeps Previous a 64-byte buffer
                return Broken(chunk, i, walk, ChainBreak.RowHashMismatch, "stored RowHash is not 64 hex characters.");
            if (sequence == walk.NextCheckpoint)
                walk.Checkpoints!.Record(sequence, Encoding.ASCII.GetString(chunk.RowHash(i)),
                    Guid.TryParse(Encoding.UTF8.GetString(chunk.AuditId(i)), out var id) ? id : Guid.Empty);
            chunk.RowHash(i).CopyTo(walk.Previous);
            walk.Expected++;
            walk.Count++;
        }
        chunk.Clear();
        free.Push(chunk);
        return null;
    }

    private static ChainVerification Broken(ChainChunk chunk, int i, Walk walk, ChainBreak kind, string problem)
    {
        Guid? auditId = Guid.TryParse(Encoding.UTF8.GetString(chunk.AuditId(i)), out var id) ? id : null;
        return ChainVerifier.Broken(chunk.Sequence[i], auditId, walk.Count, kind, walk.Expected, Encoding.ASCII.GetString(walk.Previous), problem);
    }
}
