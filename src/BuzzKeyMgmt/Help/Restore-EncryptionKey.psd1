@{
    Synopsis    = 'Brings a revoked key back: two approvals, inside the recovery window, verified and access-tested.'
    Description = 'Before touching the key it checks: an approved, unexpired request for the key under the change, with the policy''s number of distinct approvals from people other than the requester; a revocation recorded within the recovery window (7 days); a key that still exists, Disabled or PendingDeletion, with AWS-made material. Then it takes the Recovery role (with -MfaCode when the session holds another role), cancels a pending deletion, enables the key, reads it back Enabled and runs the access test. A failed condition is a clear error saying which, recorded in the audit.'
    Parameters  = @{
        KeyId    = 'The key to restore: key id, key ARN, alias name or alias ARN.'
        ChangeId = 'The change the recovery request was made under.'
        MfaCode  = 'The current MFA code, to assume the Recovery role when the session holds another role.'
        Session  = 'A session from Connect-KeyManagement -PassThru to use instead of the current one.'
    }
    Outputs     = 'RecoveryResult: KeyId, Alias, ChangeId, RequestId, ApprovedBy, PreviousState, State, DeletionCancelled, Verified, AccessTestPassed, AuditId, DurationMs.'
    Examples    = @( @{ Title = 'Restore after two approvals'; Code = 'Restore-EncryptionKey -KeyId alias/CEK_User_1 -ChangeId CHG-2026-0107 -MfaCode (Get-KeyMgmtSandboxMfaCode) -Confirm:$false'; Remarks = 'Enabled, verified and access-tested, or an error naming the failed condition.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042; $null = Revoke-EncryptionKey alias/CEK_User_1 -IncidentId INC-2026-0042 -Reason drill -Force; $global:req = Request-KeyRecovery alias/CEK_User_1 -ChangeId CHG-2026-0107 -Reason ''false alarm''; Connect-KeyManagement -Environment sandbox-approver1; $null = Approve-KeyRecovery $req.RequestId; Connect-KeyManagement -Environment sandbox-approver2; $null = Approve-KeyRecovery $req.RequestId; Connect-KeyManagement -Environment sandbox' } )
}
