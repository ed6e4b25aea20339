-- BuzzKeyMgmt SQL Server migration 006: rotation compliance judges keys KMS cannot rotate automatically (asymmetric,
-- HMAC: KeySpec other than SYMMETRIC_DEFAULT) by the age of their material only, as Get-KeyRotationDue and
-- Get-KeyCompliance do; a symmetric key still needs rotation on, a period within the policy and a recent rotation.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE OR ALTER VIEW dbo.KeyComplianceStatus
AS
SELECT k.KeyId, k.KeyArn, k.Alias, k.Environment, k.KeyState, k.RotationEnabled, k.RotationPeriodDays,
       k.LastRotatedAtUtc, p.PolicyRotationPeriodDays,
       DATEADD(DAY, p.PolicyRotationPeriodDays, COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc)) AS RotationDueAtUtc,
       CAST(CASE WHEN DATEADD(DAY, p.PolicyRotationPeriodDays, COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc))
                      < SYSUTCDATETIME() THEN 1 ELSE 0 END AS BIT) AS IsRotationOverdue,
       CAST(CASE WHEN k.KeyState <> N'Enabled' THEN 1
                 WHEN COALESCE(k.KeySpec, N'SYMMETRIC_DEFAULT') <> N'SYMMETRIC_DEFAULT'
                      AND DATEADD(DAY, p.PolicyRotationPeriodDays, COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc))
                          >= SYSUTCDATETIME() THEN 1
                 WHEN COALESCE(k.KeySpec, N'SYMMETRIC_DEFAULT') = N'SYMMETRIC_DEFAULT'
                      AND k.RotationEnabled = 1
                      AND COALESCE(k.RotationPeriodDays, p.PolicyRotationPeriodDays) <= p.PolicyRotationPeriodDays
                      AND DATEADD(DAY, p.PolicyRotationPeriodDays, COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc))
                          >= SYSUTCDATETIME() THEN 1
                 ELSE 0 END AS BIT) AS IsCompliant
FROM dbo.KeyStatus AS k
CROSS JOIN (SELECT COALESCE(MAX(TRY_CAST(Value AS INT)), 90) AS PolicyRotationPeriodDays
            FROM dbo.KeyManagementConfig WHERE Name = N'RotationPeriodDays') AS p;
GO
IF NOT EXISTS (SELECT 1 FROM dbo.SchemaVersion WHERE Version = 6)
    INSERT INTO dbo.SchemaVersion (Version, Name) VALUES (6, N'006_rotation_compliance');
GO
