@{
    Synopsis    = 'Replays the local audit journal into the store.'
    Description = 'When the audit store could not be reached, emergency revocations wrote their rows to a durable local journal. Sync replays them in order, idempotently by AuditId (running it twice adds nothing), after which the store''s chain is verified. Alerts that SNS refused wait in the environment''s outbox; with a session connected to that environment they are delivered too, each once.'
    Parameters  = @{ Environment = 'The environment whose store and journal to sync; default: the current session''s, else the embedded default.' }
    Outputs     = 'AuditSyncResult: JournalRows, Replayed, AlreadyPresent, StoreChain.'
    Examples    = @( @{ Title = 'After the audit database is back'; Code = 'Sync-KeyAuditJournal -Verbose'; Remarks = 'Says how many rows were replayed and whether the chain is intact.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName' } )
}
