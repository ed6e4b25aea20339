@{
    Synopsis    = 'Lists the keys whose rotation is due now or within a horizon, judged by the policy''s period from KMS''s own rotation data.'
    Description = @'
Reads each key (named keys, alias patterns, or the whole fleet: the default) on the fleet path, inside KMS's quotas, with
progress and Ctrl+C: DescribeKey, GetKeyRotationStatus (rotation on, period, next date) and ListKeyRotations (the newest
rotation, automatic or on demand). A key's due date is its newest rotation (or, never rotated, its creation) plus the
policy's period (Get-KeyMgmtPolicy, 90 days). One RotationDueItem per key that needs attention, with a Reason:
Overdue, NeverRotated, DueWithin (inside -Within days), RotationDisabled and PeriodLongerThanPolicy (listed whatever the
date), and, listed apart when their material is that old, KeyDisabled, PendingDeletion, AwsManaged (with
-IncludeAwsManaged or named) and CannotRotate (asymmetric, HMAC, imported material). Action says what fixes it:
EnableRotation (Set-KeyRotationPolicy), Rotate (Invoke-KeyRotation) or None; piping into those cmdlets acts only on
what they can fix. Each run records what it read in the audit store's KeyStatus table, so the store's
GetKeysDueForRotation and the KeyComplianceStatus view answer the same.
'@
    Parameters  = @{
        KeyId             = 'Keys to check: key id, key ARN, alias name or alias ARN; from the pipeline (Get-KeyStatus output binds by KeyId).'
        Alias             = 'Alias names to check; wildcards allowed (alias/CEK_*).'
        All               = 'Check the whole fleet (the default when no key is named).'
        Within            = 'Also list keys that fall due within this many days (0-3650; default 0: due now).'
        IncludeAwsManaged = 'Also read AWS managed keys (listed with Reason AwsManaged when their material is older than the policy allows).'
        ThrottleLimit     = 'How many keys are read at once (1-256; default 48); the quota gates pace the calls whatever this is.'
        Environment       = 'Environments to read, by name or wildcard (''prod-*'', ''*'' for every configured one): each with a session of its own (an open one of this session, else an Admin session connected from the same base credentials and kept, not made current), all at once, each account-Region at its own quota gates. An environment that cannot be reached is one error (EnvironmentUnreachable); the others go on. A name matching nothing stops the command before any AWS call. A key ARN in -KeyId is read only in the environment of its account and Region (one KeyNotInEnvironment error when none of them is). Not with -Session.'
        Session           = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
    }
    Outputs     = 'RotationDueItem: KeyId, Alias, State, Reason, LastRotationDate, DueDate, DaysOverdue, RotationEnabled, RotationPeriodDays, PolicyPeriodDays, NextRotationDate, Action, Environment, AccountId, Region.'
    Examples    = @(
        @{
            Title   = 'What is due in the next two weeks'
            Code    = 'Get-KeyRotationDue -Within 14 | Sort-Object DueDate | Format-Table Alias, Reason, DueDate, DaysOverdue'
            Remarks = 'The whole fleet, judged by the policy''s 90 days.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 40 -AliasPrefix alias/CEK_ -RotationMix; Connect-KeyManagement -Environment sandbox -Role Admin'
        }
        @{
            Title   = 'Fix the rotation settings, then rotate what is due'
            Code    = 'Get-KeyRotationDue | Set-KeyRotationPolicy -Confirm:$false; Get-KeyRotationDue -Within 0 | Invoke-KeyRotation -Confirm:$false'
            Remarks = 'Set-KeyRotationPolicy turns rotation on (policy period) where it is off or too long; Invoke-KeyRotation rotates the overdue keys; keys with Action None are skipped.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 20 -AliasPrefix alias/CEK_ -RotationMix; Connect-KeyManagement -Environment sandbox -Role Admin'
        }
        @{ Title = 'Due across every account and Region'; Code = 'Get-KeyRotationDue -Within 14 -Environment ''sandbox-acct*'' | Group-Object Environment | Select-Object Count, Name'; Remarks = 'Each environment judged by its own audit store''s policy, all at once.'; Setup = 'Start-KeyMgmtSandbox -MemberAccounts 2; $sb = Get-KeyMgmtEnvironment -Name ''sandbox-acct*''; foreach ($e in $sb) { $null = Add-KeyMgmtSandboxKey -Count 20 -AccountId $e.AccountId -Region $e.Region -RotationMix }' }
    )
}
