-- BuzzKeyMgmt SQL Server migration 001: schema version table and the append-only, hash-chained audit table.
-- Idempotent: every object is created only when missing; re-running the script changes nothing.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
IF OBJECT_ID(N'dbo.SchemaVersion', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.SchemaVersion (
        Version      INT            NOT NULL CONSTRAINT PK_SchemaVersion PRIMARY KEY,
        Name         NVARCHAR(200)  NOT NULL,
        AppliedAtUtc DATETIME2(7)   NOT NULL CONSTRAINT DF_SchemaVersion_AppliedAtUtc DEFAULT SYSUTCDATETIME()
    );
END
GO
IF OBJECT_ID(N'dbo.KeyManagementAudit', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.KeyManagementAudit (
        Sequence       BIGINT           NOT NULL CONSTRAINT PK_KeyManagementAudit PRIMARY KEY CLUSTERED,
        AuditId        UNIQUEIDENTIFIER NOT NULL CONSTRAINT UQ_KeyManagementAudit_AuditId UNIQUE,
        OperationId    UNIQUEIDENTIFIER NOT NULL,
        OccurredAtUtc  DATETIME2(7)     NOT NULL,
        Environment    NVARCHAR(64)     NOT NULL,
        Operation      NVARCHAR(32)     NOT NULL
            CONSTRAINT CK_KeyManagementAudit_Operation CHECK (LEN(Operation) > 0 AND Operation NOT LIKE '%[^A-Z_]%'),
        Phase          NVARCHAR(16)     NOT NULL
            CONSTRAINT CK_KeyManagementAudit_Phase CHECK (Phase IN (N'Started', N'Completed')),
        Outcome        NVARCHAR(16)     NOT NULL
            CONSTRAINT CK_KeyManagementAudit_Outcome CHECK (Outcome IN (N'Pending', N'Succeeded', N'Failed', N'Cancelled')),
        KeyId          NVARCHAR(256)    NULL,
        KeyArn         NVARCHAR(2048)   NULL,
        Alias          NVARCHAR(256)    NULL,
        IncidentId     NVARCHAR(64)     NULL,
        ChangeId       NVARCHAR(64)     NULL,
        Reason         NVARCHAR(1000)   NULL,
        IsEmergency    BIT              NOT NULL,
        OperatorArn    NVARCHAR(2048)   NULL,
        OperatorName   NVARCHAR(256)    NULL,
        ClientHost     NVARCHAR(256)    NULL,
        ClientAddress  NVARCHAR(64)     NULL,
        Approvals      NVARCHAR(MAX)    NULL,
        DurationMs     BIGINT           NULL,
        ErrorCode      NVARCHAR(128)    NULL,
        ErrorMessage   NVARCHAR(MAX)    NULL,
        AlertMessageId NVARCHAR(128)    NULL,
        Details        NVARCHAR(MAX)    NULL,
        PreviousHash   CHAR(64)         NOT NULL,
        RowHash        CHAR(64)         NOT NULL CONSTRAINT UQ_KeyManagementAudit_RowHash UNIQUE
    );
END
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_KeyManagementAudit_KeyId' AND object_id = OBJECT_ID(N'dbo.KeyManagementAudit'))
    CREATE INDEX IX_KeyManagementAudit_KeyId ON dbo.KeyManagementAudit (KeyId, Sequence);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_KeyManagementAudit_OccurredAtUtc' AND object_id = OBJECT_ID(N'dbo.KeyManagementAudit'))
    CREATE INDEX IX_KeyManagementAudit_OccurredAtUtc ON dbo.KeyManagementAudit (OccurredAtUtc);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_KeyManagementAudit_IncidentId' AND object_id = OBJECT_ID(N'dbo.KeyManagementAudit'))
    CREATE INDEX IX_KeyManagementAudit_IncidentId ON dbo.KeyManagementAudit (IncidentId);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_KeyManagementAudit_ChangeId' AND object_id = OBJECT_ID(N'dbo.KeyManagementAudit'))
    CREATE INDEX IX_KeyManagementAudit_ChangeId ON dbo.KeyManagementAudit (ChangeId);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_KeyManagementAudit_OperationId' AND object_id = OBJECT_ID(N'dbo.KeyManagementAudit'))
    CREATE INDEX IX_KeyManagementAudit_OperationId ON dbo.KeyManagementAudit (OperationId);
GO
-- Append-only: the database itself refuses UPDATE and DELETE (TRUNCATE needs ALTER permission, which writers lack).
CREATE OR ALTER TRIGGER dbo.TR_KeyManagementAudit_AppendOnly
ON dbo.KeyManagementAudit
INSTEAD OF UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    THROW 51000, N'KeyManagementAudit is append-only: UPDATE and DELETE are refused.', 1;
END
GO
IF NOT EXISTS (SELECT 1 FROM dbo.SchemaVersion WHERE Version = 1)
    INSERT INTO dbo.SchemaVersion (Version, Name) VALUES (1, N'001_schema_version_and_audit');
GO
