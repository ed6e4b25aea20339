<#
.SYNOPSIS
    Runbook: recover a revoked KMS key under a change, non-interactively.
.DESCRIPTION
    Connects with the Recovery role (MFA). When the key has no recovery request under the change yet, files one with
    the reason and exits 3 (refused: approvals missing) so that two other people can approve it with
    Approve-KeyRecovery; run it again afterwards. With an approved request it restores the key (cancel deletion,
    enable, read back, access test), audited. Standard output carries one JSON line; standard error the story.
    Exit codes: 0 done and verified; 2 bad input; 3 refused (approvals, window, MFA, access denied, audit store down);
    4 AWS action failed; 5 verification failed.
.EXAMPLE
    pwsh -File runbooks/Invoke-KeyRecovery.ps1 -Environment production -KeyId alias/CEK_User_12345 -ChangeId CHG-2026-0107 -Reason 'Recovered after false alarm' -MfaCode 123456
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Environment,
    [Parameter(Mandatory)] [string] $KeyId,
    [Parameter(Mandatory)] [string] $ChangeId,
    [Parameter(Mandatory)] [string] $Reason,
    [string] $MfaCode,
    [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module (Join-Path $PSScriptRoot 'RunbookSupport.psm1')
try {
    Import-BuzzKeyMgmt $ModulePath
    Assert-RunbookInput -Environment $Environment -ChangeId $ChangeId -Reason $Reason       # the cmdlets' own checks, before MFA is spent
    $connect = @{ Environment = $Environment; Role = 'Recovery'; ChangeId = $ChangeId }
    if ($MfaCode) { $connect.MfaCode = $MfaCode }
    Connect-KeyManagement @connect
    $requested = @(Get-KeyAuditLog -Environment $Environment -KeyId $KeyId -Operation RECOVERY_REQUEST -ChangeId $ChangeId |
        Where-Object { "$($_.Phase)" -eq 'Completed' -and "$($_.Outcome)" -eq 'Succeeded' })
    if (-not $requested) {
        $request = Request-KeyRecovery -KeyId $KeyId -ChangeId $ChangeId -Reason $Reason
        Write-RunbookResult $ExitCodes.Refused "Filed recovery request $($request.RequestId) for $KeyId under $ChangeId; it needs $($request.ApprovalsRequired) approvals (Approve-KeyRecovery -RequestId $($request.RequestId)) before this runbook can restore the key." @{ keyId = $KeyId; requestId = "$($request.RequestId)"; errorId = 'ApprovalsMissing' }
        exit $ExitCodes.Refused
    }
    $result = Restore-EncryptionKey -KeyId $KeyId -ChangeId $ChangeId -Confirm:$false
    Write-RunbookResult $ExitCodes.Done "Recovered $KeyId under ${ChangeId}: $($result.PreviousState) -> $($result.State), verified, access test passed." @{
        keyId = $result.KeyId; alias = $result.Alias; state = $result.State; auditId = "$($result.AuditId)"; requestId = "$($result.RequestId)" }
    exit $ExitCodes.Done
}
catch {
    $code = Get-RunbookExitCode $_
    Write-RunbookResult $code "Recovery of $KeyId failed ($(($_.FullyQualifiedErrorId -split ',')[0])): $($_.Exception.Message)" @{ keyId = $KeyId; errorId = ($_.FullyQualifiedErrorId -split ',')[0] }
    exit $code
}
