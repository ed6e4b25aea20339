using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.SecurityToken;

namespace BuzzKeyMgmt.Sandbox.Tests.Regions;

/// <summary>Real AWS SDK clients signing for a given Region and sent to a given sandbox URL (retries off).</summary>
internal static class RegionClients
{
    public const string Primary = "us-east-1", Second = "eu-west-2";

    public static AmazonKeyManagementServiceClient KmsClient(SandboxServer server, string region, string? serviceUrl = null, AWSCredentials? credentials = null) =>
        new(credentials ?? Root(server), new AmazonKeyManagementServiceConfig
        {
            ServiceURL = serviceUrl ?? server.Endpoint, AuthenticationRegion = region, MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(30),
        });

    public static AmazonSecurityTokenServiceClient StsClient(SandboxServer server, string region, string? serviceUrl = null, AWSCredentials? credentials = null) =>
        new(credentials ?? Root(server), new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = serviceUrl ?? server.Endpoint, AuthenticationRegion = region, MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(30),
        });

    public static AWSCredentials Root(SandboxServer server) => new BasicAWSCredentials(server.Root.AccessKeyId, server.Root.SecretAccessKey);
}
