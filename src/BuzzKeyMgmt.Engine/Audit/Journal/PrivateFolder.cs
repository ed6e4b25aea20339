namespace BuzzKeyMgmt.Engine.Audit.Journal;

/// <summary>
/// A folder only this user may write, for a journal kept under a shared temporary folder (the fallback journal in
/// /var/tmp): on Unix it is created owner-only (0700), and a folder, or its parent, that is a symbolic link or that group
/// or others may write is refused, so another user can neither plant nor redirect the file. On Windows the user's
/// temporary folder is already private.
/// </summary>
internal static class PrivateFolder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    public static void Ensure(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        var parent = Path.GetDirectoryName(directory);
        if (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent)) Directory.CreateDirectory(parent, OwnerOnly);
        if (!Directory.Exists(directory)) Directory.CreateDirectory(directory, OwnerOnly);
        Check(directory);
        if (!string.IsNullOrEmpty(parent)) Check(parent);
    }

    private static void Check(string directory)
    {
        var info = new DirectoryInfo(directory);
        if (info.LinkTarget is not null)
            throw new UnauthorizedAccessException($"{directory} is a symbolic link: a private folder must be a real folder.");
        if ((info.UnixFileMode & WritableByOthers) != 0)
            throw new UnauthorizedAccessException($"{directory} may be written by other users (mode {Convert.ToString((int)info.UnixFileMode, 8)}): make it owner-only (chmod 700).");
    }
}
