using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>
/// The keys and aliases of the emulated account, thread-safe: lock-free lookups, per-key locks for changes.
/// Resolves key references (key id, key ARN, alias name, alias ARN) the way KMS does for each operation.
/// </summary>
internal sealed partial class KeyStore(string accountId, string region, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, KmsKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KmsAlias> _aliases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _pendingDeletion = new(StringComparer.Ordinal);
    private long _sequence;
    private long _version;               // bumped by every add or removal of a key or alias
    private volatile Listing? _snapshot;   // a class, so readers never see half of one listing and half of another

    private sealed record Listing(long Version, KmsKey[] Keys, KmsAlias[] Aliases);

    [GeneratedRegex(@"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex KeyIdPattern();

    /// <summary>A well-formed KMS key or alias ARN of any account and Region.</summary>
    [GeneratedRegex(@"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key/[0-9a-f-]+|alias/[a-zA-Z0-9/_-]+)$")]
    private static partial Regex KmsArnPattern();

    public TimeProvider Clock => clock;
    public string KeyArn(string id) => $"arn:aws:kms:{region}:{accountId}:key/{id}";
    public string AliasArn(string name) => $"arn:aws:kms:{region}:{accountId}:{name}";

    public KmsKey Add(string keySpec, string keyUsage, string keyManager, string? description, DateTimeOffset? created = null)
    {
        var id = Guid.NewGuid().ToString();
        var key = new KmsKey(id, KeyArn(id), Interlocked.Increment(ref _sequence), created ?? clock.GetUtcNow(), keySpec, keyUsage, keyManager, description);
        _keys[id] = key;
        Interlocked.Increment(ref _version);
        return key;
    }

    /// <summary>The key a reference names, brought up to the clock; NotFound as KMS words it.</summary>
    public KmsKey Resolve(string reference, bool aliasAllowed)
    {
        var key = TryResolve(reference, aliasAllowed, out var error);
        return key ?? throw error!;
    }

    private KmsKey? TryResolve(string reference, bool aliasAllowed, out KmsException? error)
    {
        error = null;
        string? id = null;
        var arnPrefix = $"arn:aws:kms:{region}:{accountId}:";
        if (reference.StartsWith("alias/", StringComparison.Ordinal) || reference.StartsWith(arnPrefix + "alias/", StringComparison.Ordinal))
        {
            var name = reference.StartsWith("arn:", StringComparison.Ordinal) ? reference[arnPrefix.Length..] : reference;
            if (!aliasAllowed) { error = KmsException.NotFound($"Invalid keyId '{reference}'"); return null; }
            if (!_aliases.TryGetValue(name, out var alias) || Live(alias.TargetKeyId) is null)
            {
                error = KmsException.NotFound($"Alias '{AliasArn(name)}' is not found.");
                return null;
            }
            id = alias.TargetKeyId;
        }
        else if (reference.StartsWith(arnPrefix + "key/", StringComparison.Ordinal)) id = reference[(arnPrefix.Length + 4)..];
        else if (KeyIdPattern().IsMatch(reference)) id = reference;
        else if (KmsArnPattern().IsMatch(reference))
        {
            // another account's or Region's key or alias: it does not exist here
            error = KmsException.NotFound(reference.Contains(":alias/", StringComparison.Ordinal) ? $"Alias '{reference}' is not found." : $"Key '{reference}' does not exist");
            return null;
        }
        else if (reference.StartsWith("arn:", StringComparison.Ordinal))
        {
            error = new KmsException("InvalidArnException", $"Invalid arn {reference}");
            return null;
        }
        if (id is null || !KeyIdPattern().IsMatch(id))
        {
            error = KmsException.NotFound($"Invalid keyId '{reference}'");
            return null;
        }
        var key = Live(id);
        if (key is null) error = KmsException.NotFound($"Key '{KeyArn(id)}' does not exist");
        return key;
    }

    /// <summary>The key if it still exists at the clock's time (a key whose deletion date passed is removed).</summary>
    private KmsKey? Live(string id)
    {
        if (!_keys.TryGetValue(id, out var key)) return null;
        // Most reads find nothing due (no deletion date, no rotation date passed): skip the key's lock then, so
        // concurrent readers of one key do not queue on it. Anything due is applied under the lock.
        if (key.MayHaveSomethingDue(clock.GetUtcNow()))
            lock (key.Gate) key.Advance(clock.GetUtcNow());
        if (!key.Deleted) return key;
        _keys.TryRemove(id, out _);
        foreach (var alias in _aliases.Values.Where(a => a.TargetKeyId == id)) _aliases.TryRemove(alias.Name, out _);
        Interlocked.Increment(ref _version);
        return null;
    }

    /// <summary>Every live key in creation order.</summary>
    public IReadOnlyList<KmsKey> Keys() => Snapshot().Keys;

    /// <summary>Every alias whose key still exists, by name.</summary>
    public IReadOnlyList<KmsAlias> Aliases() => Snapshot().Aliases;

    /// <summary>Keeps an eye on a key just put in PendingDeletion, so that listings drop it once its deletion date passes
    /// (KmsService.Change calls this, under the key's lock, for every key a change leaves pending deletion).</summary>
    public void WatchDeletion(KmsKey key) => _pendingDeletion[key.Id] = 0;

    /// <summary>Sorted lists of keys and aliases, rebuilt only after a change: listing a fleet page by page must not
    /// sort it again for every page, nor look at every key of the account. Keys pending deletion, the only ones that can
    /// vanish by the clock alone, are looked at first (a cancelled deletion stops being watched).</summary>
    private Listing Snapshot()
    {
        foreach (var pending in _pendingDeletion)
        {
            var key = Live(pending.Key);
            if (key is null || key.State != KmsKey.StatePendingDeletion) _pendingDeletion.TryRemove(pending.Key, out _);
        }
        var version = Interlocked.Read(ref _version);
        if (_snapshot is { } cached && cached.Version == version) return cached;
        var keys = _keys.Values.OrderBy(k => k.Sequence).ToArray();
        var aliases = _aliases.Values.Where(a => _keys.ContainsKey(a.TargetKeyId)).ToArray();
        Array.Sort(aliases, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var fresh = new Listing(version, keys, aliases);
        _snapshot = fresh;
        return fresh;
    }

    public bool TryAddAlias(KmsAlias alias)
    {
        if (!_aliases.TryAdd(alias.Name, alias)) return false;
        Interlocked.Increment(ref _version);
        return true;
    }

    public bool RemoveAlias(string name)
    {
        if (!_aliases.TryRemove(name, out _)) return false;
        Interlocked.Increment(ref _version);
        return true;
    }
    public KmsAlias? Alias(string name) => _aliases.TryGetValue(name, out var a) && Live(a.TargetKeyId) is not null ? a : null;
    public IEnumerable<string> AliasesOf(string keyId) => _aliases.Values.Where(a => a.TargetKeyId == keyId).Select(a => a.Name);
}
