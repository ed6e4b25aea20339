using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Engine.Identity;

/// <summary>
/// Who is acting, with which role, in which environment, until when. A session owns its AWS clients (one per service and
/// Region, see <see cref="AwsClientFactory"/>) and the role sessions it took on the operator's behalf (Revoke-EncryptionKey
/// from an Admin session takes the Emergency role): those are kept for their lifetime, so one MFA code is used once, not
/// once per key. Disposing the session (Disconnect-KeyManagement, a new connection of the same name, the runspace
/// closing) disposes all of them. Credentials stay inside the engine: they are never a public property.
/// </summary>
public sealed class KeyMgmtSession : IDisposable
{
    /// <summary>A cached role session is reused only while it has at least this long to live.</summary>
    public static readonly TimeSpan RoleReuseMargin = TimeSpan.FromMinutes(2);

    private readonly bool _ownsBaseClients;
    private readonly Dictionary<KeyMgmtRole, KeyMgmtSession> _roles = new();
    private readonly SemaphoreSlim _roleGate = new(1, 1);
    private volatile bool _disposed;

    /// <param name="clients">Clients with <paramref name="credentials"/>; owned by the session.</param>
    /// <param name="baseClients">Clients with the operator's own credentials (may be <paramref name="clients"/> itself).</param>
    /// <param name="ownsBaseClients">False for a role session taken by another session, which keeps the base clients.</param>
    internal KeyMgmtSession(KeyMgmtEnvironment environment, KeyMgmtRole role, string callerArn, string @operator,
        DateTimeOffset? expiresAt, string region, ServiceEndpoints endpoints, string? endpointUrl, string? incidentId, string? changeId,
        AWSCredentials credentials, AWSCredentials baseCredentials, string baseCallerArn,
        AwsClientFactory clients, AwsClientFactory baseClients, bool ownsBaseClients)
    {
        BaseCallerArn = baseCallerArn;
        BaseCredentials = baseCredentials;
        EnvironmentInfo = environment;
        Role = role;
        CallerArn = callerArn;
        Operator = @operator;
        ExpiresAt = expiresAt;
        Region = region;
        Endpoints = endpoints;
        EndpointUrl = endpointUrl;
        IncidentId = incidentId;
        ChangeId = changeId;
        Credentials = credentials;
        ConnectedAt = environment.Clock.GetUtcNow();
        Name = $"{environment.Name}/{role}";
        Clients = clients;
        BaseClients = baseClients;
        _ownsBaseClients = ownsBaseClients && !ReferenceEquals(clients, baseClients);
    }

    /// <summary>How the session is known in this runspace: "&lt;environment&gt;/&lt;role&gt;" unless Connect-KeyManagement
    /// -Name gave another (see <see cref="Context.SessionRegistry.Add(KeyMgmtSession, bool, string?)"/>).</summary>
    public string Name { get; internal set; }

    /// <summary>True while this is the current session of the runspace that connected it (the one cmdlets use without
    /// -Session). Kept by the <see cref="Context.SessionRegistry"/>.</summary>
    public bool IsCurrent { get; internal set; }

    /// <summary>
    /// A short plain-text tag for a prompt function: the session's name, "PRODUCTION" for a production environment,
    /// and the minutes left ("expired" or "closed" when it can no longer act), e.g.
    /// <c>production/Emergency PRODUCTION 42m</c>. Only ASCII letters, digits and <c>./_-@+</c> appear in the name
    /// (names are checked when given), so the text cannot carry escape sequences.
    /// </summary>
    public string PromptText
    {
        get
        {
            var state = IsClosed ? "closed"
                : IsExpired ? "expired"
                : TimeLeft is { } left ? $"{Math.Max(1, (int)Math.Ceiling(left.TotalMinutes))}m"
                : null;
            return string.Join(' ', new[] { Name, IsProduction ? "PRODUCTION" : null, state }.Where(p => p is not null));
        }
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

    /// <summary>The account the caller acts in (from its ARN; the configured account when the ARN has none).</summary>
    public string AccountId => CallerArn.Split(':') is { Length: > 4 } parts && parts[4].Length == 12 ? parts[4] : EnvironmentInfo.AccountId;

    /// <summary>Time left by the environment's clock (the sandbox's clock for the sandbox); null when the
    /// credentials do not expire (long-term keys).</summary>
    public TimeSpan? TimeLeft => ExpiresAt is { } at ? at - EnvironmentInfo.Clock.GetUtcNow() : null;

    public bool IsExpired => TimeLeft is { } left && left <= TimeSpan.Zero;

    /// <summary>Under this much time left, cmdlets warn.</summary>
    public static readonly TimeSpan WarningThreshold = TimeSpan.FromMinutes(5);

    public bool IsExpiringSoon => TimeLeft is { } left && left > TimeSpan.Zero && left < WarningThreshold;

    /// <summary>True once the session was disconnected or replaced; it can no longer call AWS.</summary>
    public bool IsClosed => _disposed;

    internal KeyMgmtEnvironment EnvironmentInfo { get; }
    internal AWSCredentials Credentials { get; }
    internal ServiceEndpoints Endpoints { get; }

    /// <summary>The credentials the role was assumed from (the operator's own), to take another role later.</summary>
    internal AWSCredentials BaseCredentials { get; }
    internal TimeProvider Clock => EnvironmentInfo.Clock;

    /// <summary>This session's clients (its role's credentials).</summary>
    internal AwsClientFactory Clients { get; }

    /// <summary>Clients with the operator's own credentials (STS for taking roles).</summary>
    internal AwsClientFactory BaseClients { get; }

    /// <summary>The session's KMS client in its own Region.</summary>
    internal Amazon.KeyManagementService.IAmazonKeyManagementService Kms => Clients.Kms();

    /// <summary>
    /// A session holding <paramref name="role"/> for the same operator and environment: this one when it holds the role
    /// (or none is needed), else a role session taken earlier and still valid for <see cref="RoleReuseMargin"/>, else a
    /// new one assumed from the operator's own credentials with <paramref name="mfaCode"/> (Emergency and Recovery need
    /// one). The new session is kept, so the next operation, and the next key of a pipeline, reuse it rather than
    /// spending the MFA code again (AWS refuses a code used twice).
    /// </summary>
    internal async Task<KeyMgmtSession> ForRoleAsync(KeyMgmtRole role, string? mfaCode, string purpose, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (role == KeyMgmtRole.None || role == Role) return this;
        await _roleGate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            if (_roles.TryGetValue(role, out var cached) && !cached.IsClosed && (cached.TimeLeft is not { } left || left > RoleReuseMargin))
                return cached;
            if (Shortfall(role, mfaCode, purpose) is { } shortfall) throw shortfall;
            var fresh = await SessionConnector.AssumeForAsync(this, role, mfaCode, cancellation).ConfigureAwait(false);
            if (_roles.Remove(role, out var old)) old.Dispose();
            _roles[role] = fresh;
            return fresh;
        }
        finally
        {
            _roleGate.Release();
        }
    }

    /// <summary>Why <paramref name="role"/> cannot be had for an operation, known without any AWS call: an Emergency or
    /// Recovery role that this session neither holds nor has assumed before, with no MFA code to assume it (the same
    /// error the operation would end with); null when the role is held, cached, or can be asked for with the code. The
    /// cmdlets check it before they ask "Are you sure?".</summary>
    public KeyMgmtException? RoleShortfall(KeyMgmtRole role, string? mfaCode, string purpose)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _roleGate.Wait();
        try
        {
            return Shortfall(role, mfaCode, purpose);
        }
        finally
        {
            _roleGate.Release();
        }
    }

    private KeyMgmtException? Shortfall(KeyMgmtRole role, string? mfaCode, string purpose)
    {
        if (role == KeyMgmtRole.None || role == Role || mfaCode is not null) return null;
        if (role is not (KeyMgmtRole.Emergency or KeyMgmtRole.Recovery)) return null;
        if (_roles.TryGetValue(role, out var cached) && !cached.IsClosed && (cached.TimeLeft is not { } left || left > RoleReuseMargin)) return null;
        return new KeyMgmtException($"{role}RoleRequired", FailureKind.PermissionDenied,
            $"{purpose} needs the {role} role; this session holds {Role}.",
            $"Pass -MfaCode to assume the {role} role, or Connect-KeyManagement -Role {role} -MfaCode <code>.");
    }

    /// <summary>Whether a role session is held for <paramref name="role"/> (cached from an earlier operation).</summary>
    internal bool HoldsRoleSession(KeyMgmtRole role) => role == Role || _roles.ContainsKey(role);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var roleSession in _roles.Values) roleSession.Dispose();
        _roles.Clear();
        Clients.Dispose();
        if (_ownsBaseClients) BaseClients.Dispose();
    }

    public override string ToString() => $"{Environment}/{Role} as {CallerArn}";
}
