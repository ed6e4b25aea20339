using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Aws;
using System.Runtime.CompilerServices;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>One key to read: how it was named, whether it came from a fleet listing (AWS managed keys are then
/// skipped unless asked for), or why it cannot be read at all.</summary>
internal sealed record Target(string Reference, bool FromFleet, KeyMgmtException? Error = null);

/// <summary>Turns a query into the ordered, de-duplicated keys to read, as a stream: a fleet's keys are handed out
/// page by page as ListKeys returns them.</summary>
internal static class TargetList
{
    /// <param name="session">Whose account-Region the keys are read in: a key ARN of another is refused without a call.</param>
    public static async IAsyncEnumerable<Target> StreamAsync(IAmazonKeyManagementService kms, KmsQuotaGates gates, KeyMgmtSession session,
        KeyStatusQuery query, Task<AliasIndex?> aliasListing, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in query.Keys)
            if (seen.Add(key.Value))
                yield return key.CanBeIn(session.AccountId, session.Region) ? new Target(key.Value, FromFleet: false)
                    : new Target(key.Value, FromFleet: false, key.NotIn(session.Environment, session.AccountId, session.Region));
        foreach (var text in query.AliasPatterns)
        {
            var pattern = new AliasPattern(text);
            if (!pattern.HasWildcard)
            {
                if (seen.Add(pattern.Text)) yield return new Target(pattern.Text, FromFleet: false);
                continue;
            }
            var aliases = await aliasListing.ConfigureAwait(false);
            foreach (var alias in aliases!.Entries.Where(a => a.TargetKeyId is not null && pattern.IsMatch(a.AliasName)))
                if (seen.Add(alias.TargetKeyId!)) yield return new Target(alias.TargetKeyId!, FromFleet: true);
        }
        if (!query.All) yield break;
        string? marker = null;
        do
        {
            ListKeysResponse page;
            try
            {
                await gates.WaitAsync("ListKeys", cancellation).ConfigureAwait(false);
                page = await kms.ListKeysAsync(new ListKeysRequest { Limit = 1000, Marker = marker }, cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw AwsErrors.Translate(ex, "Listing keys");
            }
            // ListKeys names each key once: the set is only consulted (for keys already named), never grown, so a
            // fleet's listing keeps nothing per key.
            foreach (var key in page.Keys ?? new List<KeyListEntry>())
                if (seen.Count == 0 || !seen.Contains(key.KeyId)) yield return new Target(key.KeyId, FromFleet: true);
            marker = page.Truncated == true ? page.NextMarker : null;
        } while (marker is not null);
    }
}
