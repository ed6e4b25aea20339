-- BuzzKeyMgmt SQL Server migration 004: stored procedures the engine calls.
-- CREATE OR ALTER keeps the script idempotent and lets a later release replace a body in place.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- Appends one audit row. The engine computes RowHash (canonical form: sql/README.md) under the chain lock it took
-- in the same transaction; this procedure re-takes that lock, refuses a row that does not extend the chain tail and
-- is idempotent by AuditId (a replayed journal row that is already present is left alone). Returns Inserted 1/0.
CREATE OR ALTER PROCEDURE dbo.LogKeyManagementOperation
    @Sequence       BIGINT,
    @AuditId        UNIQUEIDENTIFIER,
    @OperationId    UNIQUEIDENTIFIER,
    @OccurredAtUtc  DATETIME2(7),
    @Environment    NVARCHAR(64),
    @Operation      NVARCHAR(32),
    @Phase          NVARCHAR(16),
    @Outcome        NVARCHAR(16),
    @KeyId          NVARCHAR(256)  = NULL,
    @KeyArn         NVARCHAR(2048) = NULL,
    @Alias          NVARCHAR(256)  = NULL,
    @IncidentId     NVARCHAR(64)   = NULL,
    @ChangeId       NVARCHAR(64)   = NULL,
    @Reason         NVARCHAR(1000) = NULL,
    @IsEmergency    BIT,
    @OperatorArn    NVARCHAR(2048) = NULL,
    @OperatorName   NVARCHAR(256)  = NULL,
    @ClientHost     NVARCHAR(256)  = NULL,
    @ClientAddress  NVARCHAR(64)   = NULL,
    @Approvals      NVARCHAR(MAX)  = NULL,
    @DurationMs     BIGINT         = NULL,
    @ErrorCode      NVARCHAR(128)  = NULL,
    @ErrorMessage   NVARCHAR(MAX)  = NULL,
    @AlertMessageId NVARCHAR(128)  = NULL,
    @Details        NVARCHAR(MAX)  = NULL,
    @PreviousHash   CHAR(64),
    @RowHash        CHAR(64)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    IF @@TRANCOUNT = 0
        THROW 51001, N'LogKeyManagementOperation must run inside the caller''s transaction that holds the chain lock.', 1;

    DECLARE @lock INT;
    EXEC @lock = sys.sp_getapplock @Resource = N'BuzzKeyMgmt.KeyManagementAudit.Chain', @LockMode = N'Exclusive',
        @LockOwner = N'Transaction', @LockTimeout = 30000;
    IF @lock < 0
        THROW 51002, N'Timed out waiting for the audit chain lock.', 1;

    IF EXISTS (SELECT 1 FROM dbo.KeyManagementAudit WHERE AuditId = @AuditId)
    BEGIN
        SELECT CAST(0 AS INT) AS Inserted;
        RETURN;
    END

    DECLARE @tailSequence BIGINT, @tailHash CHAR(64);
    SELECT TOP (1) @tailSequence = Sequence, @tailHash = RowHash
    FROM dbo.KeyManagementAudit
    ORDER BY Sequence DESC;

    IF (@tailSequence IS NULL AND (@Sequence <> 1 OR @PreviousHash <> REPLICATE('0', 64)))
       OR (@tailSequence IS NOT NULL AND (@Sequence <> @tailSequence + 1 OR @PreviousHash <> @tailHash))
        THROW 51003, N'The audit row does not extend the chain tail (stale Sequence or PreviousHash).', 1;

    INSERT INTO dbo.KeyManagementAudit (
        Sequence, AuditId, OperationId, OccurredAtUtc, Environment, Operation, Phase, Outcome, KeyId, KeyArn, Alias,
        IncidentId, ChangeId, Reason, IsEmergency, OperatorArn, OperatorName, ClientHost, ClientAddress, Approvals,
        DurationMs, ErrorCode, ErrorMessage, AlertMessageId, Details, PreviousHash, RowHash)
    VALUES (
        @Sequence, @AuditId, @OperationId, @OccurredAtUtc, @Environment, @Operation, @Phase, @Outcome, @KeyId, @KeyArn,
        @Alias, @IncidentId, @ChangeId, @Reason, @IsEmergency, @OperatorArn, @OperatorName, @ClientHost, @ClientAddress,
        @Approvals, @DurationMs, @ErrorCode, @ErrorMessage, @AlertMessageId, @Details, @PreviousHash, @RowHash);

    SELECT CAST(1 AS INT) AS Inserted;
END
GO
-- Keys whose policy rotation date (last rotation, or creation, plus RotationPeriodDays) falls on or before
-- @AsOfUtc + @WithinDays. Only enabled keys are rotated (a disabled key is not rotated by KMS either).
CREATE OR ALTER PROCEDURE dbo.GetKeysDueForRotation
    @AsOfUtc    DATETIME2(7),
    @WithinDays INT = 0
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @period INT = (SELECT TRY_CAST(Value AS INT) FROM dbo.KeyManagementConfig WHERE Name = N'RotationPeriodDays');
    SET @period = COALESCE(@period, 90);

    SELECT k.KeyId, k.KeyArn, k.Alias, k.Environment, k.KeyState, k.KeySpec, k.KeyUsage, k.RotationEnabled,
           k.RotationPeriodDays, k.CreatedAtUtc, k.LastRotatedAtUtc, k.DeletionDateUtc, k.LastOperation,
           k.LastOperationId, k.LastOutcome, k.UpdatedAtUtc,
           DATEADD(DAY, @period, COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc)) AS RotationDueAtUtc
    FROM dbo.KeyStatus AS k
    WHERE k.KeyState = N'Enabled'
      AND DATEADD(DAY, @period, COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc)) <= DATEADD(DAY, @WithinDays, @AsOfUtc)
    ORDER BY RotationDueAtUtc, k.KeyId;
END
GO
-- Last known state of one key (by key id or alias name) or, with no argument, of every key.
CREATE OR ALTER PROCEDURE dbo.GetKeyStatus
    @KeyId NVARCHAR(256) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SELECT k.KeyId, k.KeyArn, k.Alias, k.Environment, k.KeyState, k.KeySpec, k.KeyUsage, k.RotationEnabled,
           k.RotationPeriodDays, k.CreatedAtUtc, k.LastRotatedAtUtc, k.DeletionDateUtc, k.LastOperation,
           k.LastOperationId, k.LastOutcome, k.UpdatedAtUtc
    FROM dbo.KeyStatus AS k
    WHERE @KeyId IS NULL OR k.KeyId = @KeyId OR k.Alias = @KeyId OR k.KeyArn = @KeyId
    ORDER BY k.KeyId;
END
GO
-- Sessions connected without TLS (PCI DSS 4.2.1 / HIPAA transmission security evidence). Needs VIEW SERVER STATE.
CREATE OR ALTER PROCEDURE dbo.CheckUnencryptedConnections
AS
BEGIN
    SET NOCOUNT ON;
    SELECT c.session_id AS SessionId, c.client_net_address AS ClientAddress, c.net_transport AS NetTransport,
           c.auth_scheme AS AuthScheme, c.connect_time AS ConnectedAt, s.login_name AS LoginName,
           s.host_name AS HostName, s.program_name AS ProgramName
    FROM sys.dm_exec_connections AS c
    LEFT JOIN sys.dm_exec_sessions AS s ON s.session_id = c.session_id
    WHERE c.encrypt_option = 'FALSE'
    ORDER BY c.session_id;
END
GO
IF NOT EXISTS (SELECT 1 FROM dbo.SchemaVersion WHERE Version = 4)
    INSERT INTO dbo.SchemaVersion (Version, Name) VALUES (4, N'004_procedures');
GO
