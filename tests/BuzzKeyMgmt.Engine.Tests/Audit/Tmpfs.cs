using System.Diagnostics;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// A small tmpfs mounted on a folder, for a disk that fills up or a folder that is read-only (as root, file modes do not
/// stop writes: a read-only mount does). Needs Linux and the right to mount (root, as in CI); unmounted on dispose.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    private Tmpfs(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>Why tmpfs cannot be mounted here (null when it can).</summary>
    public static string? WhyNot => Unavailable.Value;

    public static Tmpfs Mount(string directory, int sizeKb = 1024, bool readOnly = false)
    {
        System.IO.Directory.CreateDirectory(directory);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={sizeKb}k,mode=0755{(readOnly ? ",ro" : "")}", "tmpfs", directory);
        if (code != 0) throw new InvalidOperationException($"mount -t tmpfs on {directory} failed ({code}): {output}");
        return new Tmpfs(directory);
    }

    /// <summary>Fills the mount until the file system refuses more (ENOSPC).</summary>
    public void Fill()
    {
        using var filler = new FileStream(Path.Combine(Directory, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, 0);
        var block = new byte[4096];
        try
        {
            while (true) filler.Write(block);
        }
        catch (IOException)
        {
            // full
        }
    }

    /// <summary>Frees the space <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(Path.Combine(Directory, "filler"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();   // pooled connections hold files open on the mount
        BuzzKeyMgmt.Engine.Audit.Sqlite.SqliteAuditStore.CloseIdleWriters();   // and so do the kept audit writers
        if (Run("umount", Directory).Code != 0) Run("umount", "-l", Directory);
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs mounts need Linux.";
        var probe = Path.Combine(Path.GetTempPath(), "bkm-tmpfs-probe-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            System.IO.Directory.CreateDirectory(probe);
            var (code, output) = Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe);
            if (code != 0) return $"mounting a tmpfs is not permitted here (mount exited {code}: {output.Trim()}); run as root to test disk-full and read-only folders.";
            Run("umount", probe);
            return null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return $"mount cannot be run here ({ex.Message}).";
        }
        finally
        {
            try { System.IO.Directory.Delete(probe); } catch (IOException) { }
        }
    }

    private static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

/// <summary>A [Fact] that needs <see cref="Tmpfs"/>: skipped, saying why, where a tmpfs cannot be mounted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.WhyNot is { } why) Skip = why;
    }
}
