-- BuzzKeyMgmt SQL Server migration 003: dual-approved recovery requests and their approvals.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
IF OBJECT_ID(N'dbo.KeyRecoveryRequest', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.KeyRecoveryRequest (
        RequestId         UNIQUEIDENTIFIER NOT NULL CONSTRAINT PK_KeyRecoveryRequest PRIMARY KEY,
        KeyId             NVARCHAR(256)    NOT NULL,
        KeyArn            NVARCHAR(2048)   NULL,
        Alias             NVARCHAR(256)    NULL,
        ChangeId          NVARCHAR(64)     NOT NULL,
        Reason            NVARCHAR(1000)   NOT NULL,
        RequestedBy       NVARCHAR(2048)   NOT NULL,
        RequestedAtUtc    DATETIME2(7)     NOT NULL,
        ExpiresAtUtc      DATETIME2(7)     NOT NULL,
        ApprovalsRequired INT              NOT NULL,
        Status            NVARCHAR(16)     NOT NULL
            CONSTRAINT CK_KeyRecoveryRequest_Status CHECK (Status IN (N'Pending', N'Approved', N'Completed', N'Expired', N'Cancelled'))
    );
END
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_KeyRecoveryRequest_KeyId' AND object_id = OBJECT_ID(N'dbo.KeyRecoveryRequest'))
    CREATE INDEX IX_KeyRecoveryRequest_KeyId ON dbo.KeyRecoveryRequest (KeyId, RequestedAtUtc);
GO
IF OBJECT_ID(N'dbo.KeyRecoveryApproval', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.KeyRecoveryApproval (
        RequestId     UNIQUEIDENTIFIER NOT NULL
            CONSTRAINT FK_KeyRecoveryApproval_Request REFERENCES dbo.KeyRecoveryRequest (RequestId),
        ApprovedBy    NVARCHAR(400)    NOT NULL,
        ApprovedAtUtc DATETIME2(7)     NOT NULL,
        CONSTRAINT PK_KeyRecoveryApproval PRIMARY KEY (RequestId, ApprovedBy)
    );
END
GO
IF NOT EXISTS (SELECT 1 FROM dbo.SchemaVersion WHERE Version = 3)
    INSERT INTO dbo.SchemaVersion (Version, Name) VALUES (3, N'003_recovery_requests');
GO
