namespace BuzzKeyMgmt.Sandbox.Realism;

/// <summary>
/// KMS's default request quotas (requests per second per account and Region). Symmetric cryptographic operations
/// share one bucket, and so do HMAC's GenerateMac and VerifyMac; Sign and Verify share the RSA bucket (500) or the ECC
/// bucket (300) by the key's spec. Operations not in AWS's published table use 5 rps (AWS's figure for most
/// control-plane calls).
/// </summary>
internal sealed class KmsQuotas
{
    private static readonly string[] SymmetricCrypto =
        ["Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncrypt", "GenerateRandom", "GenerateMac", "VerifyMac"];

    /// <summary>The asymmetric cryptographic quotas, shared by Sign and Verify (and RSA encryption) per key type.</summary>
    public const double RsaCryptoRate = 500, EccCryptoRate = 300;

    private static readonly string[] AsymmetricCrypto = ["Sign", "Verify"];

    private static readonly Dictionary<string, double> Rates = new(StringComparer.Ordinal)
    {
        ["DisableKey"] = 5, ["EnableKey"] = 5, ["ScheduleKeyDeletion"] = 15, ["CancelKeyDeletion"] = 5,
        ["DescribeKey"] = 2000, ["ListAliases"] = 500, ["CreateKey"] = 50, ["GetKeyRotationStatus"] = 1000,
        ["EnableKeyRotation"] = 15, ["DisableKeyRotation"] = 15, ["RotateKeyOnDemand"] = 5, ["ListKeyRotations"] = 100,
        ["ListKeys"] = 500, ["ListResourceTags"] = 2000, ["TagResource"] = 10, ["UntagResource"] = 10,
        ["CreateAlias"] = 5, ["DeleteAlias"] = 5, ["UpdateAlias"] = 5, ["GetKeyPolicy"] = 1000, ["GetPublicKey"] = 2000,
    };

    private readonly TokenBucket _crypto = new(10_000);
    private readonly TokenBucket _rsa = new(RsaCryptoRate);
    private readonly TokenBucket _ecc = new(EccCryptoRate);
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>The rate applied to an operation (Sign and Verify: for a key of <paramref name="keySpec"/>, RSA when null).</summary>
    public static double RateFor(string operation, string? keySpec = null) =>
        SymmetricCrypto.Contains(operation) ? 10_000
        : AsymmetricCrypto.Contains(operation) ? (keySpec?.StartsWith("ECC_", StringComparison.Ordinal) == true ? EccCryptoRate : RsaCryptoRate)
        : Rates.GetValueOrDefault(operation, 5);

    /// <summary>Takes one request from the operation's bucket; false means "Rate exceeded". Sign and Verify take from the
    /// bucket of the key's type (<paramref name="keySpec"/>: ECC_* the ECC bucket, anything else the RSA bucket).</summary>
    public bool TryAcquire(string operation, string? keySpec = null)
    {
        if (SymmetricCrypto.Contains(operation)) return _crypto.TryTake();
        if (AsymmetricCrypto.Contains(operation))
            return (keySpec?.StartsWith("ECC_", StringComparison.Ordinal) == true ? _ecc : _rsa).TryTake();
        TokenBucket? bucket;
        lock (_gate)
        {
            if (!_buckets.TryGetValue(operation, out bucket))
                _buckets[operation] = bucket = new TokenBucket(RateFor(operation));
        }
        return bucket.TryTake();
    }
}
