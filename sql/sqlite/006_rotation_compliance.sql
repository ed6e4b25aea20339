-- BuzzKeyMgmt SQLite migration 006: rotation compliance judges keys KMS cannot rotate automatically (asymmetric,
-- HMAC: KeySpec other than SYMMETRIC_DEFAULT) by the age of their material only, as Get-KeyRotationDue and
-- Get-KeyCompliance do; a symmetric key still needs rotation on, a period within the policy and a recent rotation.
DROP VIEW IF EXISTS KeyComplianceStatus;

CREATE VIEW KeyComplianceStatus AS
SELECT k.KeyId, k.KeyArn, k.Alias, k.Environment, k.KeyState, k.RotationEnabled, k.RotationPeriodDays,
       k.LastRotatedAtUtc, p.PolicyRotationPeriodDays,
       strftime('%Y-%m-%dT%H:%M:%fZ', COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc),
                '+' || p.PolicyRotationPeriodDays || ' days') AS RotationDueAtUtc,
       CASE WHEN julianday(COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc)) + p.PolicyRotationPeriodDays
                 < julianday('now') THEN 1 ELSE 0 END AS IsRotationOverdue,
       CASE WHEN k.KeyState <> 'Enabled' THEN 1
            WHEN COALESCE(k.KeySpec, 'SYMMETRIC_DEFAULT') <> 'SYMMETRIC_DEFAULT'
                 AND julianday(COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc)) + p.PolicyRotationPeriodDays
                     >= julianday('now') THEN 1
            WHEN COALESCE(k.KeySpec, 'SYMMETRIC_DEFAULT') = 'SYMMETRIC_DEFAULT'
                 AND k.RotationEnabled = 1
                 AND COALESCE(k.RotationPeriodDays, p.PolicyRotationPeriodDays) <= p.PolicyRotationPeriodDays
                 AND julianday(COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc)) + p.PolicyRotationPeriodDays
                     >= julianday('now') THEN 1
            ELSE 0 END AS IsCompliant
FROM KeyStatus AS k
CROSS JOIN (SELECT COALESCE(MAX(CAST(Value AS INTEGER)), 90) AS PolicyRotationPeriodDays
            FROM KeyManagementConfig WHERE Name = 'RotationPeriodDays') AS p;

INSERT OR IGNORE INTO SchemaVersion (Version, Name) VALUES (6, '006_rotation_compliance');
