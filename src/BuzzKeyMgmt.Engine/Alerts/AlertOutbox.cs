using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Engine.Alerts;

/// <summary>One alert waiting in the outbox: where it goes, its body (which holds the alert id), why it is waiting.</summary>
public sealed record PendingAlert(string AlertId, string TopicArn, string Subject, string Body, DateTimeOffset QueuedAtUtc, string? LastError);

/// <summary>What became of one pending alert during a drain.</summary>
public enum DrainStep { Delivered, Kept, Stop }

/// <summary>An outbox line that is not a pending alert: its line number in the outbox as it was read (1-based, every
/// line counted), why it was refused, and its text. In the quarantine file each one also says when it was moved there
/// and, when the line was not valid UTF-8, its exact bytes (base64).</summary>
public sealed record QuarantinedLine(int Line, string Reason, string Text, DateTimeOffset? QuarantinedAtUtc = null, string? Bytes = null);

/// <summary>What a drain did: alerts delivered now, pending alerts still waiting, the lines it moved to the quarantine
/// file, and how many lines that file holds in all (waiting for a person).</summary>
public sealed record OutboxDrainResult(int Delivered, int Remaining, IReadOnlyList<QuarantinedLine> Quarantined, int QuarantineTotal);

/// <summary>The outbox as it stands: the pending alerts (oldest first, each once), the lines that cannot be read as one
/// (the next drain quarantines them), and how many lines wait in the quarantine file.</summary>
public sealed record OutboxStatus(IReadOnlyList<PendingAlert> Pending, IReadOnlyList<QuarantinedLine> Unreadable, int Quarantined)
{
    /// <summary>True when nothing waits: no pending alert, no unreadable line, an empty quarantine file.</summary>
    public bool IsEmpty => Pending.Count == 0 && Unreadable.Count == 0 && Quarantined == 0;
}

/// <summary>
/// Durable local outbox for alerts SNS has not taken yet, in the user's data directory next to the audit journal
/// (<c>outbox/&lt;environment&gt;.jsonl</c>). Four files share the name:
/// <list type="bullet">
/// <item><c>&lt;env&gt;.jsonl</c>: the queue, append-only. One <see cref="PendingAlert"/> per line, each append flushed to
/// disk (fsync) before it returns. Only compaction replaces it, never in place.</item>
/// <item><c>&lt;env&gt;.delivered</c>: one line per delivered alert id (a JSON string), written right after SNS took the
/// alert and before the next publish, so a process that dies re-sends at most the one alert in flight. A drain flushes
/// it to disk every <see cref="RecordsPerDiskFlush"/> records or <see cref="RecordFlushInterval"/> (an alert whose record
/// a power loss takes is sent again, with the same alertId: never lost). An alert whose id is in this log is delivered,
/// wherever it is in the queue.</item>
/// <item><c>&lt;env&gt;.quarantine.jsonl</c>: lines of the queue that are not a pending alert (not JSON, or not a pending
/// alert), each with its line number and the reason, moved there (durably) before the queue is compacted without them.</item>
/// <item><c>&lt;env&gt;.lock</c>: every access holds it exclusively (bounded retries, 30 s), so processes and threads
/// take turns and a drain holds the whole outbox while it publishes.</item>
/// </list>
/// Compaction writes the alerts still waiting to <c>&lt;env&gt;.jsonl.new</c>, flushes it to disk, renames it over the
/// queue (atomic), flushes the directory, and only then empties the delivered log. A crash at any point leaves either
/// the old queue with its delivered log (its delivered alerts are skipped) or the new queue, never a torn one. A torn
/// last line of any of the files (a crash mid-write, never acknowledged) is ignored on read and cut off on the next
/// append.
/// </summary>
public sealed class AlertOutbox
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private const int BufferSize = 1 << 16;

    /// <summary>A drain flushes the delivered log to disk after this many records, or once <see cref="RecordFlushInterval"/>
    /// passed since its last flush, whichever comes first (each record reaches the operating system at once).</summary>
    public const int RecordsPerDiskFlush = 128;

    /// <inheritdoc cref="RecordsPerDiskFlush"/>
    public static readonly TimeSpan RecordFlushInterval = TimeSpan.FromMilliseconds(100);

    public AlertOutbox(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        OutboxPath = Path.GetFullPath(path);
        var stem = OutboxPath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? OutboxPath[..^".jsonl".Length] : OutboxPath;
        DeliveredPath = stem + ".delivered";
        QuarantinePath = stem + ".quarantine.jsonl";
        LockPath = stem + ".lock";
        CompactionPath = OutboxPath + ".new";
    }

    /// <summary>The outbox of an environment in the default data directory.</summary>
    public static AlertOutbox ForEnvironment(string environmentName, Func<string, string?>? environment = null)
    {
        var safe = string.Concat(environmentName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return new AlertOutbox(Path.Combine(AuditStoreFactory.DefaultDataDirectory(environment), "outbox", safe + ".jsonl"));
    }

    /// <summary>The queue: one pending alert per line, append-only.</summary>
    public string OutboxPath { get; }

    /// <summary>The delivered log: one line (the alert id as a JSON string) per alert SNS took since the last compaction.</summary>
    public string DeliveredPath { get; }

    /// <summary>Lines of the queue that could not be read as a pending alert, with their line numbers and why.</summary>
    public string QuarantinePath { get; }

    /// <summary>Held exclusively by every access.</summary>
    public string LockPath { get; }

    /// <summary>The new queue a compaction writes before renaming it over <see cref="OutboxPath"/>.</summary>
    public string CompactionPath { get; }

    /// <summary>Adds one alert at the end, durably (flushed to disk before it returns).</summary>
    public void Append(PendingAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (Refusal(alert) is { } why) throw new ArgumentException($"Not a pending alert: {why}.", nameof(alert));
        var line = JsonSerializer.Serialize(alert, Json);
        using var held = Lock();
        AppendLines(OutboxPath, [line]);
    }

    /// <summary>Records that one alert was delivered (SNS took it): its id goes to the delivered log, flushed to disk.
    /// When nothing else waits in the queue, the queue and the log are emptied. False when the alert is not queued.</summary>
    public bool Remove(string alertId)
    {
        ArgumentException.ThrowIfNullOrEmpty(alertId);
        if (!File.Exists(OutboxPath)) return false;
        using var held = Lock();
        var delivered = ReadDelivered();
        var lines = ReadLines(OutboxPath, out _).Select(Parse).ToList();
        if (!lines.Any(l => l.Alert?.AlertId == alertId) || delivered.Contains(alertId)) return false;
        AppendLines(DeliveredPath, [JsonSerializer.Serialize(alertId, Json)]);
        delivered.Add(alertId);
        if (lines.All(l => l.Alert is { } a && delivered.Contains(a.AlertId)))
        {
            // Nothing else waits: empty the queue first, then the log (a crash in between leaves ids of alerts that
            // are gone, which match nothing).
            Truncate(OutboxPath);
            Truncate(DeliveredPath);
        }
        return true;
    }

    /// <summary>Every readable pending alert not delivered yet, oldest first, each id once.</summary>
    public IReadOnlyList<PendingAlert> ReadAll() => Inspect().Pending;

    /// <summary>The outbox as it stands (read under the lock; changes nothing).</summary>
    public OutboxStatus Inspect()
    {
        if (!File.Exists(OutboxPath) && !File.Exists(QuarantinePath)) return new OutboxStatus([], [], 0);
        using var held = Lock();
        var delivered = ReadDelivered();
        var pending = new List<PendingAlert>();
        var unreadable = new List<QuarantinedLine>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in ReadLines(OutboxPath, out _).Select(Parse))
        {
            if (line.Alert is not { } alert) unreadable.Add(line.Refused!);
            else if (!delivered.Contains(alert.AlertId) && seen.Add(alert.AlertId)) pending.Add(alert);
        }
        return new OutboxStatus(pending, unreadable, CountLines(QuarantinePath));
    }

    /// <summary>The lines waiting in the quarantine file, in the order they were moved there.</summary>
    public IReadOnlyList<QuarantinedLine> ReadQuarantine()
    {
        if (!File.Exists(QuarantinePath)) return [];
        using var held = Lock();
        return ReadQuarantineRecords();
    }

    /// <summary>
    /// Holds the outbox exclusively and offers each pending alert, oldest first, to <paramref name="deliver"/>. Lines
    /// that are not a pending alert are first moved (durably) to the quarantine file with their line numbers. An alert
    /// is recorded as delivered (its id appended to the delivered log, flushed to disk within
    /// <see cref="RecordsPerDiskFlush"/> records or <see cref="RecordFlushInterval"/>) right after
    /// <paramref name="deliver"/> returns Delivered for it; Kept leaves it and goes on (a permanent error such as a
    /// deleted topic must not hold back the others); Stop leaves it and every later one and ends the drain (SNS is down:
    /// keep the order). Then the queue is compacted (see the class). A crash between a delivery and its record leaves
    /// that one alert to be delivered again; an exception from <paramref name="deliver"/> leaves the outbox as a crash
    /// would.
    /// </summary>
    public async Task<OutboxDrainResult> DrainAsync(Func<PendingAlert, Task<DrainStep>> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (!File.Exists(OutboxPath) && !File.Exists(DeliveredPath))
            return new OutboxDrainResult(0, 0, [], File.Exists(QuarantinePath) ? ReadQuarantine().Count : 0);
        using var held = Lock();
        var delivered = ReadDelivered();
        var lines = ReadLines(OutboxPath, out var tornTail).Select(Parse).ToList();
        var changed = tornTail || delivered.Count > 0;

        var bad = lines.Where(l => l.Alert is null).Select(l => l.Refused!).ToList();
        if (bad.Count > 0)
        {
            Quarantine(bad); // durably, before the compaction drops them from the queue
            changed = true;
        }

        var keep = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int deliveredNow = 0;
        var stopped = false;
        FileStream? log = null;
        var unflushed = 0;
        var lastFlush = Stopwatch.GetTimestamp();
        try
        {
            foreach (var line in lines)
            {
                if (line.Alert is not { } alert) continue;                        // quarantined
                if (delivered.Contains(alert.AlertId) || !seen.Add(alert.AlertId)) // delivered before, or a second copy
                {
                    changed = true;
                    continue;
                }
                if (stopped)
                {
                    keep.Add(line.Text);
                    continue;
                }
                var step = await deliver(alert).ConfigureAwait(false);
                if (step != DrainStep.Delivered)
                {
                    stopped = step == DrainStep.Stop;
                    keep.Add(line.Text);
                    continue;
                }
                // The record reaches the operating system before the next publish (a process that dies now re-sends at
                // most the alert in flight); the disk gets it within 128 records or 100 ms (a power loss re-sends at most those).
                log ??= OpenForAppend(DeliveredPath);
                log.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(alert.AlertId, Json) + "\n"));
                if (++unflushed >= RecordsPerDiskFlush || Stopwatch.GetElapsedTime(lastFlush) >= RecordFlushInterval)
                {
                    log.Flush(flushToDisk: true);
                    (unflushed, lastFlush) = (0, Stopwatch.GetTimestamp());
                }
                delivered.Add(alert.AlertId);
                deliveredNow++;
                changed = true;
            }
            if (unflushed > 0) log!.Flush(flushToDisk: true);
        }
        finally
        {
            log?.Dispose();
        }
        if (changed) Compact(keep);
        return new OutboxDrainResult(deliveredNow, keep.Count, bad, CountLines(QuarantinePath));
    }

    /// <summary>"line 3: not JSON: …; line 7: …" for the first <paramref name="named"/> lines, then how many more.</summary>
    public static string Describe(IReadOnlyList<QuarantinedLine> lines, int named = 5)
    {
        var text = string.Join("; ", lines.Take(named).Select(l => $"line {l.Line}: {l.Reason}"));
        return lines.Count > named ? $"{text}; and {lines.Count - named} more" : text;
    }

    /// <summary>Replaces the queue with <paramref name="keep"/>: written to a new file and flushed to disk, renamed over
    /// the queue, the directory flushed, and only then the delivered log emptied.</summary>
    private void Compact(List<string> keep)
    {
        using (var fresh = new FileStream(CompactionPath, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
        {
            foreach (var text in keep) fresh.Write(Encoding.UTF8.GetBytes(text + "\n"));
            fresh.Flush(flushToDisk: true);
        }
        File.Move(CompactionPath, OutboxPath, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(OutboxPath)!);
        Truncate(DeliveredPath);
    }

    /// <summary>Appends the bad lines not already there (a crash after the quarantine, before the compaction, finds them
    /// again at the same line numbers), flushed to disk.</summary>
    private void Quarantine(List<QuarantinedLine> bad)
    {
        var already = ReadQuarantineRecords().Select(q => (q.Line, q.Text)).ToHashSet();
        var now = DateTimeOffset.UtcNow;
        var records = bad.Where(b => !already.Contains((b.Line, b.Text)))
            .Select(b => JsonSerializer.Serialize(b with { QuarantinedAtUtc = now }, Json)).ToList();
        if (records.Count > 0) AppendLines(QuarantinePath, records);
    }

    private List<QuarantinedLine> ReadQuarantineRecords()
    {
        var records = new List<QuarantinedLine>();
        foreach (var line in ReadLines(QuarantinePath, out _))
        {
            QuarantinedLine? record = null;
            try
            {
                record = JsonSerializer.Deserialize<QuarantinedLine>(line.Text, Json);
            }
            catch (JsonException)
            {
            }
            // A line someone edited into something else still counts: it is in the file a person must look at.
            records.Add(record ?? new QuarantinedLine(0, "unreadable quarantine record", line.Text));
        }
        return records;
    }

    private HashSet<string> ReadDelivered()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in ReadLines(DeliveredPath, out _))
        {
            try
            {
                if (JsonSerializer.Deserialize<string>(line.Text, Json) is { Length: > 0 } id) ids.Add(id);
            }
            catch (JsonException)
            {
                // Not an id: ignoring it can only re-send an alert (same alertId), never lose one.
            }
        }
        return ids;
    }

    private sealed record RawLine(int Number, string Text, byte[]? InvalidUtf8);

    private sealed record ParsedLine(string Text, PendingAlert? Alert, QuarantinedLine? Refused);

    private static ParsedLine Parse(RawLine line)
    {
        if (line.InvalidUtf8 is not null)
            return new ParsedLine(line.Text, null, new QuarantinedLine(line.Number, "not UTF-8 text", line.Text, Bytes: Convert.ToBase64String(line.InvalidUtf8)));
        string reason;
        try
        {
            var alert = JsonSerializer.Deserialize<PendingAlert>(line.Text, Json);
            if (alert is not null && Refusal(alert) is null) return new ParsedLine(line.Text, alert, null);
            reason = alert is null ? "not a pending alert: null" : $"not a pending alert: {Refusal(alert)}";
        }
        catch (JsonException ex)
        {
            reason = IsJson(line.Text) ? $"not a pending alert: {ex.Message}" : $"not JSON: {ex.Message}";
        }
        return new ParsedLine(line.Text, null, new QuarantinedLine(line.Number, reason, line.Text));
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Why an alert cannot be queued or sent, or null.</summary>
    private static string? Refusal(PendingAlert alert)
    {
        var missing = new[] { ("alertId", alert.AlertId), ("topicArn", alert.TopicArn), ("body", alert.Body) }
            .Where(f => string.IsNullOrEmpty(f.Item2)).Select(f => f.Item1).ToList();
        return missing.Count == 0 ? null : $"{string.Join(", ", missing)} missing";
    }

    /// <summary>The complete lines of a file (each ends with a newline; a torn last line is left out and reported),
    /// numbered from 1 counting every line; blank lines are counted but not returned.</summary>
    private static List<RawLine> ReadLines(string path, out bool tornTail)
    {
        var lines = new List<RawLine>();
        tornTail = false;
        if (!File.Exists(path)) return lines;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var buffer = new byte[BufferSize];
        var partial = new MemoryStream();
        var number = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            int newline;
            while ((newline = chunk.IndexOf((byte)'\n')) >= 0)
            {
                number++;
                ReadOnlySpan<byte> bytes;
                if (partial.Length == 0) bytes = chunk[..newline];
                else
                {
                    partial.Write(chunk[..newline]);
                    bytes = partial.GetBuffer().AsSpan(0, (int)partial.Length);
                }
                var line = Decode(number, bytes);
                if (!string.IsNullOrWhiteSpace(line.Text)) lines.Add(line);
                partial.SetLength(0);
                chunk = chunk[(newline + 1)..];
            }
            partial.Write(chunk);
        }
        tornTail = partial.Length > 0;
        return lines;
    }

    private static RawLine Decode(int number, ReadOnlySpan<byte> bytes)
    {
        if (number == 1 && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..]; // a BOM an editor added
        try
        {
            return new RawLine(number, StrictUtf8.GetString(bytes), null);
        }
        catch (DecoderFallbackException)
        {
            return new RawLine(number, Encoding.UTF8.GetString(bytes), bytes.ToArray());
        }
    }

    private static int CountLines(string path) => ReadLines(path, out _).Count;

    /// <summary>Appends complete lines after cutting off a torn last line, flushed to disk before it returns.</summary>
    private static void AppendLines(string path, IReadOnlyList<string> lines)
    {
        using var stream = OpenForAppend(path);
        var text = new StringBuilder();
        foreach (var line in lines) text.Append(line).Append('\n');
        stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Opens a file for appending, positioned after its last complete line (a torn last line is cut off).</summary>
    private static FileStream OpenForAppend(string path)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1);
        try
        {
            stream.SetLength(CompleteLength(stream));
            stream.Seek(0, SeekOrigin.End);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The length up to and including the last newline: reads backwards from the end, so it costs one line.</summary>
    private static long CompleteLength(FileStream stream)
    {
        var end = stream.Length;
        var buffer = new byte[4096];
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            var count = (int)(end - start);
            stream.Seek(start, SeekOrigin.Begin);
            stream.ReadExactly(buffer, 0, count);
            var newline = buffer.AsSpan(0, count).LastIndexOf((byte)'\n');
            if (newline >= 0) return start + newline + 1;
            end = start;
        }
        return 0;
    }

    private static void Truncate(string path)
    {
        if (!File.Exists(path)) return;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read, 1);
        if (stream.Length == 0) return;
        stream.SetLength(0);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The outbox lock: an exclusive open of <see cref="LockPath"/>, retried while another process or thread
    /// holds it (up to 30 s).</summary>
    private FileStream Lock()
    {
        var directory = Path.GetDirectoryName(LockPath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(2, 15)); // another process holds the outbox
            }
        }
    }

    /// <summary>Makes a rename in <paramref name="directory"/> durable (fsync of the directory). On Windows NTFS logs the
    /// rename itself and .NET has no directory handle to flush; where libc cannot be called the rename is still atomic,
    /// only its durability across a power loss is then up to the file system.</summary>
    private static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            var fd = Native.open(directory, 0 /* O_RDONLY */);
            if (fd < 0) return;
            try
            {
                Native.fsync(fd);
            }
            finally
            {
                Native.close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc")]
        public static extern int close(int fd);
    }
}
