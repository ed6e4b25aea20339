@{
    Synopsis    = 'Verifies the audit hash chain and names the first broken link.'
    Description = 'Each row holds the SHA-256 of its canonical content and of the previous row (sql/README.md documents the form). The walk reports an altered, deleted or reordered row by its sequence and audit id, with a warning. -Journal checks the local journal of rows waiting to be replayed instead. Then it looks for operations that began and never completed (a Started row older than -InterruptedAfter with no Completed row: the process was killed or died between the AWS call and the Completed row); connected to that environment it reads each key and writes a RECONCILE pair sharing the interrupted operation id, saying whether the change took effect (a revocation found done counts from its Started time for the recovery window), and returns one ReconcileResult each; not connected, it lists them in a warning.'
    Parameters  = @{
        Environment = 'The environment whose audit store to verify; default: the current session''s, else the embedded default.'
        Journal     = 'Verify the local journal instead of the store.'
        InterruptedAfter = 'How old a Started row without a Completed row must be to count as interrupted (default 00:05:00; 0 to 7 days).'
    }
    Outputs     = 'ChainVerification: IsValid, RowsChecked, Break, BrokenSequence, BrokenAuditId, Problem, LastSequence, LastRowHash; then one ReconcileResult per interrupted operation reconciled: KeyId, Alias, InterruptedOperation, InterruptedOperationId, StartedAtUtc, StartedBy, Expected, FoundState, ChangeShows, Outcome, AuditId, Error.'
    Examples    = @( @{ Title = 'Check the trail before an audit'; Code = 'if (-not (Test-KeyAuditIntegrity).IsValid) { throw ''audit chain broken'' }'; Remarks = 'Fails a script when the chain is broken.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName' } )
}
