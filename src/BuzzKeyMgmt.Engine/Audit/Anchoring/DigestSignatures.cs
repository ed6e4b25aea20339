using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace BuzzKeyMgmt.Engine.Audit.Anchoring;

/// <summary>The KMS key that signs digests, as DescribeKey read it, and the algorithm used with it.</summary>
public sealed record DigestKey(string Arn, string KeySpec, string KeyUsage, string Algorithm)
{
    /// <summary>The algorithm for a key: ECDSA_SHA_256 (ECC_NIST_P256), RSASSA_PSS_SHA_256 (RSA, SIGN_VERIFY),
    /// HMAC_SHA_256 (HMAC_256, GENERATE_VERIFY_MAC); null for any other key.</summary>
    public static string? AlgorithmFor(string keySpec, string keyUsage) => (keySpec, keyUsage) switch
    {
        ("ECC_NIST_P256", "SIGN_VERIFY") => "ECDSA_SHA_256",
        ("RSA_2048" or "RSA_3072" or "RSA_4096", "SIGN_VERIFY") => "RSASSA_PSS_SHA_256",
        ("HMAC_256", "GENERATE_VERIFY_MAC") => "HMAC_SHA_256",
        _ => null,
    };

    public bool IsMac => KeyUsage == "GENERATE_VERIFY_MAC";

    /// <summary>Reads the key (an alias is resolved to its key's ARN) and picks its algorithm; a key that cannot sign
    /// digests is a <see cref="KeyMgmtException"/> naming why.</summary>
    public static async Task<DigestKey> ResolveAsync(IAmazonKeyManagementService kms, string keyId, CancellationToken cancellation)
    {
        var meta = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }, cancellation).ConfigureAwait(false)).KeyMetadata;
        var spec = meta.KeySpec?.Value ?? "";
        var usage = meta.KeyUsage?.Value ?? "";
        var algorithm = AlgorithmFor(spec, usage)
            ?? throw new KeyMgmtException("AuditDigestKeyUnsupported", FailureKind.InvalidArgument,
                $"The audit digest key {keyId} ({meta.Arn}) is a {spec} {usage} key; digests are signed with an ECC_NIST_P256 or RSA SIGN_VERIFY key or an HMAC_256 GENERATE_VERIFY_MAC key.",
                "Set auditDigests.keyId to such a key.");
        return new DigestKey(meta.Arn, spec, usage, algorithm);
    }

    /// <summary>KMS Sign (MessageType RAW: KMS hashes the message) or GenerateMac over the digest's message; base64.</summary>
    public async Task<string> SignAsync(IAmazonKeyManagementService kms, byte[] message, CancellationToken cancellation)
    {
        if (IsMac)
        {
            var mac = await kms.GenerateMacAsync(new GenerateMacRequest
            {
                KeyId = Arn, Message = new MemoryStream(message), MacAlgorithm = MacAlgorithmSpec.FindValue(Algorithm),
            }, cancellation).ConfigureAwait(false);
            return Convert.ToBase64String(mac.Mac.ToArray());
        }
        var signed = await kms.SignAsync(new SignRequest
        {
            KeyId = Arn, Message = new MemoryStream(message), MessageType = MessageType.RAW, SigningAlgorithm = SigningAlgorithmSpec.FindValue(Algorithm),
        }, cancellation).ConfigureAwait(false);
        return Convert.ToBase64String(signed.Signature.ToArray());
    }
}

/// <summary>Whether a digest's signature is good, and why not.</summary>
public sealed record DigestSignatureResult(bool Valid, string? Problem)
{
    public static readonly DigestSignatureResult Good = new(true, null);
}

/// <summary>Checks digests' signatures against the one key that may sign them.</summary>
public interface IDigestSignatureCheck
{
    /// <summary>The ARN of the key digests must be signed by.</summary>
    string KeyArn { get; }

    Task<DigestSignatureResult> CheckAsync(AuditDigest digest, CancellationToken cancellation);
}

/// <summary>
/// Checks signatures of an asymmetric key locally with its public key (no AWS call per digest), and a MAC key with KMS
/// VerifyMac (one call per digest checked). A digest signed by another key, or with another algorithm than the key's,
/// does not verify whatever its signature.
/// </summary>
public sealed class DigestSignatureCheck : IDigestSignatureCheck
{
    private readonly DigestKey _key;
    private readonly byte[]? _publicKey;
    private readonly IAmazonKeyManagementService? _kms;

    /// <summary>Local checks with a public key (DER SubjectPublicKeyInfo, as KMS GetPublicKey returns it).</summary>
    public DigestSignatureCheck(DigestKey key, byte[] publicKey)
    {
        _key = key;
        _publicKey = publicKey;
    }

    private DigestSignatureCheck(DigestKey key, IAmazonKeyManagementService kms)
    {
        _key = key;
        _kms = kms;
    }

    public string KeyArn => _key.Arn;

    public DigestKey Key => _key;

    /// <summary>For the key <paramref name="keyId"/> names: DescribeKey, then GetPublicKey once for an asymmetric key; an
    /// HMAC key is checked with VerifyMac through <paramref name="kms"/>.</summary>
    public static async Task<DigestSignatureCheck> ForKeyAsync(IAmazonKeyManagementService kms, string keyId, CancellationToken cancellation)
    {
        var key = await DigestKey.ResolveAsync(kms, keyId, cancellation).ConfigureAwait(false);
        if (key.IsMac) return new DigestSignatureCheck(key, kms);
        var response = await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.Arn }, cancellation).ConfigureAwait(false);
        return new DigestSignatureCheck(key, response.PublicKey.ToArray());
    }

    public async Task<DigestSignatureResult> CheckAsync(AuditDigest digest, CancellationToken cancellation)
    {
        if (!string.Equals(digest.KeyId, _key.Arn, StringComparison.Ordinal))
            return new(false, $"it names the key {digest.KeyId}, not the digest key {_key.Arn}");
        if (!string.Equals(digest.Algorithm, _key.Algorithm, StringComparison.Ordinal))
            return new(false, $"it names the algorithm {digest.Algorithm}, not {_key.Algorithm}");
        var signature = digest.SignatureBytes();
        if (signature.Length == 0) return new(false, "its signature is empty or not base64");
        if (_kms is not null)
        {
            try
            {
                var answer = await _kms.VerifyMacAsync(new VerifyMacRequest
                {
                    KeyId = _key.Arn, Message = new MemoryStream(digest.SignedMessage()), Mac = new MemoryStream(signature),
                    MacAlgorithm = MacAlgorithmSpec.FindValue(_key.Algorithm),
                }, cancellation).ConfigureAwait(false);
                return answer.MacValid == true ? DigestSignatureResult.Good : new(false, "KMS VerifyMac says the MAC is not valid");
            }
            catch (KMSInvalidMacException)
            {
                return new(false, "KMS VerifyMac says the MAC is not valid (KMSInvalidMacException)");
            }
        }
        return VerifyLocally(digest.SignedMessage(), signature)
            ? DigestSignatureResult.Good
            : new(false, $"its {_key.Algorithm} signature does not verify with the public key of {_key.Arn}");
    }

    private bool VerifyLocally(byte[] message, byte[] signature)
    {
        try
        {
            if (_key.KeySpec.StartsWith("ECC_", StringComparison.Ordinal))
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportSubjectPublicKeyInfo(_publicKey, out _);
                return ecdsa.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(_publicKey, out _);
            return rsa.VerifyData(message, signature, HashAlgorithmName.SHA256,
                _key.Algorithm.StartsWith("RSASSA_PSS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
