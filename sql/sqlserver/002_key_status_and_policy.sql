-- BuzzKeyMgmt SQL Server migration 002: last known key state and the shared policy (seeded).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
IF OBJECT_ID(N'dbo.KeyStatus', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.KeyStatus (
        KeyId              NVARCHAR(256)    NOT NULL CONSTRAINT PK_KeyStatus PRIMARY KEY,
        KeyArn             NVARCHAR(2048)   NULL,
        Alias              NVARCHAR(256)    NULL,
        Environment        NVARCHAR(64)     NOT NULL,
        KeyState           NVARCHAR(32)     NOT NULL,
        KeySpec            NVARCHAR(64)     NULL,
        KeyUsage           NVARCHAR(64)     NULL,
        RotationEnabled    BIT              NOT NULL CONSTRAINT DF_KeyStatus_RotationEnabled DEFAULT 0,
        RotationPeriodDays INT              NULL,
        CreatedAtUtc       DATETIME2(7)     NULL,
        LastRotatedAtUtc   DATETIME2(7)     NULL,
        DeletionDateUtc    DATETIME2(7)     NULL,
        LastOperation      NVARCHAR(32)     NULL,
        LastOperationId    UNIQUEIDENTIFIER NULL,
        LastOutcome        NVARCHAR(16)     NULL,
        UpdatedAtUtc       DATETIME2(7)     NOT NULL
    );
END
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_KeyStatus_Alias' AND object_id = OBJECT_ID(N'dbo.KeyStatus'))
    CREATE INDEX IX_KeyStatus_Alias ON dbo.KeyStatus (Alias);
GO
IF OBJECT_ID(N'dbo.KeyManagementConfig', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.KeyManagementConfig (
        Name         NVARCHAR(100)  NOT NULL CONSTRAINT PK_KeyManagementConfig PRIMARY KEY,
        Value        NVARCHAR(400)  NOT NULL,
        Description  NVARCHAR(400)  NULL,
        UpdatedAtUtc DATETIME2(7)   NOT NULL CONSTRAINT DF_KeyManagementConfig_UpdatedAtUtc DEFAULT SYSUTCDATETIME()
    );
END
GO
-- Seed values are inserted only when missing, so an administrator's change survives a re-run.
INSERT INTO dbo.KeyManagementConfig (Name, Value, Description)
SELECT s.Name, s.Value, s.Description
FROM (VALUES
    (N'RotationPeriodDays',         N'90',   N'Days between key rotations (PCI DSS 3.7.4 cryptoperiod).'),
    (N'RecoveryWindowDays',         N'7',    N'Pending-deletion window in days during which a revoked key can be recovered.'),
    (N'MinimumRsaKeyBits',          N'3072', N'Smallest RSA key size accepted.'),
    (N'ApprovalsRequired',          N'2',    N'Distinct approvers needed before a recovery proceeds.'),
    (N'MttrTargetMinutes',          N'10',   N'Target minutes from incident to revoked key.'),
    (N'RecoveryRequestExpiryHours', N'24',   N'Hours after which an unapproved recovery request expires.'),
    (N'IncidentIdPattern',          N'^(INC|INCIDENT)-\d{4}-\d{3,6}$', N'Regular expression an incident id must match.'),
    (N'ChangeIdPattern',            N'^(CHG|CHANGE)-\d{4}-\d{3,6}$',   N'Regular expression a change id must match.')
) AS s (Name, Value, Description)
WHERE NOT EXISTS (SELECT 1 FROM dbo.KeyManagementConfig c WHERE c.Name = s.Name);
GO
IF NOT EXISTS (SELECT 1 FROM dbo.SchemaVersion WHERE Version = 2)
    INSERT INTO dbo.SchemaVersion (Version, Name) VALUES (2, N'002_key_status_and_policy');
GO
