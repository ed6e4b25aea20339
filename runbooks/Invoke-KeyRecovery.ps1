<#
.SYNOPSIS
    Runbook: recover a revoked KMS key under a change, non-interactively.
.DESCRIPTION
    Connects with the Recovery role (MFA). When the key has no recovery request under the change yet, files one with
    the reason and exits 3 (refused: approvals missing) so that two other people can approve it with
    Approve-KeyRecovery; run it again afterwards. With an approved request it restores the key (cancel deletion,
    enable, read back, access test), audited. Standard output carries exactly one JSON line; standard error the story.

    Parameters: -Environment <name> -KeyId <key> -ChangeId <id> -Reason <text> (all four required)
    [-MfaCode <6 digits>] [-ModulePath <BuzzKeyMgmt folder>] [-Verbose]. Names may be shortened while unambiguous.
    No param block, on purpose (see Invoke-EmergencyRevocation.ps1): every argument mistake is answered with code 2.

    Exit codes (runbooks/README.md lists every error id): 0 done and verified; 2 bad input (arguments, configuration,
    unknown key, BuzzKeyMgmt not found); 3 refused (approvals, window, MFA, access denied, audit store down); 4 an AWS
    action failed, stopped (Ctrl+C) or an unexpected error; 5 verification failed.
.EXAMPLE
    pwsh -NoProfile -NonInteractive -File runbooks/Invoke-KeyRecovery.ps1 -Environment production -KeyId alias/CEK_User_12345 -ChangeId CHG-2026-0107 -Reason 'Recovered after false alarm' -MfaCode 123456
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
    $message = "Recovery failed ($id): RunbookSupport.psm1 next to this script could not be loaded: $($_.Exception.Message)"
    [Console]::Error.WriteLine($message -replace '\p{Cc}', '?')
    [Console]::Out.WriteLine(([ordered]@{ exitCode = 2; errorId = $id; message = $message } | ConvertTo-Json -Compress))
    exit 2
}

Invoke-Runbook -Purpose 'Recovery' -Arguments $args -Parameters ([ordered]@{
        Environment = 'Required'; KeyId = 'Required'; ChangeId = 'Required'; Reason = 'Required'; MfaCode = 'String'
    }) -Action {
    param($p)
    Assert-RunbookInput -Environment $p.Environment -ChangeId $p.ChangeId -Reason $p.Reason   # the cmdlets' own checks, before MFA is spent
    $connect = @{ Environment = $p.Environment; Role = 'Recovery'; ChangeId = $p.ChangeId; Verbose = $p.Verbose }
    if ($p.MfaCode) { $connect.MfaCode = $p.MfaCode }
    Connect-KeyManagement @connect -InformationAction Ignore   # stdout carries only the JSON result line
    $requested = @(Get-KeyAuditLog -Environment $p.Environment -KeyId $p.KeyId -Operation RECOVERY_REQUEST -ChangeId $p.ChangeId -Verbose:$p.Verbose |
        Where-Object { "$($_.Phase)" -eq 'Completed' -and "$($_.Outcome)" -eq 'Succeeded' })
    if (-not $requested) {
        $request = Request-KeyRecovery -KeyId $p.KeyId -ChangeId $p.ChangeId -Reason $p.Reason -Verbose:$p.Verbose
        New-RunbookOutcome Refused "Filed recovery request $($request.RequestId) for $($p.KeyId) under $($p.ChangeId); it needs $($request.ApprovalsRequired) approvals (Approve-KeyRecovery -RequestId $($request.RequestId)) before this runbook can restore the key." ([ordered]@{
                keyId = $p.KeyId; requestId = "$($request.RequestId)" }) -ErrorId 'ApprovalsMissing'
        return
    }
    $result = Restore-EncryptionKey -KeyId $p.KeyId -ChangeId $p.ChangeId -Confirm:$false -Verbose:$p.Verbose
    New-RunbookOutcome Done "Recovered $($p.KeyId) under $($p.ChangeId): $($result.PreviousState) -> $($result.State), verified, access test passed." ([ordered]@{
            keyId = $result.KeyId; alias = $result.Alias; state = $result.State; auditId = "$($result.AuditId)"; requestId = "$($result.RequestId)" })
}
