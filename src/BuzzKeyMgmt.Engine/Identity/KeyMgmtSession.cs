using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Engine.Identity;

/// <summary>Who is acting, with which role, in which environment, until when. Used by every later cmdlet unless
/// -Session names another one. Credentials stay inside the engine: they are never a public property.</summary>
public sealed class KeyMgmtSession
{
    internal KeyMgmtSession(KeyMgmtEnvironment environment, KeyMgmtRole role, string callerArn, string @operator,
        DateTimeOffset? expiresAt, string region, string? endpointUrl, string? incidentId, string? changeId,
        AWSCredentials credentials, AWSCredentials baseCredentials, string baseCallerArn)
    {
        BaseCallerArn = baseCallerArn;
        BaseCredentials = baseCredentials;
        EnvironmentInfo = environment;
        Role = role;
        CallerArn = callerArn;
        Operator = @operator;
        ExpiresAt = expiresAt;
        Region = region;
        EndpointUrl = endpointUrl;
        IncidentId = incidentId;
        ChangeId = changeId;
        Credentials = credentials;
        ConnectedAt = environment.Clock.GetUtcNow();
    }

    public string Environment => EnvironmentInfo.Name;
    public KeyMgmtRole Role { get; }
    public string CallerArn { get; }
    public string Operator { get; }

    /// <summary>The operator's own identity (the base credentials' caller ARN): who requests and who approves.</summary>
    public string BaseCallerArn { get; }
    public DateTimeOffset? ExpiresAt { get; }
    public DateTimeOffset ConnectedAt { get; }
    public string Region { get; }
    public string? EndpointUrl { get; }
    public string? IncidentId { get; }
    public string? ChangeId { get; }
    public bool IsProduction => EnvironmentInfo.IsProduction;

    /// <summary>Time left by the environment's clock (the sandbox's clock for the sandbox); null when the
    /// credentials do not expire (long-term keys).</summary>
    public TimeSpan? TimeLeft => ExpiresAt is { } at ? at - EnvironmentInfo.Clock.GetUtcNow() : null;

    public bool IsExpired => TimeLeft is { } left && left <= TimeSpan.Zero;

    /// <summary>Under this much time left, cmdlets warn.</summary>
    public static readonly TimeSpan WarningThreshold = TimeSpan.FromMinutes(5);

    public bool IsExpiringSoon => TimeLeft is { } left && left > TimeSpan.Zero && left < WarningThreshold;

    internal KeyMgmtEnvironment EnvironmentInfo { get; }
    internal AWSCredentials Credentials { get; }

    /// <summary>The credentials the role was assumed from (the operator's own), to take another role later.</summary>
    internal AWSCredentials BaseCredentials { get; }
    internal TimeProvider Clock => EnvironmentInfo.Clock;

    private Amazon.KeyManagementService.IAmazonKeyManagementService? _kms;

    /// <summary>One KMS client per session, made on first use (never at module import) and shared by its cmdlets.</summary>
    internal Amazon.KeyManagementService.IAmazonKeyManagementService Kms =>
        LazyInitializer.EnsureInitialized(ref _kms, () => Aws.AwsClients.Kms(Credentials, Region, EndpointUrl));

    public override string ToString() => $"{Environment}/{Role} as {CallerArn}";
}
