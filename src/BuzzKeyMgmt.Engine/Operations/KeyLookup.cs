using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Operations;

/// <summary>What every key operation reads first: the key's metadata and the alias to show (the one named, else its
/// first alias); a key that does not exist gives null metadata rather than an exception, so the attempt can still be
/// audited before it is refused.</summary>
public static class KeyLookup
{
    public static async Task<(KeyMetadata? Metadata, string? Alias)> ResolveAsync(IAmazonKeyManagementService kms, KmsQuotaGates gates,
        KeyReference key, CancellationToken cancellation)
    {
        KeyMetadata metadata;
        try
        {
            metadata = (await gates.CallAsync("DescribeKey", () => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.Value }, cancellation), cancellation)
                .ConfigureAwait(false)).KeyMetadata;
        }
        catch (NotFoundException)
        {
            return (null, key.AliasName);
        }
        if (key.AliasName is { } named) return (metadata, named);
        var page = await gates.CallAsync("ListAliases", () => kms.ListAliasesAsync(new ListAliasesRequest { KeyId = metadata.KeyId, Limit = 10 }, cancellation), cancellation)
            .ConfigureAwait(false);
        return (metadata, page.Aliases?.Select(a => a.AliasName).OrderBy(n => n, StringComparer.Ordinal).FirstOrDefault());
    }
}
