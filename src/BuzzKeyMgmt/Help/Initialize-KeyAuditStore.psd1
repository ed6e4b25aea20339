@{
    Synopsis    = 'Creates or migrates the audit store and reports the schema versions it applied.'
    Description = @'
Runs the numbered migrations of the store the environment names (SQL Server or SQLite; re-running is safe) and
reports which versions it applied now and the version in force. Without an environment (and without a session) it
initialises the default embedded SQLite file in your data directory, which every command also creates on first use.
'@
    Parameters  = @{ Environment = 'The environment whose audit store to initialise; default: the current session''s, else the embedded default.'; Session = 'A session whose environment''s store to use (unless -Environment names another), instead of the current one.' }
    Outputs     = 'AuditStoreInitialization: Provider, Target (never with secrets), AppliedVersions, SchemaVersion.'
    Examples    = @( @{ Title = 'Prepare the audit store'; Code = 'Initialize-KeyAuditStore'; Remarks = 'The first run lists every version applied; later runs apply none.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName' } )
}
