namespace BuzzKeyMgmt.Engine.Audit.Journal;

/// <summary>A journal row that verifies on its own (it parses, its entry is valid, its RowHash matches its content),
/// with its 1-based line number in the journal file.</summary>
public sealed record JournalRow(int Line, AuditRecord Record);

/// <summary>A journal line that cannot be verified: its 1-based line number, why, and its text as found.</summary>
public sealed record JournalBadLine(int Line, string Reason, string Text)
{
    public override string ToString() => $"line {Line}: {Reason}";
}

/// <summary>
/// What one read of a journal file found: the rows that verify, the lines that do not (unreadable, altered or invalid),
/// the places where a verifiable row does not link to the line before it (a line missing or out of order: reported, the
/// row itself is still good), and the torn tail (an incomplete last line, never acknowledged to a writer).
/// </summary>
public sealed class JournalScan
{
    internal JournalScan(string path, IReadOnlyList<(int Line, JournalLine Parsed)> parsed, IReadOnlyList<JournalRow> rows,
        IReadOnlyList<JournalBadLine> bad, IReadOnlyList<string> gaps, int lineCount, long validLength, string? tornTail)
    {
        JournalPath = path;
        Parsed = parsed;
        Rows = rows;
        BadLines = bad;
        Gaps = gaps;
        LineCount = lineCount;
        ValidLength = validLength;
        TornTail = tornTail;
    }

    public static JournalScan Empty(string path) => new(path, [], [], [], [], 0, 0, null);

    public string JournalPath { get; }

    /// <summary>Rows that verify, in journal order.</summary>
    public IReadOnlyList<JournalRow> Rows { get; }

    /// <summary>Lines that do not verify, in journal order.</summary>
    public IReadOnlyList<JournalBadLine> BadLines { get; }

    /// <summary>Link breaks between verifiable rows (text, naming the line).</summary>
    public IReadOnlyList<string> Gaps { get; }

    /// <summary>Complete lines in the file (empty lines included), i.e. the number of the last complete line.</summary>
    public int LineCount { get; }

    /// <summary>Every line that parsed as a journal line (verifiable or not), with its line number.</summary>
    internal IReadOnlyList<(int Line, JournalLine Parsed)> Parsed { get; }

    /// <summary>Bytes covered by complete lines (a torn tail excluded).</summary>
    internal long ValidLength { get; }

    /// <summary>The incomplete last line, if any (a write that never finished; never acknowledged to its writer).</summary>
    public string? TornTail { get; }

    /// <summary>The last line that parsed (verifiable or not): a new line chains after it.</summary>
    internal JournalLine? LastParsed => Parsed.Count == 0 ? null : Parsed[^1].Parsed;

    public bool IsClean => BadLines.Count == 0;

    /// <summary>"line 2: unreadable …; line 7: altered …" (the first few).</summary>
    public string DescribeBadLines(int max = 3) =>
        string.Join("; ", BadLines.Take(max).Select(b => b.ToString())) + (BadLines.Count > max ? $"; and {BadLines.Count - max} more" : "");
}
