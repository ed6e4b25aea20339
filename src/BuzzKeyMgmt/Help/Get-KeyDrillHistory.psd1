@{
    Synopsis    = 'Lists the drills recorded in the audit store, newest first: status, time to revoke, total time.'
    Description = @'
Reads the DRILL rows of the audit store (those Invoke-KeyRevocationDrill writes) and returns one entry per drill: when
it started and ended, its scenario, its status (Passed, Failed, Stopped, WaitingForApprovals, WaitingForMfa, or
Incomplete when the process ended before the drill's report row), the time to revoke against the MTTR target, the total
time, the drill key, the step that failed and why, and who ran it. Get-KeyCompliance's DrillRecent check reads the
same: a drill that passed within 90 days (PCI DSS 12.10.2 asks for the response plan to be tested).
'@
    Parameters  = @{
        Last        = 'At most this many drills (the newest).'
        Environment = 'The environment whose store and drills to read; default: the current session''s (all environments of the default store without a session).'
        Session     = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name): its environment''s store and drills.'
    }
    Outputs     = 'DrillHistoryEntry: DrillId, Environment, Scenario, Status, Passed, StartedAtUtc, EndedAtUtc, TimeToRevokeMs, MttrTargetMinutes, TotalMs, KeyId, Alias, FailedStep, Failure, Operator, Steps.'
    Examples    = @(
        @{
            Title   = 'The last drill of the sandbox'
            Code    = '$null = Invoke-KeyRevocationDrill -Environment sandbox; Get-KeyDrillHistory -Environment sandbox -Last 1'
            Remarks = 'Status Passed with its time to revoke; Get-KeyCompliance -Summary then counts DrillRecent as Pass.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox'
        }
    )
}
