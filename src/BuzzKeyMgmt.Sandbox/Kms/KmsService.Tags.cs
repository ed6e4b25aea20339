namespace BuzzKeyMgmt.Sandbox.Kms;

public sealed partial class KmsService
{
    private const int MaxTagsPerKey = 50;

    private static void NoReservedTagKeys(List<(string Key, string Value)> tags)
    {
        foreach (var (name, _) in tags)
            if (name.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                throw new KmsException("TagException", "Tag keys cannot start with 'aws:'.");
    }

    private ServiceResponse TagResource(KmsRequest r)
    {
        var tags = r.Tags("Tags");
        if (tags.Count == 0) throw KmsException.Missing("tags");
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            NotAwsManaged(k, r, "TagResource");
            NotPendingDeletion(k);
            NoReservedTagKeys(tags);
            var merged = new Dictionary<string, string>(k.Tags, StringComparer.Ordinal);
            foreach (var (name, value) in tags) merged[name] = value;
            if (merged.Count > MaxTagsPerKey) throw new KmsException("TagException", $"A key can have at most {MaxTagsPerKey} tags.");
            foreach (var (name, value) in tags) k.Tags[name] = value;
            return KmsResponse.Empty();
        });
    }

    private ServiceResponse UntagResource(KmsRequest r)
    {
        var names = r.StringList("TagKeys", required: true);
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            NotAwsManaged(k, r, "UntagResource");
            NotPendingDeletion(k);
            foreach (var name in names) k.Tags.Remove(name);
            return KmsResponse.Empty();
        });
    }

    private ServiceResponse ListResourceTags(KmsRequest r)
    {
        var limit = r.Int("Limit", 1, 50) ?? 50;
        var start = (int)ParseMarker(r.String("Marker", max: 1024));
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            var page = k.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Skip(start).Take(limit + 1).ToList();
            return KmsResponse.Write(w =>
            {
                w.WriteStartArray("Tags");
                foreach (var t in page.Take(limit))
                {
                    w.WriteStartObject();
                    w.WriteString("TagKey", t.Key);
                    w.WriteString("TagValue", t.Value);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteBoolean("Truncated", page.Count > limit);
                if (page.Count > limit) w.WriteString("NextMarker", (start + limit).ToString(System.Globalization.CultureInfo.InvariantCulture));
            });
        });
    }
}
