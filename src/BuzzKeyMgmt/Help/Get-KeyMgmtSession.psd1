@{
    Synopsis    = 'Shows the current session: environment, role, caller, operator and when it expires.'
    Description = 'Writes the session set by Connect-KeyManagement, with a warning when it expires within 5 minutes or has expired. Writes nothing when not connected.'
    Parameters  = @{}
    Outputs     = 'KeyMgmtSession.'
    Examples    = @(
        @{ Title = 'Who am I, with which role, until when'; Code = 'Get-KeyMgmtSession'; Remarks = 'Shows Environment, Role, Operator, expiry, minutes left and the caller ARN.'; Setup = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox' }
    )
}
