using System.Text;
using System.Text.Json;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Engine.Alerts;

/// <summary>One alert waiting in the outbox: where it goes, its body (which holds the alert id), why it is waiting.</summary>
public sealed record PendingAlert(string AlertId, string TopicArn, string Subject, string Body, DateTimeOffset QueuedAtUtc, string? LastError);

/// <summary>What became of one pending alert during a drain.</summary>
public enum DrainStep { Delivered, Kept, Stop }

/// <summary>
/// Durable local outbox for alerts whose publish failed: JSON Lines, one pending alert per line, each append flushed to
/// disk (Flush(true)) before it returns, in the user's data directory next to the audit journal
/// (<c>outbox/&lt;environment&gt;.jsonl</c>). A torn last line (a crash mid-write, never acknowledged) is ignored on
/// read and cut off on the next write; a complete line that cannot be read is kept as it is (never sent, never lost).
/// Processes share the file through an exclusive open with retries, as the audit journal does.
/// </summary>
public sealed class AlertOutbox
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public AlertOutbox(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        OutboxPath = Path.GetFullPath(path);
    }

    /// <summary>The outbox of an environment in the default data directory.</summary>
    public static AlertOutbox ForEnvironment(string environmentName, Func<string, string?>? environment = null)
    {
        var safe = string.Concat(environmentName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return new AlertOutbox(Path.Combine(AuditStoreFactory.DefaultDataDirectory(environment), "outbox", safe + ".jsonl"));
    }

    public string OutboxPath { get; }

    /// <summary>Adds one alert at the end, durably.</summary>
    public void Append(PendingAlert alert)
    {
        using var stream = OpenExclusive();
        var (_, validLength) = ReadLines(stream);
        stream.SetLength(validLength); // drop a torn last line
        stream.Seek(0, SeekOrigin.End);
        stream.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(alert, Json) + "\n"));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Takes one alert out (it was delivered). Not flushed to disk: if the removal is lost in a crash, the
    /// alert is sent once more with the same alertId.</summary>
    public bool Remove(string alertId)
    {
        if (!File.Exists(OutboxPath)) return false;
        using var stream = OpenExclusive();
        var (lines, _) = ReadLines(stream);
        var removed = lines.RemoveAll(l => l.Alert?.AlertId == alertId);
        if (removed == 0) return false;
        Rewrite(stream, lines, flushToDisk: false);
        return true;
    }

    /// <summary>Every readable pending alert, oldest first.</summary>
    public IReadOnlyList<PendingAlert> ReadAll()
    {
        if (!File.Exists(OutboxPath)) return [];
        using var stream = OpenExclusive();
        return ReadLines(stream).Lines.Where(l => l.Alert is not null).Select(l => l.Alert!).ToList();
    }

    /// <summary>
    /// Holds the outbox exclusively and offers each readable pending alert, oldest first, to <paramref name="deliver"/>.
    /// An alert is removed (durably) right after <paramref name="deliver"/> returns Delivered for it; Kept leaves it and
    /// goes on (a permanent error such as a deleted topic must not hold back the others); Stop leaves it and ends the
    /// drain (SNS is down: keep the order). A crash between a delivery and its removal leaves that one alert to be
    /// delivered again.
    /// </summary>
    public async Task<(int Delivered, int Remaining)> DrainAsync(Func<PendingAlert, Task<DrainStep>> deliver)
    {
        if (!File.Exists(OutboxPath)) return (0, 0);
        using var stream = OpenExclusive();
        var lines = ReadLines(stream).Lines;
        int delivered = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Alert is not { } alert) continue;
            var step = await deliver(alert).ConfigureAwait(false);
            if (step == DrainStep.Stop) break;
            if (step == DrainStep.Kept) continue;
            lines.RemoveAt(i--);
            delivered++;
            Rewrite(stream, lines, flushToDisk: true);
        }
        return (delivered, lines.Count(l => l.Alert is not null));
    }

    private static void Rewrite(FileStream stream, List<OutboxLine> lines, bool flushToDisk)
    {
        stream.SetLength(0);
        stream.Seek(0, SeekOrigin.Begin);
        foreach (var line in lines) stream.Write(Encoding.UTF8.GetBytes(line.Text + "\n"));
        stream.Flush(flushToDisk);
    }

    private sealed record OutboxLine(string Text, PendingAlert? Alert);

    private static (List<OutboxLine> Lines, long ValidLength) ReadLines(FileStream stream)
    {
        stream.Seek(0, SeekOrigin.Begin);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var lines = new List<OutboxLine>();
        int start = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            var text = Encoding.UTF8.GetString(bytes, start, i - start);
            if (text.Length > 0) lines.Add(new OutboxLine(text, TryParse(text)));
            start = i + 1;
        }
        return (lines, start);
    }

    private static PendingAlert? TryParse(string text)
    {
        try
        {
            var alert = JsonSerializer.Deserialize<PendingAlert>(text, Json);
            return alert is { AlertId.Length: > 0, TopicArn.Length: > 0, Body.Length: > 0 } ? alert : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private FileStream OpenExclusive()
    {
        var directory = Path.GetDirectoryName(OutboxPath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(OutboxPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(OutboxPath))
            {
                Thread.Sleep(Random.Shared.Next(2, 15)); // another process holds the outbox
            }
        }
    }
}
