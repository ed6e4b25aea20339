-- BuzzKeyMgmt SQLite migration 002: last known key state and the shared policy (seeded).
CREATE TABLE IF NOT EXISTS KeyStatus (
    KeyId              TEXT    NOT NULL PRIMARY KEY,
    KeyArn             TEXT    NULL,
    Alias              TEXT    NULL,
    Environment        TEXT    NOT NULL,
    KeyState           TEXT    NOT NULL,
    KeySpec            TEXT    NULL,
    KeyUsage           TEXT    NULL,
    RotationEnabled    INTEGER NOT NULL DEFAULT 0 CHECK (RotationEnabled IN (0, 1)),
    RotationPeriodDays INTEGER NULL,
    CreatedAtUtc       TEXT    NULL,
    LastRotatedAtUtc   TEXT    NULL,
    DeletionDateUtc    TEXT    NULL,
    LastOperation      TEXT    NULL,
    LastOperationId    TEXT    NULL,
    LastOutcome        TEXT    NULL,
    UpdatedAtUtc       TEXT    NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_KeyStatus_Alias ON KeyStatus (Alias);

CREATE TABLE IF NOT EXISTS KeyManagementConfig (
    Name         TEXT NOT NULL PRIMARY KEY,
    Value        TEXT NOT NULL,
    Description  TEXT NULL,
    UpdatedAtUtc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Seed values are inserted only when missing, so an administrator's change survives a re-run.
INSERT OR IGNORE INTO KeyManagementConfig (Name, Value, Description) VALUES
    ('RotationPeriodDays',         '90',   'Days between key rotations (PCI DSS 3.7.4 cryptoperiod).'),
    ('RecoveryWindowDays',         '7',    'Pending-deletion window in days during which a revoked key can be recovered.'),
    ('MinimumRsaKeyBits',          '3072', 'Smallest RSA key size accepted.'),
    ('ApprovalsRequired',          '2',    'Distinct approvers needed before a recovery proceeds.'),
    ('MttrTargetMinutes',          '10',   'Target minutes from incident to revoked key.'),
    ('RecoveryRequestExpiryHours', '24',   'Hours after which an unapproved recovery request expires.'),
    ('IncidentIdPattern',          '^(INC|INCIDENT)-\d{4}-\d{3,6}$', 'Regular expression an incident id must match.'),
    ('ChangeIdPattern',            '^(CHG|CHANGE)-\d{4}-\d{3,6}$',   'Regular expression a change id must match.');

INSERT OR IGNORE INTO SchemaVersion (Version, Name) VALUES (2, '002_key_status_and_policy');
