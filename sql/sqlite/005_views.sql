-- BuzzKeyMgmt SQLite migration 005: reporting views (same names and columns as on SQL Server).
CREATE VIEW IF NOT EXISTS KeyComplianceStatus AS
SELECT k.KeyId, k.KeyArn, k.Alias, k.Environment, k.KeyState, k.RotationEnabled, k.RotationPeriodDays,
       k.LastRotatedAtUtc, p.PolicyRotationPeriodDays,
       strftime('%Y-%m-%dT%H:%M:%fZ', COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc),
                '+' || p.PolicyRotationPeriodDays || ' days') AS RotationDueAtUtc,
       CASE WHEN julianday(COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc)) + p.PolicyRotationPeriodDays
                 < julianday('now') THEN 1 ELSE 0 END AS IsRotationOverdue,
       CASE WHEN k.KeyState <> 'Enabled' THEN 1
            WHEN k.RotationEnabled = 1
                 AND COALESCE(k.RotationPeriodDays, p.PolicyRotationPeriodDays) <= p.PolicyRotationPeriodDays
                 AND julianday(COALESCE(k.LastRotatedAtUtc, k.CreatedAtUtc, k.UpdatedAtUtc)) + p.PolicyRotationPeriodDays
                     >= julianday('now') THEN 1
            ELSE 0 END AS IsCompliant
FROM KeyStatus AS k
CROSS JOIN (SELECT COALESCE(MAX(CAST(Value AS INTEGER)), 90) AS PolicyRotationPeriodDays
            FROM KeyManagementConfig WHERE Name = 'RotationPeriodDays') AS p;

CREATE VIEW IF NOT EXISTS RecentKeyOperations AS
SELECT a.Sequence, a.AuditId, a.OperationId, a.OccurredAtUtc, a.Environment, a.Operation, a.Outcome, a.KeyId,
       a.Alias, a.IncidentId, a.ChangeId, a.IsEmergency, a.OperatorArn, a.OperatorName, a.DurationMs, a.ErrorCode,
       a.AlertMessageId
FROM KeyManagementAudit AS a
WHERE a.Phase = 'Completed'
  AND julianday(a.OccurredAtUtc) >= julianday('now', '-30 days');

-- An embedded SQLite file has no network connections: the view exists (same shape) and is always empty.
CREATE VIEW IF NOT EXISTS ConnectionEncryptionCompliance AS
SELECT CAST(NULL AS INTEGER) AS SessionId, CAST(NULL AS TEXT) AS ClientAddress, CAST(NULL AS TEXT) AS NetTransport,
       CAST(NULL AS TEXT) AS EncryptOption, CAST(NULL AS TEXT) AS AuthScheme, CAST(NULL AS TEXT) AS ConnectedAt,
       CAST(NULL AS INTEGER) AS IsCompliant
WHERE 0;

INSERT OR IGNORE INTO SchemaVersion (Version, Name) VALUES (5, '005_views');
