namespace BuzzKeyMgmt.Engine.Audit.SqlServer;

public enum SchemaObjectKind
{
    Table,
    View,
    Procedure,
    Trigger,
}

/// <summary>A database object the engine relies on.</summary>
public sealed record SchemaObject(SchemaObjectKind Kind, string Name);

/// <summary>The SQL Server objects the engine uses; a test checks that the migrations in sql/sqlserver create each.</summary>
public static class SqlServerSchema
{
    public static IReadOnlyList<SchemaObject> RequiredObjects { get; } =
    [
        new(SchemaObjectKind.Table, "SchemaVersion"),
        new(SchemaObjectKind.Table, "KeyManagementAudit"),
        new(SchemaObjectKind.Table, "KeyStatus"),
        new(SchemaObjectKind.Table, "KeyManagementConfig"),
        new(SchemaObjectKind.Table, "KeyRecoveryRequest"),
        new(SchemaObjectKind.Table, "KeyRecoveryApproval"),
        new(SchemaObjectKind.Table, "KeyAuditDigest"),
        new(SchemaObjectKind.Trigger, "TR_KeyManagementAudit_AppendOnly"),
        new(SchemaObjectKind.Procedure, "LogKeyManagementOperation"),
        new(SchemaObjectKind.Procedure, "GetKeysDueForRotation"),
        new(SchemaObjectKind.Procedure, "GetKeyStatus"),
        new(SchemaObjectKind.Procedure, "CheckUnencryptedConnections"),
        new(SchemaObjectKind.View, "KeyComplianceStatus"),
        new(SchemaObjectKind.View, "RecentKeyOperations"),
        new(SchemaObjectKind.View, "ConnectionEncryptionCompliance"),
    ];
}

/// <summary>The SQLite objects the engine uses (procedures are engine code there); checked against sqlite_master.</summary>
public static class SqliteSchema
{
    public static IReadOnlyList<SchemaObject> RequiredObjects { get; } =
    [
        new(SchemaObjectKind.Table, "SchemaVersion"),
        new(SchemaObjectKind.Table, "KeyManagementAudit"),
        new(SchemaObjectKind.Table, "KeyStatus"),
        new(SchemaObjectKind.Table, "KeyManagementConfig"),
        new(SchemaObjectKind.Table, "KeyRecoveryRequest"),
        new(SchemaObjectKind.Table, "KeyRecoveryApproval"),
        new(SchemaObjectKind.Table, "KeyAuditDigest"),
        new(SchemaObjectKind.Trigger, "TR_KeyManagementAudit_NoUpdate"),
        new(SchemaObjectKind.Trigger, "TR_KeyManagementAudit_NoDelete"),
        new(SchemaObjectKind.View, "KeyComplianceStatus"),
        new(SchemaObjectKind.View, "RecentKeyOperations"),
        new(SchemaObjectKind.View, "ConnectionEncryptionCompliance"),
    ];
}
