namespace BuzzKeyMgmt.Engine.Tests;

/// <summary>The repository the tests run from (the folder holding BuzzKeyMgmt.sln), for tests that read its documents.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BuzzKeyMgmt.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No BuzzKeyMgmt.sln above {AppContext.BaseDirectory}.");
    }
}
