@{
    Synopsis    = 'Reads the state of KMS keys: named keys, alias patterns or the whole fleet.'
    Description = @'
Accepts key ids, key ARNs, alias names and alias ARNs, from the pipeline by value or by property name (KeyId). With
-All or alias wildcards it works through the fleet with bounded concurrency, paced under KMS's request quotas
(throttled calls are retried, not reported), shows progress, stops within a second on Ctrl+C, and turns a failure
on one key into a non-terminating error while the rest continue. LastRotationDate is derived from NextRotationDate
and the rotation period unless -IncludeRotationHistory reads the history (ListKeyRotations, a low-quota call).
AWS managed keys are left out of fleet results unless -IncludeAwsManaged.
'@
    Parameters  = @{
        KeyId                  = 'Key ids, key ARNs, alias names or alias ARNs. Anything else is rejected before any AWS call, with the accepted forms.'
        Alias                  = 'Alias names or wildcard patterns (alias/CEK_*, CEK_*, alias/app-?).'
        All                    = 'Every customer managed key in the account and Region.'
        IncludeAwsManaged      = 'Also report AWS managed keys (aws/...) in fleet results.'
        IncludeRotationHistory = 'Read each key''s rotation history for an exact LastRotationDate (ListKeyRotations, 100 requests/s).'
        ThrottleLimit          = 'How many keys are read at once (1-256, default 48).'
        Session                = 'A session from Connect-KeyManagement -PassThru to use instead of the current one.'
    }
    Related     = @('Get-KeyRotationDue', 'Get-KeyCompliance', 'Revoke-EncryptionKey', 'Invoke-KeyRotation')
    Outputs     = 'KeyStatus: KeyId, Arn, Aliases, Description, State, Enabled, KeySpec, KeyUsage, Origin, KeyManager, CreationDate, RotationEnabled, RotationPeriodDays, NextRotationDate, LastRotationDate, DeletionDate, Tags, Environment.'
    Examples    = @(
        @{ Title = 'Keys behind some aliases'; Code = '''alias/CEK_User_1'', ''alias/CEK_User_2'' | Get-KeyStatus'; Remarks = 'One KeyStatus per alias, in the order given.'; Setup = 'Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 30 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Admin' }
        @{ Title = 'Every key that is not enabled'; Code = 'Get-KeyStatus -All | Where-Object State -ne Enabled'; Remarks = 'Works through the whole fleet inside KMS''s quotas.'; Setup = 'Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 30 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Admin' }
        @{ Title = 'A pattern'; Code = 'Get-KeyStatus -Alias ''alias/CEK_User_1*'' | Format-Table'; Remarks = 'Wildcards match alias names.'; Setup = 'Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 30 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Admin' }
    )
}
