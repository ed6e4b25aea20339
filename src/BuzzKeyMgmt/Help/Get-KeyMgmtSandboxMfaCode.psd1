@{
    Synopsis    = 'Gives the code to type now for a sandbox MFA device, as an authenticator app would show it.'
    Description = 'RFC 6238 TOTP (SHA-1, 30 seconds, 6 digits) at the sandbox clock, for the operator (default), approver1, approver2 or root, or for a device serial. Codes are single-use, as on AWS: once a code has been accepted, the sandbox refuses it (and any older code of that device) with AccessDenied "MultiFactorAuthentication failed with invalid MFA one time pass code." So this gives a code that has not been used yet: the current 30-second step''s code, or the next step''s when the current one was used. When the current codes were used, the sandbox clock moves on to the next 30-second step (at most 30 seconds, as if you had waited for the next code), which also moves session expiry and key deletion windows along. Getting a code does not use it; only a successful role assumption does.'
    Parameters  = @{
        UserName     = 'Whose device: operator (default), approver1, approver2, trainee or root.'
        SerialNumber = 'The device serial (ARN) instead of a user name.'
    }
    Outputs     = 'The 6-digit code as a string.'
    Examples    = @( @{ Title = 'Connect with MFA in the sandbox'; Code = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode)'; Remarks = 'Assumes the Emergency role as operator with the operator''s current code.' } )
}
