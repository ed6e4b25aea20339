namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>Where the audit store is and whether it answers. Target never contains a password.</summary>
public sealed record AuditStoreDescription
{
    /// <summary>"Sqlite" or "SqlServer".</summary>
    public string Provider { get; init; } = "";

    /// <summary>File path (SQLite) or connection string with secrets removed (SQL Server).</summary>
    public string Target { get; init; } = "";

    /// <summary>Highest applied migration version, null when unknown or not migrated.</summary>
    public int? SchemaVersion { get; init; }

    public bool Reachable { get; init; }

    /// <summary>Why the store is not reachable (secrets removed), null when reachable.</summary>
    public string? Error { get; init; }
}
