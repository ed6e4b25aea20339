using Amazon.Runtime;

namespace BuzzKeyMgmt.Engine.Configuration;

/// <summary>Where an environment's audit records go: a provider and its target (a SQLite path or a SQL Server
/// connection string). Every public member shows the connection string with its password, access token or client
/// secret replaced by *** (<see cref="Target"/>, <see cref="ToString"/>, and so ConvertTo-Json and Format-List of an
/// environment); the real one is internal and used only to connect (<see cref="ConnectionTarget"/>).</summary>
public sealed record AuditStoreReference
{
    public const string Sqlite = "Sqlite";
    public const string SqlServer = "SqlServer";

    private readonly string _target;

    public AuditStoreReference(string provider, string target)
    {
        Provider = provider;
        _target = target;
    }

    public string Provider { get; }

    /// <summary>The SQLite file's path, or the SQL Server connection string without its secrets (for people).</summary>
    public string Target => IsSqlServer ? Redaction.ConnectionString(_target) : _target;

    /// <summary>The target as configured, secrets included: only for opening the connection (and naming its journal).</summary>
    internal string ConnectionTarget => _target;

    private bool IsSqlServer => string.Equals(Provider, SqlServer, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"{Provider}: {Target}";
}

/// <summary>The connection facts of one environment (production, staging, sandbox …).</summary>
public sealed class KeyMgmtEnvironment
{
    public required string Name { get; init; }
    public required string Region { get; init; }
    public required string AccountId { get; init; }
    public string? AdminRoleArn { get; init; }
    public string? EmergencyRoleArn { get; init; }
    public string? RecoveryRoleArn { get; init; }
    public string? MfaSerialNumber { get; init; }
    public string? AlertTopicArn { get; init; }
    public AuditStoreReference? AuditStore { get; init; }

    /// <summary>Where the audit chain's signed digests go and which KMS key signs them; null: the chain is not anchored.</summary>
    public AuditDigestSettings? AuditDigests { get; init; }
    public string? EndpointUrl { get; init; }
    public bool IsProduction { get; init; }

    /// <summary>The AWS profile (shared config or credentials file) whose credentials connect to this environment when
    /// Connect-KeyManagement names none: a fleet read across environments connects each with its own. Null: the
    /// standard AWS credential chain.</summary>
    public string? ProfileName { get; init; }

    /// <summary>KMS request quotas AWS raised for this account and Region (requests per second by operation, e.g.
    /// DescribeKey 4000): the module paces to them instead of the defaults. Null: AWS's defaults.</summary>
    public IReadOnlyDictionary<string, double>? KmsQuotas { get; init; }

    /// <summary>Where each service is reached: the file's <c>endpoints</c> per service, any service not named there at
    /// <see cref="EndpointUrl"/> (the one-for-all shorthand), else the public endpoints of the Region.</summary>
    public Aws.ServiceEndpoints Endpoints
    {
        get => _endpoints ?? Aws.ServiceEndpoints.All(EndpointUrl);
        init => _endpoints = value;
    }

    private readonly Aws.ServiceEndpoints? _endpoints;

    /// <summary>The configuration file it came from, or "session" for one registered in this session (the sandbox).</summary>
    public required string Source { get; init; }

    /// <summary>Base credentials that belong to the environment itself (only the sandbox has them); otherwise the
    /// standard AWS credential chain supplies them.</summary>
    internal AWSCredentials? BaseCredentials { get; init; }

    /// <summary>The environment's clock: the system clock, or the sandbox's (which tests advance by days).</summary>
    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    public string? RoleArn(KeyMgmtRole role) => role switch
    {
        KeyMgmtRole.Admin => AdminRoleArn,
        KeyMgmtRole.Emergency => EmergencyRoleArn,
        KeyMgmtRole.Recovery => RecoveryRoleArn,
        _ => null,
    };

    public override string ToString() => Name;
}

/// <summary>The roles of the design: Admin (read, rotation), Emergency (read, disable, schedule deletion),
/// Recovery (read, enable, cancel deletion, access test). None uses the base credentials as they are.</summary>
public enum KeyMgmtRole
{
    None,
    Admin,
    Emergency,
    Recovery,
}
