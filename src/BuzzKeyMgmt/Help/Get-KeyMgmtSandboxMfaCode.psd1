@{
    Synopsis    = 'Shows the current code of a sandbox MFA device, as an authenticator app would.'
    Description = 'RFC 6238 TOTP (SHA-1, 30 seconds, 6 digits) at the sandbox clock, for the operator (default), approver1, approver2 or root, or for a device serial.'
    Parameters  = @{
        UserName     = 'Whose device: operator (default), approver1, approver2, trainee or root.'
        SerialNumber = 'The device serial (ARN) instead of a user name.'
    }
    Outputs     = 'The 6-digit code as a string.'
    Examples    = @( @{ Title = 'Connect with MFA in the sandbox'; Code = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode)'; Remarks = 'Assumes the Emergency role as operator with the operator''s current code.' } )
}
