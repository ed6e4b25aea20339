@{
    Synopsis    = 'Judges keys and the audit store against the policy: one finding per key and check, with the requirement it speaks to.'
    Description = @'
Reads the keys (named keys, alias patterns, or the whole fleet: the default) on the fleet path with their rotation history,
and for each key and check writes a ComplianceFinding (Check, Status Pass/Fail/NotApplicable, Detail, Requirement such as
"PCI DSS 4.0.1 3.7.4"): RotationEnabled; RotationPeriod (at most the policy's); RotationRecent (the current material is
younger than the policy's period, judged as Get-KeyRotationDue judges it; keys KMS cannot rotate by age alone);
PendingDeletionExplained (a key pending deletion has an emergency revocation in the audit log); KeySize (RSA at least the
policy's minimum, 3072 bits); DisabledExplained (a disabled key has a revocation in the audit log). Then the audit
store's findings: AuditChainIntact, NothingUnsynced (no journal rows or queued alerts waiting), DrillRecent (a passing
drill within 90 days; NotApplicable until drills are recorded). -Summary gives one object with the counts per check and
status. Each run records what it read in the audit store's KeyStatus table.
'@
    Parameters  = @{
        KeyId             = 'Keys to judge: key id, key ARN, alias name or alias ARN; from the pipeline (Get-KeyStatus output binds by KeyId).'
        Alias             = 'Alias names to judge; wildcards allowed.'
        All               = 'Judge the whole fleet (the default when no key is named).'
        Summary           = 'Write one ComplianceSummary (counts per check and status) instead of the findings.'
        IncludeAwsManaged = 'Also judge AWS managed keys.'
        ThrottleLimit     = 'How many keys are read at once (1-256; default 48); the quota gates pace the calls whatever this is.'
        Environment       = 'Environments to read, by name or wildcard (''prod-*'', ''*'' for every configured one): each with a session of its own (an open one of this session, else an Admin session connected from the same base credentials and kept, not made current), all at once, each account-Region at its own quota gates. An environment that cannot be reached is one error (EnvironmentUnreachable); the others go on. A name matching nothing stops the command before any AWS call. A key ARN in -KeyId is read only in the environment of its account and Region (one KeyNotInEnvironment error when none of them is). Not with -Session.'
        Session           = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
    }
    Outputs     = 'ComplianceFinding (KeyId, Alias, Environment, AccountId, Region, Check, Status, Detail, Requirement, Scope), or with -Summary one ComplianceSummary per environment (Environment, Keys, Pass, Fail, NotApplicable, Checks, Compliant).'
    Examples    = @(
        @{
            Title   = 'What fails, and why'
            Code    = 'Get-KeyCompliance | Where-Object Status -eq Fail | Format-Table Alias, Check, Detail, Requirement'
            Remarks = 'Every key of the fleet and the audit store, judged by the policy.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 20 -AliasPrefix alias/CEK_ -RotationMix; Connect-KeyManagement -Environment sandbox -Role Admin'
        }
        @{
            Title   = 'The counts for an auditor'
            Code    = '(Get-KeyCompliance -Summary).Checks | Format-Table'
            Remarks = 'Pass, Fail and NotApplicable per check, with the requirement each one speaks to.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 20 -AliasPrefix alias/CEK_ -RotationMix; Connect-KeyManagement -Environment sandbox -Role Admin'
        }
        @{ Title = 'A summary per environment'; Code = 'Get-KeyCompliance -Environment ''sandbox-acct*'' -Summary | Format-Table Environment, Keys, Pass, Fail, Compliant'; Remarks = 'One summary per environment, read at once.'; Setup = 'Start-KeyMgmtSandbox -MemberAccounts 2; $sb = Get-KeyMgmtEnvironment -Name ''sandbox-acct*''; foreach ($e in $sb) { $null = Add-KeyMgmtSandboxKey -Count 20 -AccountId $e.AccountId -Region $e.Region -RotationMix }' }
    )
}
