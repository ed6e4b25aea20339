namespace BuzzKeyMgmt.Engine.Configuration;

/// <summary>
/// The environments one context (one PowerShell runspace) can use: those in the configuration file, plus those
/// registered for this context only (Start-KeyMgmtSandbox registers "sandbox" and its companions). A registration wins
/// over a file entry of the same name. The file is re-read when it changes, so an edit takes effect without
/// re-importing the module.
/// </summary>
public sealed class EnvironmentCatalog
{
    private readonly object _gate = new();
    private readonly Dictionary<string, KeyMgmtEnvironment> _registered = new(StringComparer.OrdinalIgnoreCase);
    private (string Path, DateTime Stamp, IReadOnlyList<KeyMgmtEnvironment> Items)? _cache;

    public static string ConfigurationFilePath => ConfigurationPaths.EnvironmentsFile;

    /// <summary>Every environment; throws <see cref="ConfigurationException"/> when the file is malformed.
    /// A missing file is not an error: it simply has no environments.</summary>
    public IReadOnlyList<KeyMgmtEnvironment> All()
    {
        var fromFile = FromFile();
        lock (_gate)
        {
            return fromFile.Where(e => !_registered.ContainsKey(e.Name))
                .Concat(_registered.Values)
                .OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
                .ToList();
        }
    }

    /// <summary>The environments registered for this context only (the sandbox's); never reads the file.</summary>
    public IReadOnlyList<KeyMgmtEnvironment> Registered()
    {
        lock (_gate) return _registered.Values.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public KeyMgmtEnvironment? Find(string name)
    {
        lock (_gate)
        {
            if (_registered.TryGetValue(name, out var registered)) return registered;
        }
        return FromFile().FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The environment of that name, or an error naming the known ones.</summary>
    public KeyMgmtEnvironment Require(string name) => Find(name)
        ?? throw new KeyMgmtException("EnvironmentNotFound", FailureKind.ObjectNotFound,
            $"No environment named '{name}'. Known: {KnownNames()}.",
            $"Add it to {ConfigurationFilePath} (see the README), or start the sandbox with Start-KeyMgmtSandbox.");

    public void Register(KeyMgmtEnvironment environment)
    {
        lock (_gate) _registered[environment.Name] = environment;
    }

    public void Unregister(string name)
    {
        lock (_gate) _registered.Remove(name);
    }

    private string KnownNames()
    {
        var names = All().Select(e => e.Name).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private IReadOnlyList<KeyMgmtEnvironment> FromFile()
    {
        var path = ConfigurationPaths.EnvironmentsFile;
        if (!File.Exists(path)) return Array.Empty<KeyMgmtEnvironment>();
        var stamp = File.GetLastWriteTimeUtc(path);
        lock (_gate)
        {
            if (_cache is { } c && c.Path == path && c.Stamp == stamp) return c.Items;
        }
        var items = ConfigurationFile.Load(path);
        lock (_gate) _cache = (path, stamp, items);
        return items;
    }
}
