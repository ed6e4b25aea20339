-- BuzzKeyMgmt SQL Server migration 007: the store's own record of the signed chain digests written for it.
-- The digests themselves (signed by KMS) live outside the database, in the environment's digest folder; this table is
-- the store's claim of which of them it has seen. It is not hash-chained and proves nothing by itself: verification
-- compares it with the digests to tell an older copy of the whole store (rows and this record agree, both older than
-- the newest digest) from rows deleted at the tail (this record names digests past the last row).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
IF OBJECT_ID(N'dbo.KeyAuditDigest', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.KeyAuditDigest (
        Number        BIGINT       NOT NULL CONSTRAINT PK_KeyAuditDigest PRIMARY KEY,
        FirstSequence BIGINT       NOT NULL,
        LastSequence  BIGINT       NOT NULL,
        HeadHash      CHAR(64)     NOT NULL,
        DigestHash    CHAR(64)     NOT NULL,
        CreatedAtUtc  DATETIME2(7) NOT NULL
    );
END
GO
IF NOT EXISTS (SELECT 1 FROM dbo.SchemaVersion WHERE Version = 7)
    INSERT INTO dbo.SchemaVersion (Version, Name) VALUES (7, N'007_audit_digests');
GO
