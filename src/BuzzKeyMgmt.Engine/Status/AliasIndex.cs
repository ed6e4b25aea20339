using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>Every alias of the account and Region, read once (ListAliases pages of 100) when the query is
/// fleet-wide, uses wildcards, or names many keys: cheaper than one ListAliases per key. It keeps only each alias's
/// name and target (not the SDK's entries, with their ARNs and dates), since it lives as long as the read.</summary>
internal sealed class AliasIndex
{
    public const int PerKeyLookupLimit = 20;

    private readonly Dictionary<string, List<string>> _byKey = new(StringComparer.Ordinal);

    private AliasIndex(List<AliasEntry> aliases)
    {
        Entries = aliases;
        foreach (var a in Entries.Where(a => a.TargetKeyId is not null))
        {
            if (!_byKey.TryGetValue(a.TargetKeyId, out var list)) _byKey[a.TargetKeyId] = list = new List<string>();
            list.Add(a.AliasName);
        }
        foreach (var list in _byKey.Values) list.Sort(StringComparer.Ordinal);
    }

    public IReadOnlyList<AliasEntry> Entries { get; }

    public IReadOnlyList<string> For(string keyId) => _byKey.TryGetValue(keyId, out var list) ? list : Array.Empty<string>();

    /// <summary>Whether the query reads the alias index rather than each key's aliases.</summary>
    public static bool IsNeeded(KeyStatusQuery query) => query.All || query.AliasPatterns.Count > 0 || query.Keys.Count > PerKeyLookupLimit;

    public static async Task<AliasIndex?> LoadIfNeededAsync(IAmazonKeyManagementService kms, KmsQuotaGates gates, KeyStatusQuery query, CancellationToken cancellation)
    {
        if (!IsNeeded(query)) return null;
        var all = new List<AliasEntry>();
        string? marker = null;
        try
        {
            do
            {
                await gates.WaitAsync("ListAliases", cancellation).ConfigureAwait(false);
                var page = await kms.ListAliasesAsync(new ListAliasesRequest { Limit = 100, Marker = marker }, cancellation).ConfigureAwait(false);
                foreach (var a in page.Aliases ?? new List<AliasListEntry>()) all.Add(new AliasEntry(a.AliasName, a.TargetKeyId));
                marker = page.Truncated == true ? page.NextMarker : null;
            } while (marker is not null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw AwsErrors.Translate(ex, "Listing aliases");
        }
        return new AliasIndex(all);
    }
}

/// <summary>One alias: its name and the key it points to (none for an alias AWS reserved but has not used yet).</summary>
internal sealed record AliasEntry(string AliasName, string? TargetKeyId);
