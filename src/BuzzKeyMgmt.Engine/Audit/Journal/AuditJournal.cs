using System.Text;

namespace BuzzKeyMgmt.Engine.Audit.Journal;

/// <summary>
/// Durable local journal for audit rows that could not reach the store: JSON Lines, hash-chained with the same
/// canonical form as the store (journal-local Sequence from 1), each append flushed to disk (Flush(true)) before it
/// returns. A torn last line (a crash mid-write, never acknowledged) is ignored on read and cut off on the next append.
/// Processes share the file through an exclusive open with retries.
/// </summary>
public sealed class AuditJournal
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    public AuditJournal(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new AuditStoreException(AuditErrorCodes.JournalFailure, "The audit journal needs a file path.");
        JournalPath = Path.GetFullPath(path);
    }

    public string JournalPath { get; }

    /// <summary>True when the journal holds at least one complete line.</summary>
    public bool HasPending
    {
        get
        {
            var info = new FileInfo(JournalPath);
            return info.Exists && info.Length > 0;
        }
    }

    /// <summary>Appends one entry at the end of the journal chain, durably. Returns it with its journal position.</summary>
    public AuditRecord Append(AuditEntry entry)
    {
        var normalized = AuditEntryRules.Normalize(entry);
        using var stream = OpenExclusive();
        var (lines, validLength) = ReadLines(stream);
        stream.SetLength(validLength); // drop a torn last line
        var last = lines.Count == 0 ? null : lines[^1];
        var sequence = (last?.Sequence ?? 0) + 1;
        var previous = last?.RowHash ?? AuditHasher.GenesisHash;
        var line = new JournalLine(sequence, previous, AuditHasher.ComputeRowHash(normalized, sequence, previous), normalized);
        stream.Seek(0, SeekOrigin.End);
        var bytes = Encoding.UTF8.GetBytes(line.Serialize() + "\n");
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
        return line.ToRecord();
    }

    /// <summary>Every complete journal row in journal order.</summary>
    public IReadOnlyList<AuditRecord> ReadAll()
    {
        if (!File.Exists(JournalPath)) return [];
        using var stream = OpenExclusive();
        return ReadLines(stream).Lines.Select(l => l.ToRecord()).ToList();
    }

    /// <summary>Checks the journal's own hash chain.</summary>
    public ChainVerification Verify() => ChainVerifier.Verify(ReadAll());

    /// <summary>
    /// Runs <paramref name="replay"/> over the journal rows while holding the journal exclusively; when it returns
    /// normally the journal is emptied (the rows are in the store). An exception leaves the journal untouched.
    /// </summary>
    public T Drain<T>(Func<IReadOnlyList<AuditRecord>, T> replay)
    {
        if (!File.Exists(JournalPath)) return replay([]);
        using var stream = OpenExclusive();
        var rows = ReadLines(stream).Lines.Select(l => l.ToRecord()).ToList();
        var result = replay(rows);
        stream.SetLength(0);
        stream.Flush(flushToDisk: true);
        return result;
    }

    private FileStream OpenExclusive()
    {
        var directory = Path.GetDirectoryName(JournalPath);
        try
        {
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuditStoreException(AuditErrorCodes.JournalFailure, $"The audit journal folder {directory} cannot be created: {ex.Message}", ex);
        }
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(JournalPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(JournalPath))
            {
                Thread.Sleep(Random.Shared.Next(2, 15)); // another writer holds the journal
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new AuditStoreException(AuditErrorCodes.JournalFailure, $"The audit journal {JournalPath} cannot be opened: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Complete lines and the byte length they cover (a torn tail is excluded).</summary>
    private (List<JournalLine> Lines, long ValidLength) ReadLines(FileStream stream)
    {
        stream.Seek(0, SeekOrigin.Begin);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var lines = new List<JournalLine>();
        long start = 0;
        for (long i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            var text = Encoding.UTF8.GetString(bytes, (int)start, (int)(i - start));
            if (text.Length > 0)
            {
                var line = JournalLine.TryParse(text)
                    ?? throw new AuditStoreException(AuditErrorCodes.JournalFailure,
                        $"The audit journal {JournalPath} has an unreadable line at byte {start}: it was altered or corrupted.");
                lines.Add(line);
            }
            start = i + 1;
        }
        return (lines, start);
    }
}
