using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BuzzKeyMgmt.Engine.Audit.Anchoring;

/// <summary>
/// One signed digest of the audit chain (format "d1", documented in sql/README.md): which environment wrote it, its
/// number in the digest folder (1, 2, 3 …), the range of sequences it covers (FirstSequence is the previous digest's
/// LastSequence + 1, 1 for the first), the RowHash and AuditId of the row at LastSequence (the chain head it attests),
/// the RowHash of Sequence 1 (the chain's identity), the previous digest's hash (64 zeros for the first), when it was
/// made, and the KMS key and algorithm that signed it, with the signature (base64).
/// <para>
/// The signed message is the UTF-8 text "d1" followed, for each field in the order above (Environment, Number,
/// FirstSequence, LastSequence, HeadHash, HeadAuditId, GenesisHash, PreviousDigestHash, CreatedAtUtc, KeyId,
/// Algorithm), by "|" and the field encoded as audit rows are (length-prefixed, see <see cref="AuditHasher"/>).
/// <see cref="Hash"/>, which the next digest names as PreviousDigestHash, is the SHA-256 of that text extended by "|" and
/// the encoded signature: a digest's signature is covered by the digests after it, so one valid signature on the newest
/// digest authenticates every digest before it that links to it.
/// </para>
/// </summary>
public sealed record AuditDigest
{
    public const int FormatVersion = 1;
    public static readonly string NoPreviousDigest = AuditHasher.GenesisHash;

    public int Version { get; init; } = FormatVersion;
    public string Environment { get; init; } = "";
    public long Number { get; init; }
    public long FirstSequence { get; init; }
    public long LastSequence { get; init; }
    public string HeadHash { get; init; } = "";
    public Guid HeadAuditId { get; init; }
    public string GenesisHash { get; init; } = "";
    public string PreviousDigestHash { get; init; } = NoPreviousDigest;
    public DateTimeOffset CreatedAtUtc { get; init; }
    public string KeyId { get; init; } = "";
    public string Algorithm { get; init; } = "";

    /// <summary>The signature (ECDSA DER or RSA) or MAC over <see cref="SignedMessage"/>, base64.</summary>
    public string Signature { get; init; } = "";

    /// <summary>The digest's own hash (lowercase hex), what the next digest names as PreviousDigestHash.</summary>
    public string Hash => AuditHasher.Sha256Hex(CanonicalText() + Field(Signature));

    /// <summary>How a digest reads in a table or a CSV cell (the record's full text is its JSON file).</summary>
    public override string ToString() => $"digest {Number} (rows {FirstSequence}-{LastSequence})";

    /// <summary>The file name this digest has in its folder: digest-NNNNNNNNNNNN.json.</summary>
    [JsonIgnore] public string FileName => FileNameOf(Number);

    public static string FileNameOf(long number) => $"digest-{number.ToString("D12", CultureInfo.InvariantCulture)}.json";

    /// <summary>The bytes KMS signs (Sign, MessageType RAW) or MACs (GenerateMac): well under KMS's 4,096-byte limit.</summary>
    public byte[] SignedMessage() => Encoding.UTF8.GetBytes(CanonicalText());

    /// <summary>The canonical text of the signed fields ("d1|…").</summary>
    public string CanonicalText()
    {
        var sb = new StringBuilder(512).Append("d1");
        sb.Append(Field(Environment));
        sb.Append(Field(Number.ToString(CultureInfo.InvariantCulture)));
        sb.Append(Field(FirstSequence.ToString(CultureInfo.InvariantCulture)));
        sb.Append(Field(LastSequence.ToString(CultureInfo.InvariantCulture)));
        sb.Append(Field(HeadHash));
        sb.Append(Field(HeadAuditId.ToString("D")));
        sb.Append(Field(GenesisHash));
        sb.Append(Field(PreviousDigestHash));
        sb.Append(Field(AuditHasher.FormatTimestamp(CreatedAtUtc)));
        sb.Append(Field(KeyId));
        sb.Append(Field(Algorithm));
        return sb.ToString();
    }

    private static string Field(string value) =>
        "|" + Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture) + ":" + value;

    /// <summary>The file's content: one JSON object, UTF-8, with these names.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteString("environment", Environment);
            w.WriteNumber("number", Number);
            w.WriteNumber("firstSequence", FirstSequence);
            w.WriteNumber("lastSequence", LastSequence);
            w.WriteString("headHash", HeadHash);
            w.WriteString("headAuditId", HeadAuditId.ToString("D"));
            w.WriteString("genesisHash", GenesisHash);
            w.WriteString("previousDigestHash", PreviousDigestHash);
            w.WriteString("createdAtUtc", AuditHasher.FormatTimestamp(CreatedAtUtc));
            w.WriteString("keyId", KeyId);
            w.WriteString("algorithm", Algorithm);
            w.WriteString("signature", Signature);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a digest file's content; <see cref="FormatException"/> naming what is wrong when it is not one.</summary>
    public static AuditDigest Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        int? version = null;
        string? environment = null, headHash = null, genesis = null, previous = null, keyId = null, algorithm = null, signature = null;
        long? number = null, first = null, last = null;
        Guid? headAuditId = null;
        DateTimeOffset? created = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new FormatException("not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "version": version = reader.GetInt32(); break;
                    case "environment": environment = reader.GetString(); break;
                    case "number": number = reader.GetInt64(); break;
                    case "firstSequence": first = reader.GetInt64(); break;
                    case "lastSequence": last = reader.GetInt64(); break;
                    case "headHash": headHash = reader.GetString(); break;
                    case "headAuditId": headAuditId = Guid.ParseExact(reader.GetString()!, "D"); break;
                    case "genesisHash": genesis = reader.GetString(); break;
                    case "previousDigestHash": previous = reader.GetString(); break;
                    case "createdAtUtc": created = AuditHasher.ParseTimestamp(reader.GetString()!); break;
                    case "keyId": keyId = reader.GetString(); break;
                    case "algorithm": algorithm = reader.GetString(); break;
                    case "signature": signature = reader.GetString(); break;
                    default: throw new FormatException($"unknown member '{name}'");
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject) throw new FormatException("the object does not end where expected");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new FormatException($"not valid JSON: {ex.Message}", ex);
        }
        if (version != FormatVersion) throw new FormatException(version is null ? "version is missing" : $"version {version} is not {FormatVersion}");
        var digest = new AuditDigest
        {
            Environment = environment ?? throw Missing("environment"),
            Number = number ?? throw Missing("number"),
            FirstSequence = first ?? throw Missing("firstSequence"),
            LastSequence = last ?? throw Missing("lastSequence"),
            HeadHash = headHash ?? throw Missing("headHash"),
            HeadAuditId = headAuditId ?? throw Missing("headAuditId"),
            GenesisHash = genesis ?? throw Missing("genesisHash"),
            PreviousDigestHash = previous ?? throw Missing("previousDigestHash"),
            CreatedAtUtc = created ?? throw Missing("createdAtUtc"),
            KeyId = keyId ?? throw Missing("keyId"),
            Algorithm = algorithm ?? throw Missing("algorithm"),
            Signature = signature ?? throw Missing("signature"),
        };
        if (digest.Number < 1 || digest.FirstSequence < 1 || digest.LastSequence < digest.FirstSequence)
            throw new FormatException($"number {digest.Number} and range {digest.FirstSequence}-{digest.LastSequence} are not a digest's");
        if (!IsHash(digest.HeadHash) || !IsHash(digest.GenesisHash) || !IsHash(digest.PreviousDigestHash))
            throw new FormatException("headHash, genesisHash and previousDigestHash must be 64 lowercase hex characters");
        return digest;
    }

    /// <summary>The signature's bytes; empty when it is not base64.</summary>
    public byte[] SignatureBytes()
    {
        try
        {
            return Convert.FromBase64String(Signature);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private static FormatException Missing(string name) => new($"{name} is missing");

    internal static bool IsHash(string value)
    {
        if (value.Length != 64) return false;
        foreach (var c in value)
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        return true;
    }

    /// <summary>SHA-256 of the signed message (what an RSA/ECDSA verifier hashes).</summary>
    internal byte[] MessageSha256() => SHA256.HashData(SignedMessage());
}
