using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>The per-key calls after DescribeKey, each paced by its own quota gate.</summary>
internal sealed class KeyDetailsReader(IAmazonKeyManagementService kms, KmsQuotaGates gates)
{
    public async Task<GetKeyRotationStatusResponse?> RotationAsync(KeyMetadata metadata, CancellationToken cancellation)
    {
        // Rotation exists only for symmetric keys with AWS-made material; asking about others is an error.
        if (metadata.KeySpec != KeySpec.SYMMETRIC_DEFAULT || metadata.Origin != OriginType.AWS_KMS) return null;
        await gates.WaitAsync("GetKeyRotationStatus", cancellation).ConfigureAwait(false);
        return await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = metadata.KeyId }, cancellation).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<string, string>> TagsAsync(string keyId, CancellationToken cancellation)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            await gates.WaitAsync("ListResourceTags", cancellation).ConfigureAwait(false);
            var page = await kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = keyId, Marker = marker }, cancellation).ConfigureAwait(false);
            foreach (var tag in page.Tags ?? new List<Tag>()) tags[tag.TagKey] = tag.TagValue;
            marker = page.Truncated == true ? page.NextMarker : null;
        } while (marker is not null);
        return tags;
    }

    public async Task<IReadOnlyList<string>> AliasesAsync(string keyId, CancellationToken cancellation)
    {
        var names = new List<string>();
        string? marker = null;
        do
        {
            await gates.WaitAsync("ListAliases", cancellation).ConfigureAwait(false);
            var page = await kms.ListAliasesAsync(new ListAliasesRequest { KeyId = keyId, Marker = marker, Limit = 100 }, cancellation).ConfigureAwait(false);
            names.AddRange((page.Aliases ?? new List<AliasListEntry>()).Select(a => a.AliasName));
            marker = page.Truncated == true ? page.NextMarker : null;
        } while (marker is not null);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>The newest RotationDate in the key's rotation history (ListKeyRotations, 100/s: only when asked).</summary>
    public async Task<DateTimeOffset?> LastRotationAsync(KeyMetadata metadata, CancellationToken cancellation)
    {
        if (metadata.KeySpec != KeySpec.SYMMETRIC_DEFAULT || metadata.Origin != OriginType.AWS_KMS) return null;
        DateTimeOffset? last = null;
        string? marker = null;
        do
        {
            await gates.WaitAsync("ListKeyRotations", cancellation).ConfigureAwait(false);
            var page = await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = metadata.KeyId, Marker = marker, Limit = 1000 }, cancellation).ConfigureAwait(false);
            foreach (var r in page.Rotations ?? new List<RotationsListEntry>())
            {
                var at = KeyStatusMapper.Utc(r.RotationDate);
                if (at is not null && (last is null || at > last)) last = at;
            }
            marker = page.Truncated == true ? page.NextMarker : null;
        } while (marker is not null);
        return last;
    }
}
