@{
    Synopsis    = 'Records a request to recover a revoked key, by the caller, under a change.'
    Description = 'The request names the key, the change (it must match the policy''s pattern) and the reason; it expires after the policy''s hours (24) and needs the policy''s number of approvals (2) from other people before Restore-EncryptionKey will act. The request and its outcome are audited; with the audit store down it is refused.'
    Parameters  = @{
        KeyId   = 'The revoked keys: key ids, key ARNs, alias names or alias ARNs (an array, or from the pipeline by value or by the property KeyId, Arn, KeyArn or TargetKeyId).'
        ChangeId = 'The change under which the key is recovered, e.g. CHG-2026-0107.'
        Reason  = 'Why, in up to 1,000 characters with at least one visible character.'
        Session = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
    }
    Outputs     = 'RecoveryRequest: RequestId, KeyId, Alias, ChangeId, Reason, RequestedBy, RequestedAtUtc, ExpiresAtUtc, ApprovalsRequired, Status, Approvals.'
    Examples    = @( @{ Title = 'Ask for a key back'; Code = 'Request-KeyRecovery -KeyId alias/CEK_User_1 -ChangeId CHG-2026-0107 -Reason ''false alarm: credentials were never exposed'''; Remarks = 'Two other people then approve it with Approve-KeyRecovery.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042; $null = Revoke-EncryptionKey alias/CEK_User_1 -IncidentId INC-2026-0042 -Reason drill -Force' } )
}
