-- BuzzKeyMgmt SQLite migration 001: schema version table and the append-only, hash-chained audit table.
-- Idempotent (IF NOT EXISTS everywhere). Timestamps are TEXT 'yyyy-MM-ddTHH:mm:ss.fffffffZ' (UTC), GUIDs are
-- lowercase TEXT, booleans INTEGER 0/1: exactly the canonical forms the row hash is computed over (sql/README.md).
CREATE TABLE IF NOT EXISTS SchemaVersion (
    Version      INTEGER NOT NULL PRIMARY KEY,
    Name         TEXT    NOT NULL,
    AppliedAtUtc TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS KeyManagementAudit (
    Sequence       INTEGER NOT NULL PRIMARY KEY,
    AuditId        TEXT    NOT NULL UNIQUE,
    OperationId    TEXT    NOT NULL,
    OccurredAtUtc  TEXT    NOT NULL,
    Environment    TEXT    NOT NULL,
    Operation      TEXT    NOT NULL CHECK (length(Operation) BETWEEN 1 AND 32 AND Operation NOT GLOB '*[^A-Z_]*'),
    Phase          TEXT    NOT NULL CHECK (Phase IN ('Started', 'Completed')),
    Outcome        TEXT    NOT NULL CHECK (Outcome IN ('Pending', 'Succeeded', 'Failed', 'Cancelled')),
    KeyId          TEXT    NULL,
    KeyArn         TEXT    NULL,
    Alias          TEXT    NULL,
    IncidentId     TEXT    NULL,
    ChangeId       TEXT    NULL,
    Reason         TEXT    NULL,
    IsEmergency    INTEGER NOT NULL CHECK (IsEmergency IN (0, 1)),
    OperatorArn    TEXT    NULL,
    OperatorName   TEXT    NULL,
    ClientHost     TEXT    NULL,
    ClientAddress  TEXT    NULL,
    Approvals      TEXT    NULL,
    DurationMs     INTEGER NULL,
    ErrorCode      TEXT    NULL,
    ErrorMessage   TEXT    NULL,
    AlertMessageId TEXT    NULL,
    Details        TEXT    NULL,
    PreviousHash   TEXT    NOT NULL CHECK (length(PreviousHash) = 64),
    RowHash        TEXT    NOT NULL UNIQUE CHECK (length(RowHash) = 64)
);

CREATE INDEX IF NOT EXISTS IX_KeyManagementAudit_KeyId ON KeyManagementAudit (KeyId, Sequence);
CREATE INDEX IF NOT EXISTS IX_KeyManagementAudit_OccurredAtUtc ON KeyManagementAudit (OccurredAtUtc);
CREATE INDEX IF NOT EXISTS IX_KeyManagementAudit_IncidentId ON KeyManagementAudit (IncidentId);
CREATE INDEX IF NOT EXISTS IX_KeyManagementAudit_ChangeId ON KeyManagementAudit (ChangeId);
CREATE INDEX IF NOT EXISTS IX_KeyManagementAudit_OperationId ON KeyManagementAudit (OperationId);

-- Append-only: the database itself refuses UPDATE and DELETE.
CREATE TRIGGER IF NOT EXISTS TR_KeyManagementAudit_NoUpdate
BEFORE UPDATE ON KeyManagementAudit
BEGIN
    SELECT RAISE(ABORT, 'KeyManagementAudit is append-only: UPDATE and DELETE are refused.');
END;

CREATE TRIGGER IF NOT EXISTS TR_KeyManagementAudit_NoDelete
BEFORE DELETE ON KeyManagementAudit
BEGIN
    SELECT RAISE(ABORT, 'KeyManagementAudit is append-only: UPDATE and DELETE are refused.');
END;

INSERT OR IGNORE INTO SchemaVersion (Version, Name) VALUES (1, '001_schema_version_and_audit');
