@{
    Synopsis    = 'Closes a session (the current one by default, by name, as an object, or all) and forgets its temporary credentials.'
    Description = 'A closed session''s AWS clients and the role sessions it took are disposed. Closing the current session leaves none current (nothing switches to another session on its own): cmdlets that need a session then stop with an error that says to connect, unless -Session passes one or Select-KeyMgmtSession makes another current.'
    Parameters  = @{
        Name    = 'Close the sessions of these names (wildcards allowed; see Get-KeyMgmtSession -All). A plain name that is not open is an error naming the open ones.'
        Session = 'Close this session (from the pipeline too, e.g. Get-KeyMgmtSession -Name ''*/Recovery*'' | Disconnect-KeyManagement).'
        All     = 'Close every open session of this PowerShell session.'
    }
    Outputs     = 'None.'
    Examples    = @(
        @{ Title = 'End the incident session'; Code = 'Disconnect-KeyManagement'; Remarks = 'Drops the current session''s credentials from memory.'; Setup = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode)' }
        @{ Title = 'Close an approver session, keep yours'; Code = 'Disconnect-KeyManagement -Name sandbox-approver1/Admin'; Remarks = 'The current session stays current.'; Setup = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox; $null = Connect-KeyManagement -Environment sandbox-approver1 -NoSwitch' }
        @{ Title = 'Close everything'; Code = 'Disconnect-KeyManagement -All'; Remarks = 'Every session of this PowerShell session.'; Setup = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox' }
    )
}
