@{
    Synopsis    = 'Reads the audit trail, newest first.'
    Description = 'Every attempted key operation leaves a Started and a Completed row: who (caller ARN, OS user, host), what (operation, key, environment), why (incident or change, reason), outcome, error, timings and alert id, in a hash chain. Filters combine; key references, incident and change ids, operations and environments compare case-insensitively. The default table view (with the reason) and the list view (Format-List) show control characters and bidi overrides in any text as visible escapes (\e[2J, \r\n, \0, \u202E), so a reason cannot clear the screen, retitle the window or forge a line; the objects'' properties keep the stored, verbatim values.'
    Parameters  = @{
        KeyId       = 'Rows about this key (key id, key ARN, alias name or alias ARN); also from the pipeline by property name.'
        Operation   = 'Rows of this operation, in any case (Tab completes them): CREATE, ROTATE, ROTATE_POLICY, REVOKE, SCHEDULE_DELETION, CANCEL_DELETION, RECOVERY_REQUEST, APPROVE, RECOVER, ACCESS_TEST, DRILL, RECONCILE. Any other name (a typo such as REVOKED) is refused, naming these.'
        Session     = 'A session whose environment''s store to read (unless -Environment names another), instead of the current one.'
        IncidentId  = 'Rows of this incident.'
        ChangeId    = 'Rows of this change.'
        Since       = 'Rows at or after this time.'
        Until       = 'Rows at or before this time.'
        Environment = 'Rows of this environment, read from its audit store (any case). An environment the configuration does not know is an error naming the known ones, unless the session''s (or default) store holds rows of it (an environment since removed from the file).'
        Last        = 'Only the newest N rows.'
    }
    Outputs     = 'AuditRecord: AuditId, Sequence, OccurredAtUtc, Environment, Operation, Phase, Outcome, KeyId, KeyArn, Alias, IncidentId, ChangeId, Reason, IsEmergency, OperatorArn, OperatorName, ClientHost, ClientAddress, Approvals, DurationMs, ErrorCode, ErrorMessage, AlertMessageId, PreviousHash, RowHash.'
    Examples    = @(
        @{ Title = 'What happened in an incident'; Code = 'Get-KeyAuditLog -IncidentId INC-2026-0042 | Format-Table'; Remarks = 'Every row recorded for the incident, newest first.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName' }
        @{ Title = 'The last day''s revocations'; Code = 'Get-KeyAuditLog -Operation REVOKE -Since (Get-Date).AddDays(-1) -Last 50'; Remarks = 'At most 50 rows.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName' }
    )
}
