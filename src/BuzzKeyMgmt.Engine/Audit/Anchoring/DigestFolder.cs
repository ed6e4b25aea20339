using System.Collections.Concurrent;
using System.Globalization;

namespace BuzzKeyMgmt.Engine.Audit.Anchoring;

/// <summary>One file of a digest folder as read: its digest, or why it could not be read.</summary>
public sealed record DigestFile(string Path, AuditDigest? Digest, string? Problem)
{
    public string Name => System.IO.Path.GetFileName(Path);
}

/// <summary>
/// A folder of signed chain digests: one file per digest, <c>digest-NNNNNNNNNNNN.json</c> (the digest's number, 12
/// digits), written whole (to a temporary name, flushed to disk, then renamed) so a reader never sees half of one, and a
/// <c>LATEST</c> file naming the newest number (a hint only: it is checked against the files). Writers serialise through
/// an exclusive lock on <c>.lock</c> in the folder (across processes and runspaces).
/// </summary>
public sealed class DigestFolder(string path)
{
    public const string Pattern = "digest-*.json";
    private const string LatestFile = "LATEST", LockFile = ".lock";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string FileOf(long number) => System.IO.Path.Combine(Path, AuditDigest.FileNameOf(number));

    /// <summary>Takes the folder's writer lock (creating the folder), waiting up to <paramref name="timeout"/>.</summary>
    public async Task<IDisposable> LockAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(System.IO.Path.Combine(Path, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                    FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(15, cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The newest digest (the highest number), or null when the folder holds none. Throws
    /// <see cref="FormatException"/> when the newest file is not a digest (the chain of digests cannot be continued).</summary>
    public AuditDigest? ReadNewest()
    {
        if (!Directory.Exists(Path)) return null;
        var number = HintedNewest() ?? ScanNewest();
        if (number is null) return null;
        var file = FileOf(number.Value);
        var digest = AuditDigest.Parse(File.ReadAllBytes(file));
        if (digest.Number != number) throw new FormatException($"{file} holds digest number {digest.Number}, not {number}");
        return digest;
    }

    private long? HintedNewest()
    {
        try
        {
            var text = File.ReadAllText(System.IO.Path.Combine(Path, LatestFile)).Trim();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return null;
            return File.Exists(FileOf(n)) && !File.Exists(FileOf(n + 1)) ? n : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private long? ScanNewest()
    {
        long? newest = null;
        foreach (var file in Directory.EnumerateFiles(Path, Pattern))
            if (NumberOf(file) is { } n && (newest is null || n > newest)) newest = n;
        return newest;
    }

    /// <summary>The numbers of the folder's digest files, from their names alone, in order (empty when there is no folder).</summary>
    public IReadOnlyList<long> ListNumbers()
    {
        if (!Directory.Exists(Path)) return [];
        var numbers = new List<long>();
        foreach (var file in Directory.EnumerateFiles(Path, Pattern))
            if (NumberOf(file) is { } n) numbers.Add(n);
        numbers.Sort();
        return numbers;
    }

    /// <summary>The number in a digest file's name, or null when the name is not a digest's.</summary>
    public static long? NumberOf(string file)
    {
        var name = System.IO.Path.GetFileName(file);
        return name.Length == "digest-".Length + 12 + ".json".Length && name.StartsWith("digest-", StringComparison.Ordinal)
               && name.EndsWith(".json", StringComparison.Ordinal)
               && long.TryParse(name.AsSpan("digest-".Length, 12), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : null;
    }

    /// <summary>Writes a new digest (never over an existing one) and points LATEST at it; the caller holds the lock.</summary>
    public string Write(AuditDigest digest)
    {
        Directory.CreateDirectory(Path);
        var final = FileOf(digest.Number);
        var temporary = System.IO.Path.Combine(Path, $".{digest.FileName}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(digest.ToJson());
            stream.Flush(flushToDisk: true);
        }
        try
        {
            File.Move(temporary, final, overwrite: false);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        File.WriteAllText(System.IO.Path.Combine(Path, LatestFile), digest.Number.ToString(CultureInfo.InvariantCulture));
        return final;
    }

    /// <summary>Every digest file of the folder read and parsed (in parallel), in number order; unreadable ones carry their
    /// problem. Files whose names are not digests' are left alone.</summary>
    public IReadOnlyList<DigestFile> ReadAll(CancellationToken cancellation = default)
    {
        if (!Directory.Exists(Path)) return [];
        var files = Directory.GetFiles(Path, Pattern).Where(f => NumberOf(f) is not null).ToArray();
        var read = new DigestFile[files.Length];
        Parallel.ForEach(Partitioner.Create(0, files.Length, Math.Max(256, files.Length / (Environment.ProcessorCount * 8) + 1)),
            new ParallelOptions { CancellationToken = cancellation }, range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    try
                    {
                        var digest = AuditDigest.Parse(File.ReadAllBytes(files[i]));
                        read[i] = digest.Number == NumberOf(files[i])
                            ? new DigestFile(files[i], digest, null)
                            : new DigestFile(files[i], null, $"the file holds digest number {digest.Number}, not the one its name gives");
                    }
                    catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
                    {
                        read[i] = new DigestFile(files[i], null, ex.Message);
                    }
                }
            });
        return read.OrderBy(f => NumberOf(f.Path)).ToArray();
    }
}
