namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>
/// The emulated KMS (awsJson1_1). Contract with the HTTP host: the host authenticates the request (SigV4),
/// authorises the caller's role for the operation, then calls <see cref="Invoke"/> with the operation name
/// (the part of X-Amz-Target after "TrentService.") and the raw JSON body.
/// </summary>
public sealed class KmsService
{
    public KmsService(string accountId, string region, TimeProvider clock)
    {
        AccountId = accountId;
        Region = region;
        Clock = clock;
    }

    public string AccountId { get; }
    public string Region { get; }
    public TimeProvider Clock { get; }

    /// <summary>Operation names this service implements (e.g. "DescribeKey").</summary>
    public static IReadOnlySet<string> Operations { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Runs one KMS operation; never throws for bad input: answers an AWS-shaped error instead.</summary>
    public ServiceResponse Invoke(string operation, ReadOnlySpan<byte> body, string callerArn) =>
        throw new NotImplementedException("KMS emulation not written yet");
}
