@{
    Synopsis    = 'Takes KMS keys out of service for an incident: disables, verifies, optionally schedules deletion, audits every attempt.'
    Description = @'
For each key (key id, key ARN, alias name or alias ARN, from the pipeline by value or by KeyId): resolves it, writes
an audit row Started, takes the Emergency role (assumed with -MfaCode when the session does not hold it), disables the
key, reads it back until it is Disabled (bounded wait with backoff), optionally schedules its deletion (7-30 days) and
reads back PendingDeletion, then writes the Completed row with per-step timings. A key already Disabled or
PendingDeletion is reported and audited as already revoked. Every attempt leaves a Started and a Completed row, also
when AWS refuses or the key is missing; when the audit store does not take them, for any reason (down, disk full,
corrupt, its write lock held over 3 s), the rows go to the local journal, or to the fallback journal when that fails too,
a warning names the cause and the result shows Journaled (revocation is never blocked). The incident id must match the
policy's pattern as a whole, in printable ASCII (no trailing newline, no full-width digits), and the reason must have a
visible character; both are checked before anything runs. A throttled KMS call is retried for up to 2 minutes per key
(pauses doubling from 200 ms to 10 s, with jitter) before the key fails as Throttled. ConfirmImpact is High: -Force
skips the confirmation, never the MFA step. The outcome is alerted over SNS (queued in a local outbox when SNS fails).

Keys come as an array (-KeyId a,b) or from the pipeline, by value or by property name: KeyId, Arn, KeyArn or
TargetKeyId, so Get-KeyStatus output and objects shaped like AWS.Tools' Get-KMSKeyList (KeyId, KeyArn) and
Get-KMSAliasList (AliasName, TargetKeyId) bind. The keys of a pipeline are collected before anything changes: more
than -MaxKeys (default 10) stops the command, saying how many it was given, before the first change. What can be
checked is checked before you are asked "Are you sure?": the incident id and reason, and whether the Emergency role can
be had (held by the session, or -MfaCode given); without it each key goes straight to its audited EmergencyRoleRequired
refusal, with no prompt. A run over more than one key shows progress (keys done of the total) and ends with one summary
line on the host (REVOKE: 12 key(s) in 3.4 s: 10 changed, 1 already, 1 failed.), also in the information stream
(6>&1, -InformationVariable). -Verbose tells each step on one line: resolve (with the DescribeKey request id and time),
the audit Started row, the role acted as, each AWS call with its request id and time, the read-back, the Completed row,
the digest and the alert's message id; -Debug adds throttled retries, quota-gate waits and read-back re-reads.
'@
    Parameters  = @{
        KeyId             = 'The keys to revoke: key ids, key ARNs, alias names or alias ARNs (an array, or from the pipeline by value or by the property KeyId, Arn, KeyArn or TargetKeyId).'
        IncidentId        = 'The incident this revocation answers; must match the policy''s pattern (default ^(INC|INCIDENT)-\d{4}-\d{3,6}$) as a whole, in printable ASCII.'
        Reason            = 'Why, in up to 1,000 characters with at least one visible character; recorded verbatim in the audit row (the audit views show control characters as escapes).'
        ScheduleDeletion  = 'Also schedule the key''s deletion (irreversible after the window).'
        PendingWindowDays = 'The deletion window, 7-30 days (default 7); only with -ScheduleDeletion.'
        MfaCode           = 'The current MFA code, to assume the Emergency role when the session holds another role.'
        Session           = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
        Force             = 'Do not ask for confirmation (-WhatIf and an explicit -Confirm still apply; MFA is never skipped).'
        MaxKeys           = 'The most keys one command may revoke (default 10, up to 100000). More stops the command before the first change, saying how many it was given; raise it after checking the list with -WhatIf.'
    }
    Outputs     = 'RevocationResult: KeyId, Alias, Environment, IncidentId, PreviousState, State, Verified, AlreadyRevoked, DeletionDate, AuditId, AlertId (named by the Completed audit row and the message body), AlertMessageId (from SNS), AlertDelivery, Warnings, DurationMs, Journaled, StepMilliseconds.'
    Examples    = @(
        @{
            Title   = 'Revoke a compromised key'
            Code    = 'Revoke-EncryptionKey -KeyId alias/CEK_User_1 -IncidentId INC-2026-0042 -Reason ''leaked credentials'' -MfaCode (Get-KeyMgmtSandboxMfaCode) -Force'
            Remarks = 'Assumes the Emergency role with MFA, disables the key, verifies and audits it.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 5 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Admin'
        }
        @{
            Title   = 'Every key behind a pattern, after checking the list'
            Code    = 'Get-KeyStatus -Alias ''alias/CEK_User_*'' | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason ''tenant offboarded'' -MaxKeys 5 -Confirm:$false'
            Remarks = 'Run the pipeline with -WhatIf first to see each key; -MaxKeys says how many keys you expect (more stops the command before any change). One result per key, a failing key is a non-terminating error and the rest continue; progress shows keys done of the total, and a summary line ends the run. Schedule deletion key by key, not on a wildcard.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 5 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042'
        }
    )
}
