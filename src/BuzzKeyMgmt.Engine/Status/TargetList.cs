using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>One key to read: how it was named, whether it came from a fleet listing (AWS managed keys are then
/// skipped unless asked for), or why it cannot be read at all.</summary>
internal sealed record Target(string Reference, bool FromFleet, KeyMgmtException? Error = null);

/// <summary>Turns a query into the ordered, de-duplicated list of keys to read.</summary>
internal static class TargetList
{
    public static async Task<IReadOnlyList<Target>> BuildAsync(IAmazonKeyManagementService kms, KmsQuotaGates gates,
        KeyStatusQuery query, AliasIndex? aliases, CancellationToken cancellation)
    {
        var targets = new List<Target>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(Target t)
        {
            if (seen.Add(t.Reference)) targets.Add(t);
        }

        foreach (var key in query.Keys) Add(new Target(key.Value, FromFleet: false));
        foreach (var text in query.AliasPatterns)
        {
            var pattern = new AliasPattern(text);
            if (!pattern.HasWildcard)
            {
                Add(new Target(pattern.Text, FromFleet: false));
                continue;
            }
            foreach (var alias in aliases!.Entries.Where(a => a.TargetKeyId is not null && pattern.IsMatch(a.AliasName)))
                Add(new Target(alias.TargetKeyId, FromFleet: true));
        }
        if (query.All)
            foreach (var keyId in await ListKeysAsync(kms, gates, cancellation).ConfigureAwait(false))
                Add(new Target(keyId, FromFleet: true));
        return targets;
    }

    private static async Task<List<string>> ListKeysAsync(IAmazonKeyManagementService kms, KmsQuotaGates gates, CancellationToken cancellation)
    {
        var ids = new List<string>();
        string? marker = null;
        try
        {
            do
            {
                await gates.WaitAsync("ListKeys", cancellation).ConfigureAwait(false);
                var page = await kms.ListKeysAsync(new ListKeysRequest { Limit = 1000, Marker = marker }, cancellation).ConfigureAwait(false);
                ids.AddRange((page.Keys ?? new List<KeyListEntry>()).Select(k => k.KeyId));
                marker = page.Truncated == true ? page.NextMarker : null;
            } while (marker is not null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw AwsErrors.Translate(ex, "Listing keys");
        }
        return ids;
    }
}
