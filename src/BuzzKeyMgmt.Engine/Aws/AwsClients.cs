using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.SecurityToken;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>
/// Builds the SDK clients for an environment: Region, optional endpoint (the sandbox, a VPC endpoint), the SDK's standard
/// retry mode (throttling and transient errors retried with exponential backoff and jitter). Not the adaptive mode: its
/// client-side rate limiter, once slowed by throttling, fails later calls locally ("capacity could not be obtained")
/// long after AWS stopped throttling, which a fleet read then reported as an unreachable endpoint. Pacing under KMS's
/// quotas is the module's own (<c>Kms/RateGate</c>, shared per account and Region); emergencies add their own throttling
/// budget (<see cref="ThrottleBudget"/>). Never called at import.
/// </summary>
public static class AwsClients
{
    public const int DefaultMaxErrorRetry = 6;

    /// <summary>The SDK's retries for an emergency's KMS calls: few, because the run's <see cref="ThrottleBudget"/>
    /// retries throttling itself, each time through the quota gate.</summary>
    public const int EmergencyMaxErrorRetry = 2;

    public static AmazonKeyManagementServiceClient Kms(AWSCredentials credentials, string region, string? endpointUrl, int maxErrorRetry = DefaultMaxErrorRetry)
    {
        var config = new AmazonKeyManagementServiceConfig();
        Configure(config, region, endpointUrl, maxErrorRetry);
        return new ObservedKmsClient(credentials, config);
    }

    public static AmazonSecurityTokenServiceClient Sts(AWSCredentials credentials, string region, string? endpointUrl, int maxErrorRetry = 3)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        Configure(config, region, endpointUrl, maxErrorRetry);
        return new AmazonSecurityTokenServiceClient(credentials, config);
    }

    internal static void Configure(ClientConfig config, string region, string? endpointUrl, int maxErrorRetry)
    {
        if (endpointUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            ServiceEndpoints.Require(endpointUrl, config.AuthenticationServiceName?.ToUpperInvariant() ?? "AWS");
            config.ServiceURL = endpointUrl;
            config.AuthenticationRegion = region;
        }
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = maxErrorRetry;
        config.Timeout = TimeSpan.FromSeconds(30);
    }
}
