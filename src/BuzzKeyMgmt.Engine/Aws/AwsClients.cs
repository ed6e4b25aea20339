using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.SecurityToken;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>Builds the SDK clients for an environment: Region, optional endpoint (the sandbox, a VPC endpoint),
/// adaptive retry (client-side rate limiting; throttled calls are retried, not reported). Never called at import.</summary>
public static class AwsClients
{
    public const int DefaultMaxErrorRetry = 6;

    public static AmazonKeyManagementServiceClient Kms(AWSCredentials credentials, string region, string? endpointUrl, int maxErrorRetry = DefaultMaxErrorRetry)
    {
        var config = new AmazonKeyManagementServiceConfig();
        Configure(config, region, endpointUrl, maxErrorRetry);
        return new AmazonKeyManagementServiceClient(credentials, config);
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
        config.RetryMode = RequestRetryMode.Adaptive;
        config.MaxErrorRetry = maxErrorRetry;
        config.Timeout = TimeSpan.FromSeconds(30);
    }
}
