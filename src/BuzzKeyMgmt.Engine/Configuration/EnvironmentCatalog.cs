namespace BuzzKeyMgmt.Engine.Configuration;

/// <summary>
/// The environments this session can use: those in the configuration file, plus those registered for the
/// session only (Start-KeyMgmtSandbox registers "sandbox"). A session registration wins over a file entry of the
/// same name. The file is re-read when it changes, so an edit takes effect without re-importing the module.
/// </summary>
public static class EnvironmentCatalog
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, KeyMgmtEnvironment> SessionEnvironments = new(StringComparer.OrdinalIgnoreCase);
    private static (string Path, DateTime Stamp, IReadOnlyList<KeyMgmtEnvironment> Items)? _cache;

    public static string ConfigurationFilePath => ConfigurationPaths.EnvironmentsFile;

    /// <summary>Every environment; throws <see cref="ConfigurationException"/> when the file is malformed.
    /// A missing file is not an error: it simply has no environments.</summary>
    public static IReadOnlyList<KeyMgmtEnvironment> All()
    {
        var fromFile = FromFile();
        lock (Gate)
        {
            return fromFile.Where(e => !SessionEnvironments.ContainsKey(e.Name))
                .Concat(SessionEnvironments.Values)
                .OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
                .ToList();
        }
    }

    public static KeyMgmtEnvironment? Find(string name)
    {
        lock (Gate)
        {
            if (SessionEnvironments.TryGetValue(name, out var registered)) return registered;
        }
        return FromFile().FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    public static void Register(KeyMgmtEnvironment environment)
    {
        lock (Gate) SessionEnvironments[environment.Name] = environment;
    }

    public static void Unregister(string name)
    {
        lock (Gate) SessionEnvironments.Remove(name);
    }

    private static IReadOnlyList<KeyMgmtEnvironment> FromFile()
    {
        var path = ConfigurationPaths.EnvironmentsFile;
        if (!File.Exists(path)) return Array.Empty<KeyMgmtEnvironment>();
        var stamp = File.GetLastWriteTimeUtc(path);
        lock (Gate)
        {
            if (_cache is { } c && c.Path == path && c.Stamp == stamp) return c.Items;
        }
        var items = ConfigurationFile.Load(path);
        lock (Gate) _cache = (path, stamp, items);
        return items;
    }
}
