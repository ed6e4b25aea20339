@{
    Synopsis    = 'Proves applications can use a key: a GenerateDataKey and Decrypt round trip, timed and audited.'
    Description = 'Needs the Recovery role (taken with -MfaCode when the session holds another role). A disabled key gives a result with Passed false and the reason; each test is audited as ACCESS_TEST, and refused while the audit store is down.'
    Parameters  = @{
        KeyId   = 'The keys to test: key ids, key ARNs, alias names or alias ARNs (an array, or from the pipeline by value or by the property KeyId, Arn, KeyArn or TargetKeyId).'
        MfaCode = 'The current MFA code, to assume the Recovery role when the session holds another role.'
        Session = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
    }
    Outputs     = 'AccessTestResult: KeyId, Alias, Passed, GenerateDataKeyMs, DecryptMs, AuditId, Error.'
    Examples    = @( @{ Title = 'Can applications use this key?'; Code = 'Test-KeyAccess -KeyId alias/CEK_User_2 -MfaCode (Get-KeyMgmtSandboxMfaCode)'; Remarks = 'Passed is true when the round trip returned the same bytes.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042; $null = Revoke-EncryptionKey alias/CEK_User_1 -IncidentId INC-2026-0042 -Reason drill -Force' } )
}
