using System.Security.Cryptography;

namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>
/// Asymmetric signing (Sign, Verify, GetPublicKey: ECC_NIST_P256 with ECDSA_SHA_256, RSA with RSASSA_PSS and
/// RSASSA_PKCS1_V1_5 over SHA-256/384/512) and HMAC (GenerateMac, VerifyMac: HMAC_256 with HMAC_SHA_256), as KMS answers
/// them: Message 1-4096 bytes, MessageType RAW (KMS hashes) or DIGEST (the message is the hash, its length the
/// algorithm's), ECDSA signatures DER-encoded, PSS with a salt as long as the hash, the public key as a DER
/// SubjectPublicKeyInfo. A wrong signature is KMSInvalidSignatureException, a wrong MAC KMSInvalidMacException (both
/// without a message, as AWS answers); a key of another usage InvalidKeyUsageException; a disabled key DisabledException.
/// </summary>
public sealed partial class KmsService
{
    private static readonly string[] SigningAlgorithmNames =
    [
        "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
        "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512", "SM2DSA",
    ];

    private static readonly string[] MacAlgorithmNames = ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"];

    /// <summary>The tag that marks a key the BuzzKeyMgmt roles may sign audit digests with (see the sandbox's permissions).</summary>
    public const string AuditDigestTagKey = "BuzzKeyMgmtPurpose", AuditDigestTagValue = "audit-digest";

    /// <summary>The alias of the signing key <see cref="AddAuditDigestKey"/> makes.</summary>
    public const string AuditDigestAlias = "alias/buzzkeymgmt-audit-digest";

    /// <summary>
    /// Creates the account's audit digest key in process (no HTTP, no quota): an ECC_NIST_P256 SIGN_VERIFY key with the
    /// alias <see cref="AuditDigestAlias"/> and the tag <see cref="AuditDigestTagKey"/>=<see cref="AuditDigestTagValue"/>,
    /// which lets the roles that write audit rows sign with it. Returns its ARN; a second call returns the existing key's.
    /// </summary>
    public string AddAuditDigestKey()
    {
        if (_store.Alias(AuditDigestAlias) is { } existing) return _store.KeyArn(existing.TargetKeyId);
        var key = _store.Add("ECC_NIST_P256", "SIGN_VERIFY", "CUSTOMER", "BuzzKeyMgmt audit chain digests (signed after every audited operation)");
        lock (key.Gate) key.Tags[AuditDigestTagKey] = AuditDigestTagValue;
        _store.TryAddAlias(new KmsAlias(AuditDigestAlias, key.Id, key.CreationDate, key.CreationDate));
        return key.Arn;
    }

    /// <summary>Whether the key a request body names (KeyId as id, ARN or alias) exists and carries the tag: the sandbox's
    /// aws:ResourceTag condition. False for a body naming no key or a key that does not exist.</summary>
    internal bool KeyHasTag(ReadOnlySpan<byte> body, string tagKey, string tagValue)
    {
        var key = KeyNamedIn(body);
        if (key is null) return false;
        lock (key.Gate) return key.Tags.TryGetValue(tagKey, out var value) && value == tagValue;
    }

    /// <summary>The key spec of the key a request body names, or null (for quota buckets that depend on the key).</summary>
    internal string? KeySpecNamedIn(ReadOnlySpan<byte> body) => KeyNamedIn(body)?.KeySpec;

    private KmsKey? KeyNamedIn(ReadOnlySpan<byte> body)
    {
        try
        {
            using var request = KmsRequest.Parse(body, "");
            return request.String("KeyId") is { } reference ? _store.Resolve(reference, aliasAllowed: true) : null;
        }
        catch (KmsException)
        {
            return null;
        }
    }

    private static void UsableFor(KmsKey k, string usage, string operation)
    {
        if (k.State == KmsKey.StateDisabled) throw KmsException.Disabled(k.Arn);
        NotPendingDeletion(k);
        if (k.KeyUsage != usage)
            throw new KmsException("InvalidKeyUsageException", $"{k.Arn} key usage is {k.KeyUsage} which is not valid for {operation}.");
    }

    private static string OneOf(KmsRequest r, string name, string[] values, bool required)
    {
        var value = r.String(name, required);
        if (value is null) return "";
        if (!values.Contains(value))
            throw KmsException.Validation($"'{value}'", char.ToLowerInvariant(name[0]) + name[1..], $"Member must satisfy enum value set: [{string.Join(", ", values)}]");
        return value;
    }

    private static HashAlgorithmName HashOf(string algorithm) =>
        algorithm.EndsWith("_384", StringComparison.Ordinal) ? HashAlgorithmName.SHA384
        : algorithm.EndsWith("_512", StringComparison.Ordinal) ? HashAlgorithmName.SHA512
        : HashAlgorithmName.SHA256;

    private static int HashLength(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA384 ? 48 : hash == HashAlgorithmName.SHA512 ? 64 : 32;

    /// <summary>The message's hash: KMS hashes a RAW message; a DIGEST message is the hash and must have its length.</summary>
    private static byte[] Hashed(byte[] message, string messageType, string algorithm)
    {
        var hash = HashOf(algorithm);
        if (messageType != "DIGEST")
            return hash == HashAlgorithmName.SHA384 ? SHA384.HashData(message) : hash == HashAlgorithmName.SHA512 ? SHA512.HashData(message) : SHA256.HashData(message);
        if (message.Length != HashLength(hash))
            throw new KmsException("ValidationException", $"Digest is invalid length for algorithm {algorithm}.");
        return message;
    }

    private static void Compatible(KmsKey k, string algorithm)
    {
        if (!k.SigningAlgorithms.Contains(algorithm))
            throw new KmsException("InvalidKeyUsageException", $"Algorithm {algorithm} is incompatible with key spec {k.KeySpec}.");
    }

    private static RSASignaturePadding Padding(string algorithm) =>
        algorithm.StartsWith("RSASSA_PSS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;

    private ServiceResponse Sign(KmsRequest r)
    {
        var keyRef = r.String("KeyId", required: true)!;
        var message = r.Blob("Message", required: true, 1, 4096)!;
        var messageType = OneOf(r, "MessageType", ["RAW", "DIGEST"], required: false);
        var algorithm = OneOf(r, "SigningAlgorithm", SigningAlgorithmNames, required: true);
        var key = _store.Resolve(keyRef, aliasAllowed: true);
        return Change(key, k =>
        {
            UsableFor(k, "SIGN_VERIFY", "Sign");
            Compatible(k, algorithm);
            var hash = Hashed(message, messageType, algorithm);
            var signature = k.IsEcc
                ? k.Ecdsa.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence)
                : k.Rsa.SignHash(hash, HashOf(algorithm), Padding(algorithm));
            return KmsResponse.Write(w =>
            {
                w.WriteString("KeyId", k.Arn);
                w.WriteBase64String("Signature", signature);
                w.WriteString("SigningAlgorithm", algorithm);
            });
        });
    }

    private ServiceResponse Verify(KmsRequest r)
    {
        var keyRef = r.String("KeyId", required: true)!;
        var message = r.Blob("Message", required: true, 1, 4096)!;
        var messageType = OneOf(r, "MessageType", ["RAW", "DIGEST"], required: false);
        var signature = r.Blob("Signature", required: true, 1, 6144)!;
        var algorithm = OneOf(r, "SigningAlgorithm", SigningAlgorithmNames, required: true);
        var key = _store.Resolve(keyRef, aliasAllowed: true);
        return Change(key, k =>
        {
            UsableFor(k, "SIGN_VERIFY", "Verify");
            Compatible(k, algorithm);
            var hash = Hashed(message, messageType, algorithm);
            bool valid;
            try
            {
                valid = k.IsEcc
                    ? k.Ecdsa.VerifyHash(hash, signature, DSASignatureFormat.Rfc3279DerSequence)
                    : k.Rsa.VerifyHash(hash, signature, HashOf(algorithm), Padding(algorithm));
            }
            catch (CryptographicException)
            {
                valid = false;
            }
            if (!valid) throw new KmsException("KMSInvalidSignatureException", "");
            return KmsResponse.Write(w =>
            {
                w.WriteString("KeyId", k.Arn);
                w.WriteBoolean("SignatureValid", true);
                w.WriteString("SigningAlgorithm", algorithm);
            });
        });
    }

    private ServiceResponse GetPublicKey(KmsRequest r)
    {
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: true);
        return Change(key, k =>
        {
            if (k.State == KmsKey.StateDisabled) throw KmsException.Disabled(k.Arn);
            NotPendingDeletion(k);
            if (!k.IsEcc && !k.IsRsa)
                throw KmsException.Unsupported($"{k.Arn} key spec {k.KeySpec} is not an asymmetric key spec: GetPublicKey is not supported for it.");
            var publicKey = k.PublicKeyInfo();
            return KmsResponse.Write(w =>
            {
                w.WriteString("KeyId", k.Arn);
                w.WriteBase64String("PublicKey", publicKey);
                w.WriteString("CustomerMasterKeySpec", k.KeySpec);
                w.WriteString("KeySpec", k.KeySpec);
                w.WriteString("KeyUsage", k.KeyUsage);
                if (k.KeyUsage == "SIGN_VERIFY")
                {
                    w.WriteStartArray("SigningAlgorithms");
                    foreach (var a in k.SigningAlgorithms) w.WriteStringValue(a);
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteStartArray("EncryptionAlgorithms");
                    w.WriteStringValue("RSAES_OAEP_SHA_1");
                    w.WriteStringValue("RSAES_OAEP_SHA_256");
                    w.WriteEndArray();
                }
            });
        });
    }

    private static byte[] Mac(KmsKey k, string algorithm, byte[] message)
    {
        if (algorithm != "HMAC_SHA_256" || k.KeySpec != "HMAC_256")
            throw new KmsException("InvalidKeyUsageException", $"Algorithm {algorithm} is incompatible with key spec {k.KeySpec}.");
        return HMACSHA256.HashData(k.HmacKey, message);
    }

    private ServiceResponse GenerateMac(KmsRequest r)
    {
        var message = r.Blob("Message", required: true, 1, 4096)!;
        var keyRef = r.String("KeyId", required: true)!;
        var algorithm = OneOf(r, "MacAlgorithm", MacAlgorithmNames, required: true);
        var key = _store.Resolve(keyRef, aliasAllowed: true);
        return Change(key, k =>
        {
            UsableFor(k, "GENERATE_VERIFY_MAC", "GenerateMac");
            var mac = Mac(k, algorithm, message);
            return KmsResponse.Write(w =>
            {
                w.WriteBase64String("Mac", mac);
                w.WriteString("MacAlgorithm", algorithm);
                w.WriteString("KeyId", k.Arn);
            });
        });
    }

    private ServiceResponse VerifyMac(KmsRequest r)
    {
        var message = r.Blob("Message", required: true, 1, 4096)!;
        var keyRef = r.String("KeyId", required: true)!;
        var algorithm = OneOf(r, "MacAlgorithm", MacAlgorithmNames, required: true);
        var mac = r.Blob("Mac", required: true, 1, 6144)!;
        var key = _store.Resolve(keyRef, aliasAllowed: true);
        return Change(key, k =>
        {
            UsableFor(k, "GENERATE_VERIFY_MAC", "VerifyMac");
            if (!CryptographicOperations.FixedTimeEquals(Mac(k, algorithm, message), mac))
                throw new KmsException("KMSInvalidMacException", "");
            return KmsResponse.Write(w =>
            {
                w.WriteString("KeyId", k.Arn);
                w.WriteBoolean("MacValid", true);
                w.WriteString("MacAlgorithm", algorithm);
            });
        });
    }
}
