namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>
/// The emulated KMS (awsJson1_1). Contract with the HTTP host: the host authenticates the request (SigV4),
/// authorises the caller's role for the operation, then calls <see cref="Invoke"/> with the operation name
/// (the part of X-Amz-Target after "TrentService.") and the raw JSON body. Key-state rules, error names, messages
/// and status codes follow AWS (see the reference facts); time is the clock passed in, applied lazily on every access.
/// </summary>
public sealed partial class KmsService
{
    private readonly KeyStore _store;
    private readonly Dictionary<string, Func<KmsRequest, ServiceResponse>> _handlers;

    public KmsService(string accountId, string region, TimeProvider clock)
    {
        AccountId = accountId;
        Region = region;
        Clock = clock;
        _store = new KeyStore(accountId, region, clock);
        _handlers = new(StringComparer.Ordinal)
        {
            ["CreateKey"] = CreateKey, ["DescribeKey"] = DescribeKey, ["ListKeys"] = ListKeys,
            ["DisableKey"] = DisableKey, ["EnableKey"] = EnableKey,
            ["ScheduleKeyDeletion"] = ScheduleKeyDeletion, ["CancelKeyDeletion"] = CancelKeyDeletion,
            ["CreateAlias"] = CreateAlias, ["DeleteAlias"] = DeleteAlias, ["ListAliases"] = ListAliases,
            ["EnableKeyRotation"] = EnableKeyRotation, ["DisableKeyRotation"] = DisableKeyRotation,
            ["GetKeyRotationStatus"] = GetKeyRotationStatus, ["RotateKeyOnDemand"] = RotateKeyOnDemand,
            ["ListKeyRotations"] = ListKeyRotations,
            ["Encrypt"] = Encrypt, ["Decrypt"] = Decrypt, ["GenerateDataKey"] = GenerateDataKey,
            ["TagResource"] = TagResource, ["UntagResource"] = UntagResource, ["ListResourceTags"] = ListResourceTags,
            ["Sign"] = Sign, ["Verify"] = Verify, ["GetPublicKey"] = GetPublicKey, ["GenerateMac"] = GenerateMac, ["VerifyMac"] = VerifyMac,
        };
        AddManagedKey("alias/aws/ebs", "Default key that protects my EBS volumes when no other key is defined");
        AddManagedKey("alias/aws/s3", "Default key that protects my S3 objects when no other key is defined");
    }

    public string AccountId { get; }
    public string Region { get; }
    public TimeProvider Clock { get; }

    /// <summary>Operation names this service implements (e.g. "DescribeKey").</summary>
    public static IReadOnlySet<string> Operations { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "CreateKey", "DescribeKey", "ListKeys", "DisableKey", "EnableKey", "ScheduleKeyDeletion", "CancelKeyDeletion",
        "CreateAlias", "DeleteAlias", "ListAliases", "EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus",
        "RotateKeyOnDemand", "ListKeyRotations", "Encrypt", "Decrypt", "GenerateDataKey", "TagResource", "UntagResource",
        "ListResourceTags", "Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac",
    };

    /// <summary>Runs one KMS operation; never throws for bad input: answers an AWS-shaped error instead.</summary>
    public ServiceResponse Invoke(string operation, ReadOnlySpan<byte> body, string callerArn)
    {
        if (!_handlers.TryGetValue(operation, out var handler))
            return KmsResponse.Error(new KmsException("UnknownOperationException", ""));
        try
        {
            using var request = KmsRequest.Parse(body, callerArn);
            return handler(request);
        }
        catch (KmsException e)
        {
            return KmsResponse.Error(e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A defect of the sandbox, never of the input: answer as KMS does for its own faults instead of throwing.
            return KmsResponse.Error(new KmsException("KMSInternalException", "An internal error occurred.", 500));
        }
    }

    private DateTimeOffset Now => Clock.GetUtcNow();

    private void AddManagedKey(string alias, string description)
    {
        // AWS managed keys rotate every year (365 days), from their creation; their rotation status always reads true.
        var key = _store.Add("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS", description, Now.AddYears(-2));
        FleetHistory.Backdate(key, 365, Now.AddDays(100));
        _store.TryAddAlias(new KmsAlias(alias, key.Id, key.CreationDate, key.CreationDate));
    }

    /// <summary>Runs a change on one key under its lock, after bringing it up to the clock. A key the change leaves
    /// pending deletion is watched, so that listings drop it once its date passes.</summary>
    private T Change<T>(KmsKey key, Func<KmsKey, T> change)
    {
        lock (key.Gate)
        {
            key.Advance(Now);
            if (key.Deleted) throw KmsException.NotFound($"Key '{key.Arn}' does not exist");
            var result = change(key);
            if (key.State == KmsKey.StatePendingDeletion) _store.WatchDeletion(key);
            return result;
        }
    }

    /// <summary>AWS managed keys' policies only let AWS services use them: KMS answers AccessDenied to a customer.</summary>
    private static void NotAwsManaged(KmsKey key, KmsRequest request, string operation)
    {
        if (key.IsAwsManaged)
            throw new KmsException("AccessDeniedException",
                $"User: {request.CallerArn} is not authorized to perform: kms:{operation} on resource: {key.Arn} because no resource-based policy allows the kms:{operation} action");
    }

    private static void NotPendingDeletion(KmsKey key)
    {
        if (key.State == KmsKey.StatePendingDeletion) throw KmsException.InvalidState($"{key.Arn} is pending deletion.");
    }
}
