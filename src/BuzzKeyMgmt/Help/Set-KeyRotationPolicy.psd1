@{
    Synopsis    = 'Turns a key''s automatic rotation on with a period (default: the policy''s), or off; read back, audited, a failure alerted.'
    Description = @'
EnableKeyRotation with RotationPeriodInDays (90-2560; default the policy's period, Get-KeyMgmtPolicy) or DisableKeyRotation,
as the Admin role (taken from your own credentials when the session holds another role; no MFA), then read back with
GetKeyRotationStatus. A period longer than the policy's is refused unless -Force. Keys KMS cannot rotate (asymmetric,
HMAC, imported material, AWS managed) and keys that are not Enabled are refused with a clear reason before anything is
sent. A key that already rotates as asked is reported (Changed false) and nothing is sent. Every attempt writes
Started and Completed audit rows (operation ROTATE_POLICY); a failure sends an SNS alert, and a run over several keys
ends with one summary alert. Piped from Get-KeyRotationDue, only keys whose Action is EnableRotation are changed.
The keys of a pipeline are collected, then run: progress shows keys done of the total, and a run over more than
one key ends with one summary line on the host, also in the information stream (changed, already, failed, skipped,
time).
'@
    Parameters  = @{
        KeyId              = 'The key: key id, key ARN, alias name or alias ARN; an array, or from the pipeline by value or by the property KeyId, Arn, KeyArn or TargetKeyId (Get-KeyRotationDue and Get-KeyStatus output bind by KeyId).'
        RotationPeriodDays = 'Days between automatic rotations, 90-2560 (default: the policy''s period).'
        Disable            = 'Turn automatic rotation off (the key will fall out of the policy; a warning says so).'
        Force              = 'Allow a period longer than the policy''s.'
        Session            = 'A session to use instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
        RotationAction     = 'Bound from a Get-KeyRotationDue item (its Action): keys marked None or Rotate are skipped. Not meant to be typed.'
        RotationReason     = 'Bound from a Get-KeyRotationDue item (its Reason), for the skip message. Not meant to be typed.'
    }
    Outputs     = 'RotationPolicyResult: KeyId, Alias, PreviousRotationEnabled, PreviousRotationPeriodDays, RotationEnabled, RotationPeriodDays, NextRotationDate, Changed, Verified, AuditId, Warnings, DurationMs.'
    Examples    = @(
        @{
            Title   = 'Rotate a key every 90 days'
            Code    = 'Set-KeyRotationPolicy -KeyId alias/CEK_1 -Confirm:$false'
            Remarks = 'Uses the policy''s period; read back and audited.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix alias/CEK_; Connect-KeyManagement -Environment sandbox -Role Admin'
        }
        @{
            Title   = 'Fix every key whose rotation is off or too slow'
            Code    = 'Get-KeyRotationDue | Set-KeyRotationPolicy -Confirm:$false'
            Remarks = 'Only keys whose Action is EnableRotation are changed; a run over several keys ends with one summary alert.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 20 -AliasPrefix alias/CEK_ -RotationMix; Connect-KeyManagement -Environment sandbox -Role Admin'
        }
    )
}
