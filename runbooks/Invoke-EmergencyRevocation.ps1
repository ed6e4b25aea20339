<#
.SYNOPSIS
    Runbook: revoke a compromised KMS key, non-interactively (pwsh -File, CI/CD, Systems Manager, scheduled jobs).
.DESCRIPTION
    Connects to the environment with the Emergency role (MFA), revokes the key (disable, read back; optionally
    schedules deletion) with its audit rows, and exits with a documented code. Standard output carries exactly one JSON
    line (exitCode, errorId, message, keyId, state, auditId, journaled…); standard error the story.

    Parameters: -Environment <name> -KeyId <key> -IncidentId <id> -Reason <text> (all four required)
    [-MfaCode <6 digits>] [-ScheduleDeletion] [-PendingWindowDays <7-30>] [-ModulePath <BuzzKeyMgmt folder>] [-Verbose].
    Names may be shortened while unambiguous. The script has no param block on purpose: PowerShell would bind one
    before any of this script runs, and a missing, unknown, repeated or mistyped argument would end it with exit 1 and
    no JSON line (or a prompt). It reads its arguments itself and answers every mistake with code 2.

    Exit codes (runbooks/README.md lists every error id): 0 done and verified; 2 bad input (arguments, configuration,
    unknown key, BuzzKeyMgmt not found); 3 refused (policy, MFA, access denied, key state); 4 an AWS action failed,
    stopped (Ctrl+C) or an unexpected error; 5 verification failed; 6 done but the audit rows were journaled (run
    Sync-KeyAuditJournal).
.EXAMPLE
    pwsh -NoProfile -NonInteractive -File runbooks/Invoke-EmergencyRevocation.ps1 -Environment production -KeyId alias/CEK_User_12345 -IncidentId INC-2026-0042 -Reason 'Key compromise detected' -MfaCode 123456
#>
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 3.0
try {
    Import-Module (Join-Path $PSScriptRoot 'RunbookSupport.psm1')
}
catch {
    # Without its support module the script cannot read its arguments; it still answers like every other failure.
    $id = if (Test-Path (Join-Path $PSScriptRoot 'RunbookSupport.psm1')) { 'ModuleNotLoaded' } else { 'ModuleNotFound' }
    $message = "Revocation failed ($id): RunbookSupport.psm1 next to this script could not be loaded: $($_.Exception.Message)"
    [Console]::Error.WriteLine($message -replace '\p{Cc}', '?')
    [Console]::Out.WriteLine(([ordered]@{ exitCode = 2; errorId = $id; message = $message } | ConvertTo-Json -Compress))
    exit 2
}

Invoke-Runbook -Purpose 'Revocation' -Arguments $args -Parameters ([ordered]@{
        Environment = 'Required'; KeyId = 'Required'; IncidentId = 'Required'; Reason = 'Required'
        MfaCode = 'String'; ScheduleDeletion = 'Switch'; PendingWindowDays = 'Int'
    }) -Action {
    param($p)
    Assert-RunbookInput -Environment $p.Environment -IncidentId $p.IncidentId -Reason $p.Reason   # the cmdlets' own checks, before MFA is spent
    $connect = @{ Environment = $p.Environment; Role = 'Emergency'; IncidentId = $p.IncidentId; Verbose = $p.Verbose }
    if ($p.MfaCode) { $connect.MfaCode = $p.MfaCode }
    Connect-KeyManagement @connect -InformationAction Ignore   # stdout carries only the JSON result line
    $revoke = @{ KeyId = $p.KeyId; IncidentId = $p.IncidentId; Reason = $p.Reason; Force = $true; ScheduleDeletion = $p.ScheduleDeletion; Verbose = $p.Verbose }
    if ($null -ne $p.PendingWindowDays) { $revoke.PendingWindowDays = $p.PendingWindowDays }
    $result = Revoke-EncryptionKey @revoke
    $data = [ordered]@{ keyId = $result.KeyId; alias = $result.Alias; previousState = $result.PreviousState; state = $result.State
        auditId = "$($result.AuditId)"; journaled = $result.Journaled; durationMs = $result.DurationMs }
    if ($result.Journaled) {
        New-RunbookOutcome Journaled "Revoked $($p.KeyId) ($($result.State)), but the audit store was unreachable: the audit rows are in the local journal. Run Sync-KeyAuditJournal." $data
    }
    else {
        New-RunbookOutcome Done "Revoked $($p.KeyId) for $($p.IncidentId): $($result.PreviousState) -> $($result.State), verified." $data
    }
}
