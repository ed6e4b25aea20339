namespace BuzzKeyMgmt.Sandbox.Realism;

/// <summary>
/// KMS's default request quotas (requests per second per account and Region). Symmetric cryptographic operations
/// share one bucket. Operations not in AWS's published table use 5 rps (AWS's figure for most control-plane calls).
/// </summary>
internal sealed class KmsQuotas
{
    private static readonly string[] SymmetricCrypto =
        ["Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncrypt", "GenerateRandom"];

    private static readonly Dictionary<string, double> Rates = new(StringComparer.Ordinal)
    {
        ["DisableKey"] = 5, ["EnableKey"] = 5, ["ScheduleKeyDeletion"] = 15, ["CancelKeyDeletion"] = 5,
        ["DescribeKey"] = 2000, ["ListAliases"] = 500, ["CreateKey"] = 50, ["GetKeyRotationStatus"] = 1000,
        ["EnableKeyRotation"] = 15, ["DisableKeyRotation"] = 15, ["RotateKeyOnDemand"] = 5, ["ListKeyRotations"] = 100,
        ["ListKeys"] = 500, ["ListResourceTags"] = 2000, ["TagResource"] = 10, ["UntagResource"] = 10,
        ["CreateAlias"] = 5, ["DeleteAlias"] = 5, ["UpdateAlias"] = 5, ["GetKeyPolicy"] = 1000,
    };

    private readonly TokenBucket _crypto = new(10_000);
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>The rate applied to an operation.</summary>
    public static double RateFor(string operation) =>
        SymmetricCrypto.Contains(operation) ? 10_000 : Rates.GetValueOrDefault(operation, 5);

    /// <summary>Takes one request from the operation's bucket; false means "Rate exceeded".</summary>
    public bool TryAcquire(string operation)
    {
        if (SymmetricCrypto.Contains(operation)) return _crypto.TryTake();
        TokenBucket? bucket;
        lock (_gate)
        {
            if (!_buckets.TryGetValue(operation, out bucket))
                _buckets[operation] = bucket = new TokenBucket(RateFor(operation));
        }
        return bucket.TryTake();
    }
}
