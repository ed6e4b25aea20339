@{
    Synopsis    = 'Verifies the audit hash chain and names the first broken link.'
    Description = 'Each row holds the SHA-256 of its canonical content and of the previous row (sql/README.md documents the form). The walk reports an altered, deleted or reordered row by its sequence and audit id, with a warning. -Journal checks the local journal of rows waiting to be replayed instead.'
    Parameters  = @{
        Environment = 'The environment whose audit store to verify; default: the current session''s, else the embedded default.'
        Journal     = 'Verify the local journal instead of the store.'
    }
    Outputs     = 'ChainVerification: IsValid, RowsChecked, Break, BrokenSequence, BrokenAuditId, Problem, LastSequence, LastRowHash.'
    Examples    = @( @{ Title = 'Check the trail before an audit'; Code = 'if (-not (Test-KeyAuditIntegrity).IsValid) { throw ''audit chain broken'' }'; Remarks = 'Fails a script when the chain is broken.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName' } )
}
