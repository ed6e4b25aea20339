-- BuzzKeyMgmt SQLite migration 004: SQLite has no stored procedures. LogKeyManagementOperation,
-- GetKeysDueForRotation and GetKeyStatus are engine code (BuzzKeyMgmt.Engine.Audit.Sqlite); CheckUnencryptedConnections
-- has no meaning for an embedded file. The version is recorded so both providers share one version sequence.
INSERT OR IGNORE INTO SchemaVersion (Version, Name) VALUES (4, '004_procedures');
