@{
    Synopsis    = 'Lists key recovery requests with their approvals and their status now, to approve or restore them.'
    Description = @'
Reads the recovery requests from the audit store (-Environment, else -Session's or the current session's
environment, else the embedded default), newest first. Status is what it is now: Pending (waiting for approvals),
Approved (enough approvals: Restore-EncryptionKey may use it), Expired (24 hours passed before it was approved or
used, by the environment's clock; neither an approval nor a restore takes it), Used (a restore used it; stored and
shown as Completed) or Cancelled. Filters combine; key references and change ids compare case-insensitively. Nothing
is written and no AWS call is made.

The objects pipe into Approve-KeyRecovery (RequestId) and Restore-EncryptionKey (KeyId, ChangeId).
'@
    Parameters  = @{
        Status      = 'Only requests in these states: Pending, Approved, Expired, Used (also Completed) or Cancelled.'
        KeyId       = 'Requests for this key (key id, key ARN, alias name or alias ARN); also from the pipeline by property name.'
        ChangeId    = 'Requests under this change; also from the pipeline by property name.'
        RequestId   = 'The request of this id (Tab offers the pending ones).'
        Last        = 'At most this many requests, the newest (1-10000; default 10000).'
        Environment = 'The environment whose audit store to read; default: -Session''s or the current session''s, else the embedded default.'
        Session     = 'A session whose environment''s store to read (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
    }
    Outputs     = 'RecoveryRequest: RequestId, KeyId, KeyArn, Alias, ChangeId, Reason, RequestedBy, RequestedAtUtc, ExpiresAtUtc, ApprovalsRequired, Status, Approvals.'
    Examples    = @(
        @{ Title = 'What waits for my approval'; Code = 'Get-KeyRecoveryRequest -Status Pending'; Remarks = 'Each request with its key, change, approvals so far and expiry.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 2 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042; $null = Revoke-EncryptionKey alias/CEK_User_1 -IncidentId INC-2026-0042 -Reason drill -Force; $null = Request-KeyRecovery alias/CEK_User_1 -ChangeId CHG-2026-0107 -Reason ''false alarm''' }
        @{ Title = 'Approve the pending requests of a change'; Code = 'Get-KeyRecoveryRequest -Status Pending -ChangeId CHG-2026-0107 | Approve-KeyRecovery -Confirm:$false'; Remarks = 'Run by an approver in their own session (not the requester''s).'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 2 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042; $null = Revoke-EncryptionKey alias/CEK_User_1 -IncidentId INC-2026-0042 -Reason drill -Force; $null = Request-KeyRecovery alias/CEK_User_1 -ChangeId CHG-2026-0107 -Reason ''false alarm''; Connect-KeyManagement -Environment sandbox-approver1' }
        @{ Title = 'Restore what was approved'; Code = 'Get-KeyRecoveryRequest -Status Approved -KeyId alias/CEK_User_12345 | Restore-EncryptionKey -MfaCode 123456'; Remarks = 'KeyId and ChangeId bind by property name.'; Run = $false }
    )
}
