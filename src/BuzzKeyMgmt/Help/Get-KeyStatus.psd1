@{
    Synopsis    = 'Reads the state of KMS keys: named keys, alias patterns or the whole fleet.'
    Description = @'
Accepts key ids, key ARNs, alias names and alias ARNs, from the pipeline by value or by property name (KeyId). With
-All or alias wildcards it works through the fleet with bounded concurrency, paced under KMS's request quotas
(throttled calls are retried, not reported), shows progress, stops within a second on Ctrl+C, and turns a failure
on one key into a non-terminating error while the rest continue. LastRotationDate is derived from NextRotationDate
and the rotation period unless -IncludeRotationHistory reads the history (ListKeyRotations, a low-quota call).
AWS managed keys are left out of fleet results unless -IncludeAwsManaged. Results stream: each is written as soon as
it is read, and memory does not grow with the fleet beyond what the caller keeps (100,000 keys read in one
account-Region stay well under 400 MB). With -Environment it reads several environments (accounts and Regions) at once;
each result names its Environment, AccountId and Region.
'@
    Parameters  = @{
        KeyId                  = 'Key ids, key ARNs, alias names or alias ARNs. Anything else is rejected before any AWS call, with the accepted forms.'
        Alias                  = 'Alias names or wildcard patterns (alias/CEK_*, CEK_*, alias/app-?).'
        All                    = 'Every customer managed key in the account and Region.'
        IncludeAwsManaged      = 'Also report AWS managed keys (aws/...) in fleet results.'
        IncludeRotationHistory = 'Read each key''s rotation history for an exact LastRotationDate (ListKeyRotations, 100 requests/s).'
        ThrottleLimit          = 'How many keys are read at once (1-256, default 48).'
        Environment            = 'Environments to read, by name or wildcard (''prod-*'', ''*'' for every configured one): each with a session of its own (an open one of this session, else an Admin session connected from the same base credentials and kept, not made current), all at once, each account-Region at its own quota gates. An environment that cannot be reached is one error (EnvironmentUnreachable); the others go on. A name matching nothing stops the command before any AWS call. A key ARN in -KeyId is read only in the environment of its account and Region (one KeyNotInEnvironment error when none of them is). Not with -Session.'
        Session                = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
    }
    Related     = @('Get-KeyRotationDue', 'Get-KeyCompliance', 'Revoke-EncryptionKey', 'Invoke-KeyRotation')
    Outputs     = 'KeyStatus: KeyId, Arn, Aliases, Description, State, Enabled, KeySpec, KeyUsage, Origin, KeyManager, CreationDate, RotationEnabled, RotationPeriodDays, NextRotationDate, LastRotationDate, DeletionDate, Tags, Environment, AccountId, Region (the account and Region from the key''s ARN).'
    Examples    = @(
        @{ Title = 'Keys behind some aliases'; Code = '''alias/CEK_User_1'', ''alias/CEK_User_2'' | Get-KeyStatus'; Remarks = 'One KeyStatus per alias, in the order given.'; Setup = 'Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 30 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Admin' }
        @{ Title = 'Every key that is not enabled'; Code = 'Get-KeyStatus -All | Where-Object State -ne Enabled'; Remarks = 'Works through the whole fleet inside KMS''s quotas.'; Setup = 'Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 30 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Admin' }
        @{ Title = 'A pattern'; Code = 'Get-KeyStatus -Alias ''alias/CEK_User_1*'' | Format-Table'; Remarks = 'Wildcards match alias names.'; Setup = 'Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 30 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Admin' }
        @{ Title = 'Every account-Region at once'; Code = 'Get-KeyStatus -All -Environment ''sandbox-acct*'' | Group-Object Environment, AccountId, Region | Select-Object Count, Name'; Remarks = 'Each environment is read with its own Admin session (connected here from the operator''s credentials, not made current), at its own account-Region''s quotas, all at once; results stream as they are read.'; Setup = 'Start-KeyMgmtSandbox -MemberAccounts 2; $sb = Get-KeyMgmtEnvironment -Name ''sandbox-acct*''; foreach ($e in $sb) { $null = Add-KeyMgmtSandboxKey -Count 20 -AccountId $e.AccountId -Region $e.Region -RotationMix }' }
    )
}
