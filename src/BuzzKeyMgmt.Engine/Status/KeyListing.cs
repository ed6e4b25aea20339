using System.Collections.Concurrent;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>
/// The key ids and alias names the listings of one context have seen, per environment (what Get-KeyStatus wrote), so
/// that Tab completion of -KeyId and -Alias offers them without calling AWS. Bounded: at most <see cref="Capacity"/>
/// names per environment are kept (the first seen).
/// </summary>
public sealed class KeyListings
{
    private readonly ConcurrentDictionary<string, KeyListing> _byEnvironment = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The listing of an environment (empty until something was listed).</summary>
    public KeyListing For(string environment) => _byEnvironment.GetOrAdd(environment, _ => new KeyListing());
}

/// <summary>Names seen in one environment: alias names and key ids, each kept once.</summary>
public sealed class KeyListing
{
    /// <summary>At most this many names (aliases plus key ids) are kept.</summary>
    public const int Capacity = 50_000;

    private readonly object _gate = new();
    private readonly SortedSet<string> _aliases = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _keyIds = new(StringComparer.Ordinal);

    public int Count
    {
        get { lock (_gate) return _aliases.Count + _keyIds.Count; }
    }

    public void Add(KeyStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        lock (_gate)
        {
            if (_aliases.Count + _keyIds.Count >= Capacity) return;
            _keyIds.Add(status.KeyId);
            foreach (var alias in status.Aliases) _aliases.Add(alias);
        }
    }

    /// <summary>Alias names starting with <paramref name="prefix"/> (case-insensitive), then key ids, at most
    /// <paramref name="max"/>; with <paramref name="aliasesOnly"/> only alias names.</summary>
    public IReadOnlyList<string> Complete(string prefix, bool aliasesOnly = false, int max = 500)
    {
        prefix ??= "";
        lock (_gate)
        {
            var names = _aliases.Where(a => a.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
            if (!aliasesOnly) names = names.Concat(_keyIds.Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
            return names.Take(max).ToList();
        }
    }
}
