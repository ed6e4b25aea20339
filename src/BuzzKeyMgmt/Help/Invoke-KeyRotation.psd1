@{
    Synopsis    = 'Rotates keys'' material now (on-demand rotation); read back, audited, a failure alerted.'
    Description = @'
RotateKeyOnDemand as the Admin role (taken from your own credentials when the session holds another role; no MFA). KMS
rotates on demand asynchronously: the result says InProgress (KMS reports the rotation running) or Completed (the new
material is listed). A rotation already running and the per-key lifetime limit of on-demand rotations are clear errors
(RotationInProgress, OnDemandRotationLimit), sent once and never retried. Keys KMS cannot rotate and keys that are not
Enabled are refused before anything is sent. Old material still decrypts: rotation does not re-encrypt data and does
not fix a compromised key (revoke it). Every attempt writes Started and Completed audit rows (operation ROTATE); a
failure sends an SNS alert, and a run over several keys ends with one summary alert. Piped from Get-KeyRotationDue, keys
whose Action is None are skipped.
The keys of a pipeline are collected, then run: progress shows keys done of the total, and a run over more than
one key ends with one summary line on the host, also in the information stream (changed, already, failed, skipped,
time).
'@
    Parameters  = @{
        KeyId          = 'The key: key id, key ARN, alias name or alias ARN; an array, or from the pipeline by value or by the property KeyId, Arn, KeyArn or TargetKeyId (Get-KeyRotationDue and Get-KeyStatus output bind by KeyId).'
        Session        = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
        RotationAction = 'Bound from a Get-KeyRotationDue item (its Action): keys marked None are skipped. Not meant to be typed.'
        RotationReason = 'Bound from a Get-KeyRotationDue item (its Reason), for the skip message. Not meant to be typed.'
    }
    Outputs     = 'RotationResult: KeyId, Alias, RotationState (InProgress or Completed), RequestedAt, RotationDate, PreviousRotationDate, Verified, AuditId, Warnings, DurationMs.'
    Examples    = @(
        @{
            Title   = 'Rotate one key now'
            Code    = 'Invoke-KeyRotation -KeyId alias/CEK_1 -Confirm:$false'
            Remarks = 'Read back: InProgress or Completed.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix alias/CEK_; Connect-KeyManagement -Environment sandbox -Role Admin'
        }
        @{
            Title   = 'Rotate every key that is due'
            Code    = 'Get-KeyRotationDue -Within 0 | Invoke-KeyRotation -Confirm:$false'
            Remarks = 'Keys that cannot be rotated by policy action (Action None) are skipped; one summary alert at the end.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 20 -AliasPrefix alias/CEK_ -RotationMix; Connect-KeyManagement -Environment sandbox -Role Admin'
        }
    )
}
