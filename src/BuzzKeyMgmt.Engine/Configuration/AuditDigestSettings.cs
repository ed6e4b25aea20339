using System.Text.Json;
using System.Text.RegularExpressions;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Sqlite;

namespace BuzzKeyMgmt.Engine.Configuration;

/// <summary>
/// Where an environment's signed audit chain digests go and which KMS key signs them (the environments file's
/// <c>auditDigests: { "path": …, "keyId": … }</c>). The folder should be on other storage than the audit database,
/// writable by the operators' machines and not by the database's owner; the key an asymmetric signing key
/// (ECC_NIST_P256 or RSA, SIGN_VERIFY: anyone with kms:GetPublicKey verifies offline) or an HMAC_256 key
/// (GENERATE_VERIFY_MAC: verifying needs kms:VerifyMac). The roles that write audit rows need kms:Sign (or
/// kms:GenerateMac) on it, and nothing else does.
/// </summary>
/// <param name="Path">The digest folder; null only for the sandbox, whose digests go beside its SQLite store
/// (<c>&lt;store folder&gt;/digests/&lt;store file name&gt;</c>).</param>
/// <param name="KeyId">The key: key ARN, key id, alias name or alias ARN.</param>
public sealed class AuditDigestSettings(string? path, string keyId)
{
    public string? Path { get; } = path;
    public string KeyId { get; } = keyId;

    private readonly object _gate = new();
    private (Audit.Anchoring.DigestKey Key, DateTimeOffset At)? _resolved;

    /// <summary>How long a resolved key (its ARN and algorithm, from DescribeKey) is reused before it is read again.</summary>
    public static readonly TimeSpan KeyCacheLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The key as resolved within <see cref="KeyCacheLifetime"/>, or null.</summary>
    internal Audit.Anchoring.DigestKey? CachedKey(DateTimeOffset now)
    {
        lock (_gate) return _resolved is { } r && now - r.At < KeyCacheLifetime ? r.Key : null;
    }

    internal void CacheKey(Audit.Anchoring.DigestKey? key, DateTimeOffset now)
    {
        lock (_gate) _resolved = key is null ? null : (key, now);
    }

    /// <summary>The digest folder for <paramref name="store"/>: <see cref="Path"/>, else beside a SQLite store; null when
    /// neither applies (a SQL Server store needs a configured path).</summary>
    public string? FolderFor(IAuditStore store) =>
        Path ?? (store is SqliteAuditStore sqlite
            ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(sqlite.DatabasePath) ?? ".", "digests",
                System.IO.Path.GetFileNameWithoutExtension(sqlite.DatabasePath))
            : null);

    public override string ToString() => $"{Path ?? "(beside the store)"} signed by {KeyId}";

    private static readonly Regex DigestKey = new(
        @"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/[0-9a-f-]{36}|key/mrk-[0-9a-f]{32}|alias/[\w/+=,.@-]+)|alias/[\w/+=,.@-]{1,250}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$");

    /// <summary>Reads <c>auditDigests: { "path": …, "keyId": … }</c> of the environment at <paramref name="at"/> (null when
    /// absent): both required, the path absolute, the key a KMS key ARN, key id, alias name or alias ARN; any other member
    /// is an error naming the key.</summary>
    internal static AuditDigestSettings? Read(JsonElement environment, string at, string file)
    {
        if (!environment.TryGetProperty("auditDigests", out var e) || e.ValueKind == JsonValueKind.Null) return null;
        var where = $"{at}.auditDigests";
        if (e.ValueKind != JsonValueKind.Object)
            throw new ConfigurationException(file, where, $"expected an object like {{ \"path\": \"/mnt/audit-digests/production\", \"keyId\": \"alias/buzzkeymgmt-audit-digest\" }}, found {e.ValueKind.ToString().ToLowerInvariant()}");
        foreach (var member in e.EnumerateObject())
            if (member.Name is not ("path" or "keyId"))
                throw new ConfigurationException(file, $"{where}.{member.Name}", "unknown key; expected one of: path, keyId");
        var path = Text(e, where, "path", file, "the absolute path of the folder the signed digests go to (ideally other storage than the audit database)");
        if (!System.IO.Path.IsPathRooted(path))
            throw new ConfigurationException(file, $"{where}.path", $"'{path}' is not an absolute path; expected the absolute path of the digest folder");
        var keyId = Text(e, where, "keyId", file, "a KMS key ARN, key id, alias name (alias/…) or alias ARN of a SIGN_VERIFY (ECC_NIST_P256, RSA) or HMAC_256 key");
        if (!DigestKey.IsMatch(keyId))
            throw new ConfigurationException(file, $"{where}.keyId", $"'{keyId}' is not valid; expected a KMS key ARN, key id, alias name (alias/…) or alias ARN");
        return new AuditDigestSettings(path, keyId);
    }

    private static string Text(JsonElement e, string where, string key, string file, string expected)
    {
        if (!e.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            throw new ConfigurationException(file, $"{where}.{key}", $"missing; expected {expected}");
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            throw new ConfigurationException(file, $"{where}.{key}", $"expected {expected} as a string");
        return value.GetString()!;
    }
}
