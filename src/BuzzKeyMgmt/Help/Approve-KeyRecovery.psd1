@{
    Synopsis    = 'Approves a key recovery request as yourself (your STS caller identity).'
    Description = 'Separation of duties: the requester cannot approve their own request, nobody approves twice, and an expired request cannot be approved. Each approval is audited.'
    Parameters  = @{
        RequestId = 'The request to approve (from Get-KeyRecoveryRequest or Request-KeyRecovery; Tab offers the pending ones), also from the pipeline by property name.'
        Session   = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
    }
    Outputs     = 'The RecoveryRequest with its approvals so far; Status becomes Approved once enough people approved.'
    Examples    = @( @{ Title = 'Approve as a second person'; Code = 'Approve-KeyRecovery -RequestId $req.RequestId'; Remarks = 'Run by each approver in their own session.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042; $null = Revoke-EncryptionKey alias/CEK_User_1 -IncidentId INC-2026-0042 -Reason drill -Force; $global:req = Request-KeyRecovery alias/CEK_User_1 -ChangeId CHG-2026-0107 -Reason ''false alarm''; Connect-KeyManagement -Environment sandbox-approver1' } )
}
