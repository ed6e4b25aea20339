@{
    Synopsis    = 'Writes one self-contained HTML compliance report an auditor can open offline.'
    Description = @'
Judges the keys (named keys, alias patterns, or the whole fleet: the default) and the audit store as Get-KeyCompliance
does, and writes one HTML file with no external scripts, fonts, styles or images (a Content-Security-Policy forbids any
network): when it was generated and by whom, the environment, account and Region, the policy in force, the summary
counts (per check, with the requirement each speaks to), the findings per key with a filter box, a rotation-age chart
(inline SVG: keys by days since their material was last rotated, against the policy's period), the audit chain's state
and the recent emergency operations from the audit log. Every value from KMS, the audit log or the configuration is
HTML-encoded. The file is written atomically (a partial report never replaces a good one); an existing file is
replaced only with -Force. Writes the file's FileInfo.
'@
    Parameters  = @{
        Path              = 'The report file to write (.html or .htm), in an existing folder.'
        Force             = 'Replace the file if it exists.'
        KeyId             = 'Keys to report: key id, key ARN, alias name or alias ARN; from the pipeline (Get-KeyStatus output binds by KeyId).'
        Alias             = 'Alias names to report; wildcards allowed.'
        All               = 'Report the whole fleet (the default when no key is named).'
        IncludeAwsManaged = 'Also report AWS managed keys.'
        ThrottleLimit     = 'How many keys are read at once (1-256; default 48); the quota gates pace the calls whatever this is.'
        Environment       = 'Environments to read, by name or wildcard (''prod-*'', ''*'' for every configured one): each with a session of its own (an open one of this session, else an Admin session connected from the same base credentials and kept, not made current), all at once, each account-Region at its own quota gates. An environment that cannot be reached is one error (EnvironmentUnreachable); the others go on. A name matching nothing stops the command before any AWS call. A key ARN in -KeyId is read only in the environment of its account and Region (one KeyNotInEnvironment error when none of them is). Not with -Session.'
        Session           = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
    }
    Outputs     = 'System.IO.FileInfo of the written report (one per environment with -Environment).'
    Examples    = @(
        @{
            Title   = 'The quarterly evidence for the auditor'
            Code    = 'Export-KeyComplianceReport -Path (Join-Path ([IO.Path]::GetTempPath()) ''key-compliance.html'') -Force'
            Remarks = 'The whole fleet and the audit store; open the file in any browser, offline.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 20 -AliasPrefix alias/CEK_ -RotationMix; Connect-KeyManagement -Environment sandbox -Role Admin'
        }
        @{ Title = 'One report per environment'; Code = 'Export-KeyComplianceReport -Environment ''sandbox-acct1-*'' -Path (Join-Path ([IO.Path]::GetTempPath()) ''keys.html'') -Force | Select-Object Name'; Remarks = 'Writes keys-sandbox-acct1-eu-west-2.html and keys-sandbox-acct1-us-east-1.html beside -Path, gathered at once; a single environment name writes -Path itself.'; Setup = 'Start-KeyMgmtSandbox -MemberAccounts 2; $sb = Get-KeyMgmtEnvironment -Name ''sandbox-acct*''; foreach ($e in $sb) { $null = Add-KeyMgmtSandboxKey -Count 20 -AccountId $e.AccountId -Region $e.Region -RotationMix }' }
    )
}
