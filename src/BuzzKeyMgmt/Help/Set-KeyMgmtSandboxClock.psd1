@{
    Synopsis    = 'Moves the sandbox clock forward.'
    Description = 'Sessions expire, deletion windows pass (keys are then gone), and automatic rotations fall due by the sandbox clock. SigV4 request times and quotas stay on real time, as in AWS. The clock never goes back.'
    Parameters  = @{
        Advance  = 'How far to move, e.g. (New-TimeSpan -Days 8) or ''02:00:00''. Must be positive.'
        PassThru = 'Write the new sandbox time.'
    }
    Outputs     = 'With -PassThru, the new sandbox time (DateTimeOffset).'
    Examples    = @( @{ Title = 'Let a session expire'; Code = 'Start-KeyMgmtSandbox; Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Hours 2) -PassThru'; Remarks = 'Any one-hour session is now expired.' } )
}
