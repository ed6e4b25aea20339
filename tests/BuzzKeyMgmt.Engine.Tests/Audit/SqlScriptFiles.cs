namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>Finds the repository's sql/ folder by walking up from the test output directory.</summary>
internal static class SqlScriptFiles
{
    public static string SqlDirectory { get; } = Find();

    public static IReadOnlyList<string> Scripts(string provider) =>
        Directory.GetFiles(Path.Combine(SqlDirectory, provider), "*.sql").OrderBy(f => f, StringComparer.Ordinal).ToList();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "sql");
            if (Directory.Exists(Path.Combine(candidate, "sqlserver")) && File.Exists(Path.Combine(dir.FullName, "BuzzKeyMgmt.sln")))
                return candidate;
        }
        throw new DirectoryNotFoundException("The repository's sql/ folder was not found above the test output directory.");
    }
}
