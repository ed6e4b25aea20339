using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Sandbox.Kms;

public sealed partial class KmsService
{
    private static readonly Regex AliasName = new(@"^alias/[a-zA-Z0-9/_-]+$");

    private ServiceResponse CreateAlias(KmsRequest r)
    {
        var name = r.String("AliasName", required: true, max: 256)!;
        if (!name.StartsWith("alias/", StringComparison.Ordinal))
            throw new KmsException("ValidationException", "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
        if (!AliasName.IsMatch(name))
            throw KmsException.Validation($"'{name}'", "aliasName", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        if (name.StartsWith("alias/aws/", StringComparison.Ordinal))
            throw new KmsException("NotAuthorizedException", "Cannot create alias with prefix 'alias/aws/'");
        var key = _store.Resolve(r.String("TargetKeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            NotAwsManaged(k, r, "CreateAlias");
            NotPendingDeletion(k);
            if (!_store.TryAddAlias(new KmsAlias(name, k.Id, Now, Now)))
                throw new KmsException("AlreadyExistsException", $"An alias with the name {_store.AliasArn(name)} already exists");
            return KmsResponse.Empty();
        });
    }

    private ServiceResponse DeleteAlias(KmsRequest r)
    {
        var name = r.String("AliasName", required: true, max: 256)!;
        if (name.StartsWith("alias/aws/", StringComparison.Ordinal))
            throw new KmsException("NotAuthorizedException", "Cannot delete alias with prefix 'alias/aws/'");
        if (_store.Alias(name) is null || !_store.RemoveAlias(name))
            throw KmsException.NotFound($"Alias '{_store.AliasArn(name)}' is not found.");
        return KmsResponse.Empty();
    }

    private ServiceResponse ListAliases(KmsRequest r)
    {
        var limit = r.Int("Limit", 1, 100) ?? 50;
        var marker = r.String("Marker", max: 1024);
        var keyRef = r.String("KeyId");
        IReadOnlyList<KmsAlias> aliases = _store.Aliases();
        if (keyRef is not null)
        {
            var key = _store.Resolve(keyRef, aliasAllowed: false);
            aliases = aliases.Where(a => a.TargetKeyId == key.Id).ToList();
        }
        int lo = 0, hi = aliases.Count;
        while (marker is not null && lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (string.CompareOrdinal(aliases[mid].Name, marker) < 0) lo = mid + 1; else hi = mid;
        }
        var page = Enumerable.Range(lo, Math.Min(limit + 1, aliases.Count - lo)).Select(i => aliases[i]).ToList();
        return KmsResponse.Write(w =>
        {
            w.WriteStartArray("Aliases");
            foreach (var a in page.Take(limit))
            {
                w.WriteStartObject();
                w.WriteString("AliasName", a.Name);
                w.WriteString("AliasArn", _store.AliasArn(a.Name));
                w.WriteString("TargetKeyId", a.TargetKeyId);
                w.Time("CreationDate", a.CreationDate);
                w.Time("LastUpdatedDate", a.LastUpdatedDate);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("Truncated", page.Count > limit);
            if (page.Count > limit) w.WriteString("NextMarker", page[limit].Name);
        });
    }
}
