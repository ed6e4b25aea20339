using System.Text;
using System.Text.Json;

namespace BuzzKeyMgmt.Engine.Audit.Journal;

/// <summary>
/// Durable local journal for audit rows that could not reach the store: JSON Lines, hash-chained with the same
/// canonical form as the store (journal-local Sequence from 1), each append flushed to disk (Flush(true)) before it
/// returns. A torn last line (a crash mid-write, never acknowledged) is ignored on read and cut off on the next append.
/// A line that cannot be verified (unreadable, altered, invalid) never hides the others: an append chains after the last
/// line that parsed, and a drain replays every verifiable row and moves the bad lines to <see cref="QuarantinePath"/>
/// with their line numbers and reasons. Processes share the file through an exclusive open, waited for at most
/// <see cref="LockWait"/>.
/// </summary>
public sealed class AuditJournal
{
    /// <summary>How long an open waits for another process holding the journal, by default.</summary>
    public static readonly TimeSpan DefaultLockWait = TimeSpan.FromSeconds(30);

    public AuditJournal(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new AuditStoreException(AuditErrorCodes.JournalFailure, "The audit journal needs a file path.");
        JournalPath = Path.GetFullPath(path);
    }

    public string JournalPath { get; }

    /// <summary>Where a drain moves the lines it could not verify: the journal's path + ".quarantine".</summary>
    public string QuarantinePath => JournalPath + ".quarantine";

    /// <summary>How long an open waits while another process holds the journal before it fails.</summary>
    public TimeSpan LockWait { get; init; } = DefaultLockWait;

    /// <summary>The journal's folder must be private to this user (a fallback journal under a shared temporary folder): on
    /// Unix it is created owner-only, and a folder (or its parent) that is a link or writable by group or others is refused.</summary>
    public bool RequirePrivateFolder { get; init; }

    /// <summary>True when the journal holds at least one complete line.</summary>
    public bool HasPending
    {
        get
        {
            var info = new FileInfo(JournalPath);
            return info.Exists && info.Length > 0;
        }
    }

    /// <summary>True when earlier drains quarantined lines (they are not in the store: someone must look at them).</summary>
    public bool HasQuarantine
    {
        get
        {
            var info = new FileInfo(QuarantinePath);
            return info.Exists && info.Length > 0;
        }
    }

    /// <summary>Appends one entry at the end of the journal chain, durably. Returns it with its journal position.</summary>
    public AuditRecord Append(AuditEntry entry) => Append(entry, out _);

    /// <summary>Appends one entry after the last line that parsed (lines that cannot be verified are left for the drain to
    /// quarantine, and reported in <paramref name="before"/>), durably.</summary>
    public AuditRecord Append(AuditEntry entry, out JournalScan before)
    {
        var normalized = AuditEntryRules.Normalize(entry);
        using var stream = Open(write: true);
        before = Scan(stream);
        try
        {
            stream.SetLength(before.ValidLength); // drop a torn last line
            var last = before.LastParsed;
            var sequence = (last?.Sequence ?? 0) + 1;
            var previous = last?.RowHash ?? AuditHasher.GenesisHash;
            var line = new JournalLine(sequence, previous, AuditHasher.ComputeRowHash(normalized, sequence, previous), normalized);
            stream.Seek(0, SeekOrigin.End);
            var bytes = Encoding.UTF8.GetBytes(line.Serialize() + "\n");
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
            return line.ToRecord();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A partial write is a torn tail: ignored on read and cut off by the next append.
            throw new AuditStoreException(AuditErrorCodes.JournalFailure, $"The audit journal {JournalPath} cannot be written: {ex.Message}", ex);
        }
    }

    /// <summary>Appends entries that are ready together (a bulk run while the store is away) in one exclusive open, one
    /// scan and one durable flush, chained in order after the last line that parsed. Every entry is checked before the
    /// journal is touched.</summary>
    public IReadOnlyList<AuditRecord> AppendMany(IReadOnlyList<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var normalized = entries.Select(AuditEntryRules.Normalize).ToList();
        if (normalized.Count == 0) return [];
        using var stream = Open(write: true);
        var before = Scan(stream);
        try
        {
            stream.SetLength(before.ValidLength); // drop a torn last line
            var last = before.LastParsed;
            var sequence = last?.Sequence ?? 0;
            var previous = last?.RowHash ?? AuditHasher.GenesisHash;
            var text = new StringBuilder();
            var records = new List<AuditRecord>(normalized.Count);
            foreach (var entry in normalized)
            {
                sequence++;
                var line = new JournalLine(sequence, previous, AuditHasher.ComputeRowHash(entry, sequence, previous), entry);
                text.Append(line.Serialize()).Append('\n');
                records.Add(line.ToRecord());
                previous = line.RowHash;
            }
            stream.Seek(0, SeekOrigin.End);
            stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
            stream.Flush(flushToDisk: true);
            return records;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuditStoreException(AuditErrorCodes.JournalFailure, $"The audit journal {JournalPath} cannot be written: {ex.Message}", ex);
        }
    }

    /// <summary>Every complete journal row in journal order; a line that is not a journal row is an error (see
    /// <see cref="Scan()"/> for a read that reports such lines instead).</summary>
    public IReadOnlyList<AuditRecord> ReadAll()
    {
        var scan = Scan();
        var unreadable = scan.BadLines.FirstOrDefault(b => scan.Parsed.All(p => p.Line != b.Line));
        if (unreadable is not null)
            throw new AuditStoreException(AuditErrorCodes.JournalFailure,
                $"The audit journal {JournalPath} has an unreadable line ({unreadable}): it was altered or corrupted.");
        return scan.Parsed.Select(p => p.Parsed.ToRecord()).ToList();
    }

    /// <summary>Reads the journal (shared with other readers) and reports every row that verifies and every line that
    /// does not, with line numbers. A missing file is an empty journal.</summary>
    public JournalScan Scan()
    {
        if (!File.Exists(JournalPath)) return JournalScan.Empty(JournalPath);
        using var stream = Open(write: false);
        return Scan(stream);
    }

    /// <summary>Checks the journal's own hash chain; a line that is not a journal row breaks it there.</summary>
    public ChainVerification Verify()
    {
        var scan = Scan();
        (int Line, string Reason)? unreadable = null;
        IEnumerable<AuditRecord> RowsUntilUnreadable()
        {
            var parsed = scan.Parsed.ToDictionary(p => p.Line, p => p.Parsed);
            foreach (var bad in scan.BadLines.Where(b => !parsed.ContainsKey(b.Line)))
            {
                unreadable = (bad.Line, bad.Reason);
                break;
            }
            foreach (var (line, row) in scan.Parsed)
            {
                if (unreadable is { } u && line > u.Line) yield break;
                yield return row.ToRecord();
            }
        }
        var chain = ChainVerifier.Verify(RowsUntilUnreadable().ToList());
        if (!chain.IsValid || unreadable is not { } first) return chain;
        return ChainVerifier.Broken(chain.LastSequence + 1, null, chain.RowsChecked, ChainBreak.UnreadableRow, chain.LastSequence + 1,
            chain.LastRowHash, $"line {first.Line} is not a journal row ({first.Reason}).");
    }

    /// <summary>
    /// Holds the journal exclusively and runs <paramref name="replay"/> over what it holds; when that returns normally, the
    /// lines that do not verify (and a torn tail) are appended to <see cref="QuarantinePath"/> with their line numbers and
    /// reasons, durably, and the journal is emptied. With <paramref name="quarantine"/> false, a journal with such lines
    /// is not replayed at all (left for an explicit Sync). An exception from <paramref name="replay"/> leaves the journal
    /// untouched. A journal that can be read but not written (a read-only folder) is replayed and kept, and
    /// <paramref name="problem"/> says so.
    /// </summary>
    public T Drain<T>(Func<JournalScan, T> replay, bool quarantine = true, Action<string>? problem = null,
        Action<QuarantinedLine>? quarantined = null)
    {
        if (!File.Exists(JournalPath)) return replay(JournalScan.Empty(JournalPath));
        FileStream stream;
        var writable = true;
        try
        {
            stream = Open(write: true);
        }
        catch (AuditStoreException ex) when (ex is not JournalHeldException && File.Exists(JournalPath))
        {
            stream = Open(write: false);   // read-only: replay what it holds, it cannot be emptied
            writable = false;
        }
        using (stream)
        {
            var scan = Scan(stream);
            if (!quarantine && (!scan.IsClean || !string.IsNullOrWhiteSpace(scan.TornTail)))
                throw new AuditStoreException(AuditErrorCodes.JournalFailure,
                    $"The audit journal {JournalPath} has lines that cannot be verified ({(scan.IsClean ? "an incomplete last line" : scan.DescribeBadLines())}): " +
                    "run Sync-KeyAuditJournal to replay the others and quarantine them.");
            var result = replay(scan);
            if (!writable)
            {
                problem?.Invoke($"The audit journal {JournalPath} cannot be written (its rows were replayed; it is kept, and its rows are skipped by AuditId next time).");
                return result;
            }
            var toQuarantine = scan.BadLines.ToList();
            if (!string.IsNullOrWhiteSpace(scan.TornTail))
                toQuarantine.Add(new JournalBadLine(scan.LineCount + 1, "incomplete last line (a write that never finished)", scan.TornTail));
            if (toQuarantine.Count > 0)
            {
                IReadOnlyList<QuarantinedLine> moved;
                try
                {
                    moved = WriteQuarantine(toQuarantine);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    problem?.Invoke($"The lines that cannot be verified could not be moved to {QuarantinePath} ({ex.Message}): the journal {JournalPath} is kept (its good rows are skipped by AuditId next time).");
                    return result;
                }
                foreach (var line in moved) quarantined?.Invoke(line);
            }
            stream.SetLength(0);
            stream.Flush(flushToDisk: true);
            return result;
        }
    }

    /// <summary>The lines earlier drains quarantined, in the order they were moved.</summary>
    public IReadOnlyList<QuarantinedLine> ReadQuarantine()
    {
        if (!File.Exists(QuarantinePath)) return [];
        var lines = new List<QuarantinedLine>();
        foreach (var text in File.ReadLines(QuarantinePath))
        {
            if (text.Length == 0) continue;
            try
            {
                lines.Add(JsonSerializer.Deserialize<QuarantinedLine>(text, QuarantinedLine.Options)
                          ?? new QuarantinedLine(default, JournalPath, 0, "unreadable quarantine entry", text));
            }
            catch (JsonException)
            {
                lines.Add(new QuarantinedLine(default, JournalPath, 0, "unreadable quarantine entry", text));
            }
        }
        return lines;
    }

    private IReadOnlyList<QuarantinedLine> WriteQuarantine(IReadOnlyList<JournalBadLine> lines)
    {
        var now = DateTimeOffset.UtcNow;
        var moved = lines.Select(l => new QuarantinedLine(now, JournalPath, l.Line, l.Reason, l.Text)).ToList();
        var text = new StringBuilder();
        foreach (var line in moved) text.Append(JsonSerializer.Serialize(line, QuarantinedLine.Options)).Append('\n');
        using var quarantine = new FileStream(QuarantinePath, FileMode.Append, FileAccess.Write, FileShare.Read, 0);
        quarantine.Write(Encoding.UTF8.GetBytes(text.ToString()));
        quarantine.Flush(flushToDisk: true);
        return moved;
    }

    private FileStream Open(bool write)
    {
        var directory = Path.GetDirectoryName(JournalPath);
        try
        {
            if (!string.IsNullOrEmpty(directory))
            {
                if (RequirePrivateFolder) PrivateFolder.Ensure(directory);
                else if (write) Directory.CreateDirectory(directory);
            }
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
                // Unbuffered: a failed write (no space) fails in Write itself, and nothing is left to fail again on dispose.
                return write
                    ? new FileStream(JournalPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 0, FileOptions.None)
                    : new FileStream(JournalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.None);
            }
            catch (IOException ex) when (IsHeldByAnother(ex) && DateTime.UtcNow < deadline && File.Exists(JournalPath))
            {
                Thread.Sleep(Random.Shared.Next(2, 15)); // another writer holds the journal
            }
            catch (IOException ex) when (IsHeldByAnother(ex))
            {
                throw new JournalHeldException(
                    $"The audit journal {JournalPath} cannot be opened (held by another process for more than {LockWait.TotalSeconds:0.#} s): {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new AuditStoreException(AuditErrorCodes.JournalFailure, $"The audit journal {JournalPath} cannot be opened: {ex.Message}", ex);
            }
        }
    }

    /// <summary>A sharing violation (another process holds the file), as opposed to a file that cannot be opened at all
    /// (read-only file system, no space, missing folder): only the first is worth waiting for.</summary>
    private static bool IsHeldByAnother(IOException ex) =>
        ex is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException)
        && (OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) is 32 or 33 : ex.HResult is 11 or 35 /* EWOULDBLOCK from flock: Linux, macOS */ || ex.Message.Contains("being used by another process", StringComparison.OrdinalIgnoreCase));

    /// <summary>Complete lines, classified, and the byte length they cover (a torn tail is excluded).</summary>
    private JournalScan Scan(FileStream stream)
    {
        stream.Seek(0, SeekOrigin.Begin);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var parsed = new List<(int, JournalLine)>();
        var rows = new List<JournalRow>();
        var bad = new List<JournalBadLine>();
        var gaps = new List<string>();
        var lines = new List<(int Number, string Text)>();
        int lineNumber = 0;
        long start = 0;
        for (long i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            lineNumber++;
            var text = Encoding.UTF8.GetString(bytes, (int)start, (int)(i - start)).TrimEnd('\r');
            start = i + 1;
            if (text.Length > 0) lines.Add((lineNumber, text));
        }
        // Each line parses and verifies on its own (the link to the line before is checked below): spread over the cores.
        var checkedLines = new (JournalLine? Line, string? Problem)[lines.Count];
        void CheckLine(int i)
        {
            var line = JournalLine.TryParse(lines[i].Text);
            checkedLines[i] = (line, line is null ? null : Check(line));
        }
        if (lines.Count < 256) for (var i = 0; i < lines.Count; i++) CheckLine(i);
        else Parallel.For(0, lines.Count, CheckLine);

        JournalLine? previous = null;
        var previousLine = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var (number, text) = lines[i];
            var (line, problem) = checkedLines[i];
            if (line is null)
            {
                bad.Add(new JournalBadLine(number, "unreadable: not a journal line", text));
                continue;
            }
            parsed.Add((number, line));
            if (problem is not null)
            {
                bad.Add(new JournalBadLine(number, problem, text));
            }
            else
            {
                rows.Add(new JournalRow(number, line.ToRecord()));
                var expected = previous?.RowHash ?? AuditHasher.GenesisHash;
                if (!string.Equals(line.PreviousHash, expected, StringComparison.Ordinal) || line.Sequence != (previous?.Sequence ?? 0) + 1)
                    gaps.Add(previous is null
                        ? $"line {number} does not start the chain (Sequence {line.Sequence}): earlier lines are missing"
                        : $"line {number} does not follow line {previousLine} (Sequence {previous.Sequence} → {line.Sequence}): a line between them is missing or out of order");
            }
            previous = line;
            previousLine = number;
        }
        var torn = start < bytes.Length ? Encoding.UTF8.GetString(bytes, (int)start, bytes.Length - (int)start) : null;
        return new JournalScan(JournalPath, parsed, rows, bad, gaps, lineNumber, start, torn);
    }

    /// <summary>Why a parsed line cannot be replayed (null when it verifies on its own).</summary>
    private static string? Check(JournalLine line)
    {
        AuditEntry normalized;
        try
        {
            normalized = AuditEntryRules.Normalize(line.Entry);
        }
        catch (AuditStoreException ex)
        {
            return $"invalid entry: {ex.Message}";
        }
        if (line.Sequence < 1) return $"invalid Sequence {line.Sequence}";
        var computed = AuditHasher.ComputeRowHash(normalized, line.Sequence, line.PreviousHash);
        return string.Equals(computed, line.RowHash, StringComparison.Ordinal)
            ? null
            : $"altered: its RowHash {line.RowHash} does not match its content (computed {computed})";
    }
}

/// <summary>Another process held the journal for longer than the wait allowed (waiting again will not help soon).</summary>
internal sealed class JournalHeldException(string message, Exception inner) : AuditStoreException(AuditErrorCodes.JournalFailure, message, inner);

/// <summary>One line a drain could not verify, as kept in the quarantine file (JSON Lines next to the journal).</summary>
public sealed record QuarantinedLine(DateTimeOffset QuarantinedAtUtc, string Journal, int Line, string Reason, string Text)
{
    internal static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>"journal:line reason": how a quarantined line reads in a table or a CSV cell (its Text is a property).</summary>
    public override string ToString() => $"{Journal}:{Line} {Reason}";
}
