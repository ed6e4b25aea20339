<#
.SYNOPSIS
    Runbook: revoke a compromised KMS key, non-interactively (pwsh -File, CI/CD, Systems Manager, scheduled jobs).
.DESCRIPTION
    Connects to the environment with the Emergency role (MFA), revokes the key (disable, read back; optionally
    schedules deletion) with its audit rows, and exits with a documented code. Standard output carries one JSON line
    (exitCode, message, keyId, state, auditId, journaled…); standard error the story.
    Exit codes: 0 done and verified; 2 bad input; 3 refused (policy, MFA, access denied); 4 AWS action failed;
    5 verification failed; 6 done but the audit rows were journaled (run Sync-KeyAuditJournal).
.EXAMPLE
    pwsh -File runbooks/Invoke-EmergencyRevocation.ps1 -Environment production -KeyId alias/CEK_User_12345 -IncidentId INC-2026-0042 -Reason 'Key compromise detected' -MfaCode 123456
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Environment,
    [Parameter(Mandatory)] [string] $KeyId,
    [Parameter(Mandatory)] [string] $IncidentId,
    [Parameter(Mandatory)] [string] $Reason,
    [string] $MfaCode,
    [switch] $ScheduleDeletion,
    [int] $PendingWindowDays,
    [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module (Join-Path $PSScriptRoot 'RunbookSupport.psm1')
try {
    Import-BuzzKeyMgmt $ModulePath
    Assert-RunbookInput -Environment $Environment -IncidentId $IncidentId -Reason $Reason   # the cmdlet's own checks, before MFA is spent
    $connect = @{ Environment = $Environment; Role = 'Emergency'; IncidentId = $IncidentId }
    if ($MfaCode) { $connect.MfaCode = $MfaCode }
    Connect-KeyManagement @connect
    $revoke = @{ KeyId = $KeyId; IncidentId = $IncidentId; Reason = $Reason; Force = $true; ScheduleDeletion = $ScheduleDeletion }
    if ($PSBoundParameters.ContainsKey('PendingWindowDays')) { $revoke.PendingWindowDays = $PendingWindowDays }
    $result = Revoke-EncryptionKey @revoke -WarningAction SilentlyContinue
    $data = @{ keyId = $result.KeyId; alias = $result.Alias; previousState = $result.PreviousState; state = $result.State
               auditId = "$($result.AuditId)"; journaled = $result.Journaled; durationMs = [int]$result.Duration.TotalMilliseconds }
    if ($result.Journaled) {
        Write-RunbookResult $ExitCodes.Journaled "Revoked $KeyId ($($result.State)), but the audit store was unreachable: the audit rows are in the local journal. Run Sync-KeyAuditJournal." $data
        exit $ExitCodes.Journaled
    }
    Write-RunbookResult $ExitCodes.Done "Revoked $KeyId for ${IncidentId}: $($result.PreviousState) -> $($result.State), verified." $data
    exit $ExitCodes.Done
}
catch {
    $code = Get-RunbookExitCode $_
    Write-RunbookResult $code "Revocation of $KeyId failed ($(($_.FullyQualifiedErrorId -split ',')[0])): $($_.Exception.Message)" @{ keyId = $KeyId; errorId = ($_.FullyQualifiedErrorId -split ',')[0] }
    exit $code
}
