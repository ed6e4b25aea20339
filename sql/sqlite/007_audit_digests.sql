-- BuzzKeyMgmt SQLite migration 007: the store's own record of the signed chain digests written for it.
-- The digests themselves (signed by KMS) live outside the database, in the environment's digest folder; this table is
-- the store's claim of which of them it has seen. It is not hash-chained and proves nothing by itself: verification
-- compares it with the digests to tell an older copy of the whole store (rows and this record agree, both older than
-- the newest digest) from rows deleted at the tail (this record names digests past the last row).
CREATE TABLE IF NOT EXISTS KeyAuditDigest (
    Number        INTEGER NOT NULL PRIMARY KEY,
    FirstSequence INTEGER NOT NULL,
    LastSequence  INTEGER NOT NULL,
    HeadHash      TEXT    NOT NULL CHECK (length(HeadHash) = 64),
    DigestHash    TEXT    NOT NULL CHECK (length(DigestHash) = 64),
    CreatedAtUtc  TEXT    NOT NULL
);

INSERT OR IGNORE INTO SchemaVersion (Version, Name) VALUES (7, '007_audit_digests');
