-- BuzzKeyMgmt SQL Server migration 005: reporting views.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- Rotation compliance per key against the policy's RotationPeriodDays (PCI DSS 3.7.4).
CREATE OR ALTER VIEW dbo.KeyComplianceStatus
AS
SELECT k.KeyId, k.KeyArn, k.Alias, k.Environment, k.KeyState, k.RotationEnabled, k.RotationPeriodDays,
       k.LastRotatedAtUtc, p.PolicyRotationPeriodDays,
       DATEADD(DAY, p.PolicyRotationPeriodDays, COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc)) AS RotationDueAtUtc,
       CAST(CASE WHEN DATEADD(DAY, p.PolicyRotationPeriodDays, COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc))
                      < SYSUTCDATETIME() THEN 1 ELSE 0 END AS BIT) AS IsRotationOverdue,
       CAST(CASE WHEN k.KeyState <> N'Enabled' THEN 1
                 WHEN k.RotationEnabled = 1
                      AND COALESCE(k.RotationPeriodDays, p.PolicyRotationPeriodDays) <= p.PolicyRotationPeriodDays
                      AND DATEADD(DAY, p.PolicyRotationPeriodDays, COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc))
                          >= SYSUTCDATETIME() THEN 1
                 ELSE 0 END AS BIT) AS IsCompliant
FROM dbo.KeyStatus AS k
CROSS JOIN (SELECT COALESCE(MAX(TRY_CAST(Value AS INT)), 90) AS PolicyRotationPeriodDays
            FROM dbo.KeyManagementConfig WHERE Name = N'RotationPeriodDays') AS p;
GO
-- Completed operations of the last 30 days (the Started row of each shares its OperationId).
CREATE OR ALTER VIEW dbo.RecentKeyOperations
AS
SELECT a.Sequence, a.AuditId, a.OperationId, a.OccurredAtUtc, a.Environment, a.Operation, a.Outcome, a.KeyId,
       a.Alias, a.IncidentId, a.ChangeId, a.IsEmergency, a.OperatorArn, a.OperatorName, a.DurationMs, a.ErrorCode,
       a.AlertMessageId
FROM dbo.KeyManagementAudit AS a
WHERE a.Phase = N'Completed'
  AND a.OccurredAtUtc >= DATEADD(DAY, -30, SYSUTCDATETIME());
GO
-- Every current connection with its encryption flag (CheckUnencryptedConnections lists the failing ones).
CREATE OR ALTER VIEW dbo.ConnectionEncryptionCompliance
AS
SELECT c.session_id AS SessionId, c.client_net_address AS ClientAddress, c.net_transport AS NetTransport,
       c.encrypt_option AS EncryptOption, c.auth_scheme AS AuthScheme, c.connect_time AS ConnectedAt,
       CAST(CASE WHEN c.encrypt_option = 'TRUE' THEN 1 ELSE 0 END AS BIT) AS IsCompliant
FROM sys.dm_exec_connections AS c;
GO
IF NOT EXISTS (SELECT 1 FROM dbo.SchemaVersion WHERE Version = 5)
    INSERT INTO dbo.SchemaVersion (Version, Name) VALUES (5, N'005_views');
GO
