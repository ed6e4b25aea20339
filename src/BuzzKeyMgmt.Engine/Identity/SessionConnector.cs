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
    private static readonly Regex SixDigits = new(@"^\d{6}$");

    public static Task<KeyMgmtSession> ConnectAsync(ConnectRequest request, CancellationToken cancellation) =>
        ConnectCoreAsync(request, baseOverride: null, cancellation);

    /// <summary>A session of another role for the same operator and environment, from the session's own base
    /// credentials (Revoke-EncryptionKey takes the Emergency role this way when the session does not hold it).</summary>
    public static Task<KeyMgmtSession> ElevateAsync(KeyMgmtSession session, KeyMgmtRole role, string? mfaCode, CancellationToken cancellation) =>
        ConnectCoreAsync(new ConnectRequest(session.Environment, role, mfaCode, Region: session.Region, EndpointUrl: session.EndpointUrl,
            IncidentId: session.IncidentId, ChangeId: session.ChangeId), session.BaseCredentials, cancellation);

    private static async Task<KeyMgmtSession> ConnectCoreAsync(ConnectRequest request, AWSCredentials? baseOverride, CancellationToken cancellation)
    {
        var environment = EnvironmentCatalog.Find(request.Environment)
            ?? throw new KeyMgmtException("EnvironmentNotFound", FailureKind.ObjectNotFound,
                $"No environment named '{request.Environment}'. Known: {KnownNames()}.",
                $"Add it to {EnvironmentCatalog.ConfigurationFilePath} (see the README), or start the sandbox with Start-KeyMgmtSandbox.");
        var region = request.Region ?? environment.Region;
        var endpoint = request.EndpointUrl ?? environment.EndpointUrl;
        var baseCredentials = baseOverride ?? ResolveBaseCredentials(request, environment);

        using var baseSts = AwsClients.Sts(baseCredentials, region, endpoint);
        var baseIdentity = await Call(() => baseSts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellation),
            "GetCallerIdentity", environment.Name);
        var @operator = OperatorName.FromArn(baseIdentity.Arn);

        if (request.Role == KeyMgmtRole.None)
            return new KeyMgmtSession(environment, KeyMgmtRole.None, baseIdentity.Arn, @operator, null, region, endpoint,
                request.IncidentId, request.ChangeId, baseCredentials, baseCredentials, baseIdentity.Arn);

        var assumed = await AssumeAsync(baseSts, request, environment, @operator, cancellation);
        var credentials = new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken);
        using var roleSts = AwsClients.Sts(credentials, region, endpoint);
        var identity = await Call(() => roleSts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellation),
            "GetCallerIdentity", environment.Name);
        DateTimeOffset? expires = assumed.Credentials.Expiration is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc).ToUniversalTime()) : null;
        return new KeyMgmtSession(environment, request.Role, identity.Arn, @operator, expires, region, endpoint,
            request.IncidentId, request.ChangeId, credentials, baseCredentials, baseIdentity.Arn);
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
                serial is null ? $"Pass -MfaSerialNumber or set environments.{environment.Name}.mfaSerialNumber." : "Pass -MfaCode <6 digits>.");
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
                $"STS rejected the MFA code for device {serial}: the code is wrong or has expired.",
                "Enter the current code from your MFA device (codes change every 30 seconds) and run Connect-KeyManagement again.", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw AwsErrors.Translate(ex, $"AssumeRole {roleArn}", environment: environment.Name);
        }
    }

    private static AWSCredentials ResolveBaseCredentials(ConnectRequest request, KeyMgmtEnvironment environment)
    {
        if (request.ProfileName is { } profile)
        {
            if (new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile)) return fromProfile;
            throw new KeyMgmtException("ProfileNotFound", FailureKind.ObjectNotFound,
                $"No AWS profile named '{profile}' in the shared credentials or config files.",
                "Check ~/.aws/credentials and ~/.aws/config, or omit -ProfileName to use the default credential chain.");
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

    private static async Task<T> Call<T>(Func<Task<T>> call, string action, string environment)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw AwsErrors.Translate(ex, action, environment: environment);
        }
    }

    private static string KnownNames()
    {
        var names = EnvironmentCatalog.All().Select(e => e.Name).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }
}
