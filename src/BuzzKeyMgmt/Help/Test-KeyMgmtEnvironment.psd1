@{
    Synopsis    = 'Reports whether this session can run BuzzKeyMgmt, as typed Pass/Warn/Fail checks.'
    Description = @'
Checks the PowerShell and .NET versions, that the engine and each dependency (AWS SDK, SqlClient, SQLite) loaded,
which version and from where, and in which load context: the module keeps its dependencies in a private
AssemblyLoadContext so that AWS.Tools or the SqlServer module loaded in the same session cannot collide with them.
It also runs an in-memory SQLite query (the native library loads) and checks that SqlClient's platform-specific
build was picked. With -SqlServerConnectionString it tries to open that connection; the connection string is never
echoed. Without an environment (and without a session) the checks make no AWS call and are cheap enough to run at the start
of every runbook. With -Environment they check the environment against AWS: credentials and clock skew (STS), KMS
reachability, the Admin role by assuming it (STS AssumeRole without MFA, a 15-minute session not used further), the
Emergency and Recovery roles by iam:GetRole and their trust policy, the MFA device by iam:ListMFADevices, the alert
topic by sns:GetTopicAttributes, the audit store and its hash chain, and journal rows or alerts still waiting. A
check the caller may not make warns "not verified" and says why; every failure names the setting or policy to fix.
Check names (stable): Configuration, Environment, Credentials, STS reachable, Account, KMS reachable, Clock skew,
Admin role, Emergency role, Recovery role, MFA device, Alert topic, Audit store, Audit chain, Audit journal, Alert outbox.
'@
    Parameters  = @{
        Session                   = 'Check this session''s environment (when -Environment is not given) instead of the current session''s.'
        Environment               = 'Also check this environment against AWS: credentials (caller ARN), clock skew against the endpoint''s Date header, KMS and STS reachability, each role (Admin assumed; Emergency and Recovery by iam:GetRole and trust policy), the MFA device (iam:ListMFADevices), the alert topic (sns:GetTopicAttributes), the audit store and chain, and what waits in the journal and alert outbox. Defaults to the current session''s environment.'
        SqlServerConnectionString = 'A SQL Server connection string to try to open (at most 5 seconds). The result names the server and database, never the credentials.'
    }
    Outputs     = 'One EnvironmentCheck per check: Name, Status (Pass, Warn or Fail) and Detail.'
    Examples    = @(
        @{
            Title   = 'Show anything that is not a pass'
            Code    = 'Test-KeyMgmtEnvironment | Where-Object Status -ne Pass'
            Remarks = 'Prints nothing on a healthy machine; otherwise each check that warns or fails, with the evidence.'
        }
        @{
            Title   = 'Fail a runbook early'
            Code    = 'if (Test-KeyMgmtEnvironment | Where-Object Status -eq Fail) { throw ''BuzzKeyMgmt cannot run here'' }'
            Remarks = 'Stops automation before it touches a key when the module cannot work in this session.'
        }
    )
}
