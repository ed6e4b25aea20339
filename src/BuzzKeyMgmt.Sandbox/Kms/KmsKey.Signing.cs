using System.Security.Cryptography;

namespace BuzzKeyMgmt.Sandbox.Kms;

public sealed partial class KmsKey
{
    private ECDsa? _ecdsa;
    private byte[]? _hmac;

    /// <summary>The P-256 key pair of an ECC_NIST_P256 key, generated on first use.</summary>
    public ECDsa Ecdsa => _ecdsa ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The secret of an HMAC_256 key (32 bytes), generated on first use.</summary>
    public byte[] HmacKey => _hmac ??= RandomNumberGenerator.GetBytes(32);

    public bool IsEcc => KeySpec.StartsWith("ECC_", StringComparison.Ordinal);
    public bool IsRsa => KeySpec.StartsWith("RSA_", StringComparison.Ordinal);
    public bool IsHmac => KeySpec.StartsWith("HMAC_", StringComparison.Ordinal);

    /// <summary>The DER SubjectPublicKeyInfo of an asymmetric key (what GetPublicKey returns).</summary>
    public byte[] PublicKeyInfo() => IsEcc ? Ecdsa.ExportSubjectPublicKeyInfo() : Rsa.ExportSubjectPublicKeyInfo();

    /// <summary>The signing algorithms of a SIGN_VERIFY key, as DescribeKey and GetPublicKey list them.</summary>
    public IReadOnlyList<string> SigningAlgorithms => KeySpec == "ECC_NIST_P256" ? EccAlgorithms : IsRsa ? RsaAlgorithms : [];

    private static readonly string[] EccAlgorithms = ["ECDSA_SHA_256"];
    private static readonly string[] RsaAlgorithms =
        ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"];
}
