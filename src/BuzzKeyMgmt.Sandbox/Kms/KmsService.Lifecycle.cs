namespace BuzzKeyMgmt.Sandbox.Kms;

public sealed partial class KmsService
{
    private static readonly string[] KeySpecs = { "SYMMETRIC_DEFAULT", "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "HMAC_256" };

    /// <summary>The key usages each key spec allows. ECC_NIST_P256 and RSA SIGN_VERIFY keys sign and verify, HMAC_256 keys
    /// compute and verify MACs (KmsService.Signing.cs).</summary>
    private static string[] UsagesOf(string spec) => spec switch
    {
        "SYMMETRIC_DEFAULT" => ["ENCRYPT_DECRYPT"],
        "ECC_NIST_P256" => ["SIGN_VERIFY"],
        "HMAC_256" => ["GENERATE_VERIFY_MAC"],
        _ => ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
    };

    private ServiceResponse CreateKey(KmsRequest r)
    {
        var spec = r.String("KeySpec") ?? r.String("CustomerMasterKeySpec") ?? "SYMMETRIC_DEFAULT";
        if (!KeySpecs.Contains(spec))
            throw KmsException.Validation($"'{spec}'", "keySpec", $"Member must satisfy enum value set: [{string.Join(", ", KeySpecs)}]");
        var usage = r.String("KeyUsage") ?? "ENCRYPT_DECRYPT";
        if (usage is not ("ENCRYPT_DECRYPT" or "SIGN_VERIFY" or "GENERATE_VERIFY_MAC"))
            throw KmsException.Validation($"'{usage}'", "keyUsage", "Member must satisfy enum value set: [ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT]");
        if (!UsagesOf(spec).Contains(usage))
            throw new KmsException("ValidationException", $"KeyUsage {usage} is not compatible with KeySpec {spec}");
        var origin = r.String("Origin") ?? "AWS_KMS";
        if (origin != "AWS_KMS") throw KmsException.Unsupported($"Origin {origin} is not supported by this sandbox.");
        var description = r.String("Description", min: 0, max: 8192);
        var tags = r.Tags("Tags");
        NoReservedTagKeys(tags);
        if (tags.Select(t => t.Key).Distinct().Count() > MaxTagsPerKey) throw new KmsException("TagException", $"A key can have at most {MaxTagsPerKey} tags.");
        var key = _store.Add(spec, usage, "CUSTOMER", description);
        foreach (var (k, v) in tags) key.Tags[k] = v;
        return KmsResponse.Write(w => KmsResponse.Metadata(w, key, AccountId));
    }

    private ServiceResponse DescribeKey(KmsRequest r)
    {
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: true);
        lock (key.Gate) return KmsResponse.Write(w => KmsResponse.Metadata(w, key, AccountId));
    }

    private ServiceResponse ListKeys(KmsRequest r)
    {
        var limit = r.Int("Limit", 1, 1000) ?? 100;
        var marker = ParseMarker(r.String("Marker", max: 1024));
        var keys = _store.Keys();
        var first = LowerBound(keys, marker);
        var page = Enumerable.Range(first, Math.Min(limit + 1, keys.Count - first)).Select(i => keys[i]).ToList();
        return KmsResponse.Write(w =>
        {
            w.WriteStartArray("Keys");
            foreach (var k in page.Take(limit))
            {
                w.WriteStartObject();
                w.WriteString("KeyArn", k.Arn);
                w.WriteString("KeyId", k.Id);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("Truncated", page.Count > limit);
            if (page.Count > limit) w.WriteString("NextMarker", page[limit].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
    }

    private static int LowerBound(IReadOnlyList<KmsKey> keys, long sequence)
    {
        int lo = 0, hi = keys.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (keys[mid].Sequence < sequence) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static long ParseMarker(string? marker) =>
        marker is null ? 0 : long.TryParse(marker, out var m) ? m : throw new KmsException("InvalidMarkerException", "The marker is not valid.");

    private ServiceResponse DisableKey(KmsRequest r)
    {
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            NotAwsManaged(k, r, "DisableKey");
            NotPendingDeletion(k);
            k.State = KmsKey.StateDisabled;   // on a disabled key: a no-op, no error
            return KmsResponse.Empty();
        });
    }

    private ServiceResponse EnableKey(KmsRequest r)
    {
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            NotAwsManaged(k, r, "EnableKey");
            NotPendingDeletion(k);
            k.Reenable(Now);   // once rotated if its rotation date passed while disabled, then every period from now
            return KmsResponse.Empty();
        });
    }

    private ServiceResponse ScheduleKeyDeletion(KmsRequest r)
    {
        var window = r.Int("PendingWindowInDays", 7, 30) ?? 30;
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            NotAwsManaged(k, r, "ScheduleKeyDeletion");
            NotPendingDeletion(k);
            k.State = KmsKey.StatePendingDeletion;
            k.PendingWindowInDays = window;
            k.DeletionDate = Now.AddDays(window);
            return KmsResponse.Write(w =>
            {
                w.WriteString("KeyId", k.Arn);
                w.Time("DeletionDate", k.DeletionDate.Value);
                w.WriteString("KeyState", k.State);
                w.WriteNumber("PendingWindowInDays", window);
            });
        });
    }

    private ServiceResponse CancelKeyDeletion(KmsRequest r)
    {
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            if (k.State != KmsKey.StatePendingDeletion) throw KmsException.InvalidState($"{k.Arn} is not pending deletion.");
            k.State = KmsKey.StateDisabled;   // AWS: the key comes back disabled; EnableKey must follow
            k.DeletionDate = null;
            k.PendingWindowInDays = null;
            return KmsResponse.Write(w => w.WriteString("KeyId", k.Arn));
        });
    }
}
