using System.Collections.Concurrent;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.SecurityToken;
using BuzzKeyMgmt.Engine.Alerts;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>
/// The AWS clients of one set of credentials (a session): one per service and Region, made on first use (never at
/// module import), shared by every cmdlet and operation of that session, and disposed with it. Each service is reached
/// at its own endpoint (<see cref="ServiceEndpoints"/>), so KMS, STS and SNS need not share a URL, and an alert can be
/// published in its topic's Region rather than the session's.
/// </summary>
public sealed class AwsClientFactory : IDisposable
{
    private readonly AWSCredentials _credentials;
    private readonly ConcurrentDictionary<(string Client, string Region), Lazy<IDisposable>> _clients = new();
    private volatile bool _disposed;

    public AwsClientFactory(AWSCredentials credentials, string region, ServiceEndpoints? endpoints = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        Endpoints = endpoints ?? ServiceEndpoints.Public;
        foreach (var service in Enum.GetValues<AwsService>())
            ServiceEndpoints.Require(Endpoints.For(service), service.ToString().ToUpperInvariant());   // before any client exists
        _credentials = credentials;
        Region = region;
    }

    /// <summary>The Region clients are made for unless another is asked for.</summary>
    public string Region { get; }

    public ServiceEndpoints Endpoints { get; }

    /// <summary>How many clients this factory has made (tests: one per service and Region, whatever the number of calls).</summary>
    public int ClientCount => _clients.Count;

    public bool IsDisposed => _disposed;

    public IAmazonKeyManagementService Kms(string? region = null) =>
        (IAmazonKeyManagementService)Get("kms", region, r => AwsClients.Kms(_credentials, r, Endpoints.Kms));

    /// <summary>A KMS client that never retries on its own: for calls whose refusals must not be retried, such as
    /// RotateKeyOnDemand's LimitExceededException (a lifetime limit the SDK would take for throttling).</summary>
    public IAmazonKeyManagementService KmsWithoutRetries(string? region = null) =>
        (IAmazonKeyManagementService)Get("kms-no-retry", region, r => AwsClients.Kms(_credentials, r, Endpoints.Kms, maxErrorRetry: 0));

    /// <summary>The KMS client of emergency runs (revocation), apart from the one fleet reads and routine operations use:
    /// few SDK retries (the run's <see cref="ThrottleBudget"/> retries throttling, through the quota gates), and no state
    /// of one kind of work (connections, retry bookkeeping) shared with the other.</summary>
    public IAmazonKeyManagementService KmsEmergency(string? region = null) =>
        (IAmazonKeyManagementService)Get("kms-emergency", region, r => AwsClients.Kms(_credentials, r, Endpoints.Kms, AwsClients.EmergencyMaxErrorRetry));

    public IAmazonSecurityTokenService Sts(string? region = null) =>
        (IAmazonSecurityTokenService)Get("sts", region, r => AwsClients.Sts(_credentials, r, Endpoints.Sts));

    /// <summary>SNS Publish for a topic's Region (see <see cref="SnsPublisher"/>).</summary>
    public SnsPublisher Sns(string region) =>
        (SnsPublisher)Get("sns", region, r => new SnsPublisher(_credentials, r, Endpoints.Sns));

    private IDisposable Get(string kind, string? region, Func<string, IDisposable> make)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var client = _clients.GetOrAdd((kind, region ?? Region), k => new Lazy<IDisposable>(() => make(k.Region))).Value;
        if (_disposed)
        {
            client.Dispose();   // made while the session closed: do not leak it
            ObjectDisposedException.ThrowIf(true, this);
        }
        return client;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var lazy in _clients.Values)
            if (lazy.IsValueCreated) lazy.Value.Dispose();
        _clients.Clear();
    }
}
