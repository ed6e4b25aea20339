@{
    Synopsis    = 'Forgets the current session and its temporary credentials.'
    Description = 'After Disconnect-KeyManagement, cmdlets that need a session stop with an error that says to connect, unless -Session passes one.'
    Parameters  = @{}
    Outputs     = 'None.'
    Examples    = @(
        @{ Title = 'End the incident session'; Code = 'Disconnect-KeyManagement'; Remarks = 'Drops the Emergency credentials from memory.'; Setup = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode)' }
    )
}
