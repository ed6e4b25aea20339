-- BuzzKeyMgmt SQLite migration 003: dual-approved recovery requests and their approvals.
CREATE TABLE IF NOT EXISTS KeyRecoveryRequest (
    RequestId         TEXT    NOT NULL PRIMARY KEY,
    KeyId             TEXT    NOT NULL,
    KeyArn            TEXT    NULL,
    Alias             TEXT    NULL,
    ChangeId          TEXT    NOT NULL,
    Reason            TEXT    NOT NULL,
    RequestedBy       TEXT    NOT NULL,
    RequestedAtUtc    TEXT    NOT NULL,
    ExpiresAtUtc      TEXT    NOT NULL,
    ApprovalsRequired INTEGER NOT NULL,
    Status            TEXT    NOT NULL CHECK (Status IN ('Pending', 'Approved', 'Completed', 'Expired', 'Cancelled'))
);

CREATE INDEX IF NOT EXISTS IX_KeyRecoveryRequest_KeyId ON KeyRecoveryRequest (KeyId, RequestedAtUtc);

CREATE TABLE IF NOT EXISTS KeyRecoveryApproval (
    RequestId     TEXT NOT NULL REFERENCES KeyRecoveryRequest (RequestId),
    ApprovedBy    TEXT NOT NULL,
    ApprovedAtUtc TEXT NOT NULL,
    PRIMARY KEY (RequestId, ApprovedBy)
);

INSERT OR IGNORE INTO SchemaVersion (Version, Name) VALUES (3, '003_recovery_requests');
