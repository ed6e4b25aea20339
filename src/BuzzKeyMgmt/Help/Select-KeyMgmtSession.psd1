@{
    Synopsis    = 'Makes an open session the current one.'
    Description = 'Cmdlets act with the current session unless -Session passes another. Select-KeyMgmtSession switches to a session opened earlier in this PowerShell session (by name, with Tab completion, or as an object from Get-KeyMgmtSession or Connect-KeyManagement -NoSwitch). Nothing else switches the current session except connecting without -NoSwitch. A name that is not open is an error naming the open ones; an expired session can be selected, with a warning.'
    Parameters  = @{
        Name     = 'The session''s name (see Get-KeyMgmtSession -All; default names are <environment>/<role>).'
        Session  = 'The session object (from the pipeline too).'
        PassThru = 'Also write the session.'
    }
    Outputs     = 'With -PassThru, the KeyMgmtSession now current.'
    Examples    = @(
        @{ Title = 'Switch to the approver session and back'; Code = 'Select-KeyMgmtSession sandbox-approver1/Admin; (Get-KeyMgmtSession).Operator; Select-KeyMgmtSession sandbox/Admin'; Remarks = 'Both sessions stay open; only the current one changes.'; Setup = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox; $null = Connect-KeyManagement -Environment sandbox-approver1 -NoSwitch' }
    )
}
