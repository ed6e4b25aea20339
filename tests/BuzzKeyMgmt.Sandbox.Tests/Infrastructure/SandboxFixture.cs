using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

/// <summary>A sandbox on a free port (quotas off unless a test turns them on) and real AWS SDK clients pointed at it.</summary>
public class SandboxFixture : IDisposable
{
    public SandboxFixture() : this(new SandboxOptions { EnforceQuotas = false }) { }

    protected SandboxFixture(SandboxOptions options) => Server = SandboxServer.Start(options);

    public SandboxServer Server { get; }

    public AWSCredentials RootCredentials => new BasicAWSCredentials(Server.Root.AccessKeyId, Server.Root.SecretAccessKey);

    public AWSCredentials UserCredentials(string name)
    {
        var u = Server.User(name);
        return new BasicAWSCredentials(u.AccessKeyId, u.SecretAccessKey);
    }

    /// <summary>A KMS client with SDK retries off, so every sandbox answer reaches the test unchanged.</summary>
    public AmazonKeyManagementServiceClient Kms(AWSCredentials credentials) => new(credentials, new AmazonKeyManagementServiceConfig
    {
        ServiceURL = Server.Endpoint, AuthenticationRegion = Server.Region, MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(30),
    });

    public AmazonSecurityTokenServiceClient Sts(AWSCredentials credentials) => new(credentials, new AmazonSecurityTokenServiceConfig
    {
        ServiceURL = Server.Endpoint, AuthenticationRegion = Server.Region, MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>Assumes a role as an IAM user with a code from <see cref="SandboxServer.GetMfaCode"/> (one not used yet); returns session credentials.</summary>
    public async Task<(SessionAWSCredentials Credentials, AssumeRoleResponse Response)> AssumeAsync(
        string roleArn, string userName = "operator", string sessionName = "INC-2026-0042", string? sourceIdentity = "operator", bool withMfa = true)
    {
        using var sts = Sts(UserCredentials(userName));
        var user = Server.User(userName);
        var request = new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = sessionName, DurationSeconds = 900, SourceIdentity = sourceIdentity };
        if (withMfa) { request.SerialNumber = user.MfaSerial; request.TokenCode = Server.GetMfaCode(user.MfaSerial); }
        var response = await sts.AssumeRoleAsync(request);
        var c = response.Credentials;
        return (new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), response);
    }

    /// <summary>Assumes a role (Emergency by default) as an IAM user with that user's MFA device and the given code.</summary>
    public async Task<AssumeRoleResponse> AssumeWithCodeAsync(string code, string userName = "operator", string? roleArn = null,
        string sessionName = "INC-2026-0042")
    {
        using var sts = Sts(UserCredentials(userName));
        return await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = roleArn ?? Server.EmergencyRoleArn, RoleSessionName = sessionName, SerialNumber = Server.User(userName).MfaSerial, TokenCode = code,
        });
    }

    public void Dispose()
    {
        Server.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A sandbox with the KMS request quotas enforced (the default of <see cref="SandboxOptions"/>).</summary>
public sealed class QuotaSandboxFixture() : SandboxFixture(new SandboxOptions { EnforceQuotas = true });
