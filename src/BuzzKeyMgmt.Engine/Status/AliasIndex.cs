using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>Every alias of the account and Region, read once (ListAliases pages of 100) when the query is
/// fleet-wide, uses wildcards, or names many keys: cheaper than one ListAliases per key.</summary>
internal sealed class AliasIndex
{
    public const int PerKeyLookupLimit = 20;

    private readonly Dictionary<string, List<string>> _byKey = new(StringComparer.Ordinal);

    private AliasIndex(IEnumerable<AliasListEntry> aliases)
    {
        Entries = aliases.ToList();
        foreach (var a in Entries.Where(a => a.TargetKeyId is not null))
        {
            if (!_byKey.TryGetValue(a.TargetKeyId, out var list)) _byKey[a.TargetKeyId] = list = new List<string>();
            list.Add(a.AliasName);
        }
        foreach (var list in _byKey.Values) list.Sort(StringComparer.Ordinal);
    }

    public IReadOnlyList<AliasListEntry> Entries { get; }

    public IReadOnlyList<string> For(string keyId) => _byKey.TryGetValue(keyId, out var list) ? list : Array.Empty<string>();

    public static async Task<AliasIndex?> LoadIfNeededAsync(IAmazonKeyManagementService kms, KmsQuotaGates gates, KeyStatusQuery query, CancellationToken cancellation)
    {
        if (!query.All && query.AliasPatterns.Count == 0 && query.Keys.Count <= PerKeyLookupLimit) return null;
        var all = new List<AliasListEntry>();
        string? marker = null;
        try
        {
            do
            {
                await gates.WaitAsync("ListAliases", cancellation).ConfigureAwait(false);
                var page = await kms.ListAliasesAsync(new ListAliasesRequest { Limit = 100, Marker = marker }, cancellation).ConfigureAwait(false);
                all.AddRange(page.Aliases ?? new List<AliasListEntry>());
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
