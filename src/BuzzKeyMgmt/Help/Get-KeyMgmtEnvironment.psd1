@{
    Synopsis    = 'Lists the environments this session can connect to.'
    Description = @'
Environments come from the configuration file (default: BuzzKeyMgmt/environments.json in your config directory;
$env:BUZZKEYMGMT_CONFIG overrides) and from this session: Start-KeyMgmtSandbox registers one named "sandbox".
A malformed file stops the command with one error that names the file, the line or key, and what is expected; a key
written twice in one object is an error naming both lines, and an endpoint that is not https (plain http only to
loopback) or carries credentials is refused. A SQL Server audit store's password, access token or client secret never
shows: AuditStore.Target (also in ConvertTo-Json and Format-List) has them as ***.
'@
    Parameters  = @{ Name = 'Environment names to show; wildcards allowed. A name without wildcards that does not exist is an error.' }
    Outputs     = 'KeyMgmtEnvironment: Name, Region, AccountId, role ARNs, MfaSerialNumber, AlertTopicArn, AuditStore, EndpointUrl (the one-for-all shorthand), Endpoints (Kms, Sts, Sns, Iam: each service''s endpoint, null for its public one; shown as "public", one URL, or kms=…, sts=…), IsProduction, Source.'
    Examples    = @(
        @{ Title = 'List every environment'; Code = 'Get-KeyMgmtEnvironment'; Remarks = 'One row per environment, with its Region, account and where it was defined.' }
        @{ Title = 'Show one in full'; Code = 'Get-KeyMgmtEnvironment -Name sandbox | Format-List *'; Remarks = 'Every setting of the sandbox environment (after Start-KeyMgmtSandbox).'; Setup = 'Start-KeyMgmtSandbox' }
    )
}
