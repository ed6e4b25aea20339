using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Engine.Identity;

/// <summary>
/// Connect-KeyManagement's engine: base credentials from the standard AWS chain (or -ProfileName, or the sandbox's
/// own); Admin, Emergency and Recovery roles assumed through STS (Emergency and Recovery with MFA), at most 3600 s,
/// SourceIdentity = the operator, the incident or change id in the session name; the caller read back with
/// GetCallerIdentity.
/// </summary>
public static class SessionConnector
{
    public const int MaxSessionSeconds = 3600;
    private static readonly Regex SixDigits = new(@"^[0-9]{6}\z");

    /// <summary>Connects to <paramref name="environment"/> (found by the caller's context) with the request's role.</summary>
    public static async Task<KeyMgmtSession> ConnectAsync(KeyMgmtEnvironment environment, ConnectRequest request, CancellationToken cancellation)
    {
        var region = request.Region ?? environment.Region;
        if (request.EndpointUrl is { } asked && ServiceEndpoints.Problem(asked) is { } problem)
            throw new KeyMgmtException("EndpointUrlInvalid", FailureKind.InvalidArgument, $"-EndpointUrl '{ServiceEndpoints.Redact(asked)}' {problem}.",
                "Pass the endpoint as https://host[:port], or omit -EndpointUrl to use the environment's endpoints.");
        var endpointUrl = request.EndpointUrl ?? environment.EndpointUrl;
        var endpoints = request.EndpointUrl is { } url ? ServiceEndpoints.All(url) : environment.Endpoints;
        var baseCredentials = ResolveBaseCredentials(request, environment);
        var baseClients = new AwsClientFactory(baseCredentials, region, endpoints);
        try
        {
            var baseIdentity = await Call(() => baseClients.Sts().GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellation),
                "GetCallerIdentity", environment.Name, AwsService.Sts);
            var @operator = OperatorName.FromArn(baseIdentity.Arn);
            if (request.Role == KeyMgmtRole.None)
                return new KeyMgmtSession(environment, KeyMgmtRole.None, baseIdentity.Arn, @operator, null, region, endpoints, endpointUrl,
                    request.IncidentId, request.ChangeId, baseCredentials, baseCredentials, baseIdentity.Arn, baseClients, baseClients, ownsBaseClients: true);
            return await AssumeRoleSessionAsync(environment, request, @operator, baseCredentials, baseIdentity.Arn, baseClients, ownsBaseClients: true,
                region, endpoints, endpointUrl, cancellation).ConfigureAwait(false);
        }
        catch
        {
            baseClients.Dispose();
            throw;
        }
    }

    /// <summary>A session of another role for the same operator, environment, Region and endpoints, from
    /// <paramref name="session"/>'s own base credentials and base clients (which it keeps).</summary>
    internal static Task<KeyMgmtSession> AssumeForAsync(KeyMgmtSession session, KeyMgmtRole role, string? mfaCode, CancellationToken cancellation) =>
        AssumeRoleSessionAsync(session.EnvironmentInfo,
            new ConnectRequest(session.Environment, role, mfaCode, Region: session.Region, EndpointUrl: session.EndpointUrl,
                IncidentId: session.IncidentId, ChangeId: session.ChangeId),
            session.Operator, session.BaseCredentials, session.BaseCallerArn, session.BaseClients, ownsBaseClients: false,
            session.Region, session.Endpoints, session.EndpointUrl, cancellation);

    private static async Task<KeyMgmtSession> AssumeRoleSessionAsync(KeyMgmtEnvironment environment, ConnectRequest request, string @operator,
        AWSCredentials baseCredentials, string baseCallerArn, AwsClientFactory baseClients, bool ownsBaseClients,
        string region, ServiceEndpoints endpoints, string? endpointUrl, CancellationToken cancellation)
    {
        var assumed = await AssumeAsync(baseClients.Sts(), request, environment, @operator, cancellation).ConfigureAwait(false);
        var credentials = new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken);
        var clients = new AwsClientFactory(credentials, region, endpoints);
        try
        {
            var identity = await Call(() => clients.Sts().GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellation),
                "GetCallerIdentity", environment.Name, AwsService.Sts);
            DateTimeOffset? expires = assumed.Credentials.Expiration is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc).ToUniversalTime()) : null;
            return new KeyMgmtSession(environment, request.Role, identity.Arn, @operator, expires, region, endpoints, endpointUrl,
                request.IncidentId, request.ChangeId, credentials, baseCredentials, baseCallerArn, clients, baseClients, ownsBaseClients);
        }
        catch
        {
            clients.Dispose();
            throw;
        }
    }

    private static async Task<AssumeRoleResponse> AssumeAsync(Amazon.SecurityToken.IAmazonSecurityTokenService sts,
        ConnectRequest request, KeyMgmtEnvironment environment, string @operator, CancellationToken cancellation)
    {
        var roleArn = environment.RoleArn(request.Role)
            ?? throw new KeyMgmtException("RoleNotConfigured", FailureKind.InvalidArgument,
                $"Environment '{environment.Name}' has no {request.Role} role ARN.",
                $"Set environments.{environment.Name}.roles.{request.Role.ToString().ToLowerInvariant()} in {environment.Source}.");
        var needsMfa = request.Role is KeyMgmtRole.Emergency or KeyMgmtRole.Recovery;
        var serial = request.MfaSerialNumber ?? environment.MfaSerialNumber;
        if (needsMfa && (request.MfaCode is null || serial is null))
            throw new KeyMgmtException("MfaRequired", FailureKind.InvalidArgument,
                $"The {request.Role} role requires MFA: " + (request.MfaCode is null ? "pass -MfaCode with the 6-digit code from your device." : $"no MFA device serial is set for '{environment.Name}'."),
                serial is null ? $"Set environments.{environment.Name}.mfaSerialNumber in {environment.Source}, or connect with Connect-KeyManagement -MfaSerialNumber <serial>."
                    : "Pass -MfaCode <6 digits>.");
        if (request.MfaCode is not null && !SixDigits.IsMatch(request.MfaCode))
            throw new KeyMgmtException("MfaCodeMalformed", FailureKind.InvalidArgument, "An MFA code is exactly 6 digits.");

        var assume = new AssumeRoleRequest
        {
            RoleArn = roleArn,
            RoleSessionName = OperatorName.SessionName(@operator, request.IncidentId ?? request.ChangeId, environment.Clock.GetUtcNow()),
            DurationSeconds = MaxSessionSeconds,
            SourceIdentity = OperatorName.SourceIdentity(@operator),
        };
        if (request.MfaCode is not null && serial is not null)
        {
            assume.SerialNumber = serial;
            assume.TokenCode = request.MfaCode;
        }
        try
        {
            return await sts.AssumeRoleAsync(assume, cancellation).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex) when (ex.ErrorCode == "AccessDenied" && ex.Message.Contains("MultiFactorAuthentication", StringComparison.OrdinalIgnoreCase))
        {
            throw new KeyMgmtException("MfaCodeRejected", FailureKind.AuthenticationError,
                $"STS rejected the MFA code for device {serial}: the code is wrong, has expired, or was already used (AWS accepts each code once).",
                "Enter the current code from your MFA device (codes change every 30 seconds) and run Connect-KeyManagement again.", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw AwsErrors.Translate(ex, $"AssumeRole {roleArn}", environment: environment.Name, service: AwsService.Sts);
        }
    }

    /// <summary>The shared credentials and config files as the environment names them now: the SDK's default store reads
    /// AWS_SHARED_CREDENTIALS_FILE once per process, so a pwsh session that points it elsewhere later would still read the
    /// first file.</summary>
    private static CredentialProfileStoreChain ProfileStore() =>
        System.Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } file
            ? new CredentialProfileStoreChain(file)
            : new CredentialProfileStoreChain();

    private static AWSCredentials ResolveBaseCredentials(ConnectRequest request, KeyMgmtEnvironment environment)
    {
        if ((request.ProfileName ?? environment.ProfileName) is { } profile)
        {
            if (ProfileStore().TryGetAWSCredentials(profile, out var fromProfile)) return fromProfile;
            throw new KeyMgmtException("ProfileNotFound", FailureKind.ObjectNotFound,
                $"No AWS profile named '{profile}' in the shared credentials or config files.",
                "Check ~/.aws/credentials and ~/.aws/config, or omit -ProfileName (and the environment's \"profile\") to use the default credential chain.");
        }
        if (environment.BaseCredentials is { } own) return own;
        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials();
        }
        catch (AmazonClientException ex)
        {
            throw new KeyMgmtException("NoCredentials", FailureKind.AuthenticationError,
                "No AWS credentials found (profile, environment variables or instance role).",
                "Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass -ProfileName.", ex);
        }
    }

    private static async Task<T> Call<T>(Func<Task<T>> call, string action, string environment, AwsService service)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw AwsErrors.Translate(ex, action, environment: environment, service: service);
        }
    }
}
