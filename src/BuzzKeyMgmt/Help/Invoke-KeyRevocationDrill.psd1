@{
    Synopsis    = 'Runs a measured revocation-and-recovery drill on a key of its own; every step audited (DRILL), a DrillReport returned.'
    Description = @'
Creates a drill key (tag Purpose=drill, alias alias/drill-<id>) and encrypts a probe; revokes it through the same path
as Revoke-EncryptionKey (Emergency role, REVOKE audit rows, alert) and proves the probe no longer decrypts
(DisabledException); requests recovery, collects two approvals, restores it (Recovery role, RECOVER rows) and proves the
probe decrypts again. RevokeAndDelete also schedules the key's deletion and proves the recovery cancels it; Rotation
rotates the key on demand and proves the old ciphertext still decrypts; All does the three in turn. Then the drill key's
deletion is scheduled (7 days) and its alias removed, also when a step failed or the drill was stopped (Ctrl+C); what
could not be cleaned is listed in NotCleaned and as warnings.

Each step writes DRILL Started/Completed rows carrying the DrillId, and the real REVOKE, RECOVER, APPROVE and ROTATE rows
carry it too; a last DRILL row ("report") records the outcome and alerts (KEY DRILL PASSED or KEY DRILL FAILED). The
report gives each step's time, the total, and the time to revoke (from the start of the revocation, role included, to
the key read back revoked: the MTTR the policy means) against the policy's MttrTargetMinutes; it passes only when every
step passed within that target. A failing drill is also a non-terminating error (DrillFailed).

Against the sandbox the drill takes MFA codes from the sandbox's devices and its approvers are sandbox-approver1 and
sandbox-approver2. Against a real environment pass -MfaCode (Emergency), -RecoveryMfaCode (Recovery: a second code) and
-ApproverSession (two other people's sessions); without approvers or the Recovery code the drill stops with its key
revoked (WaitingForApprovals, WaitingForMfa) and says how to resume it with -DrillId. It touches no key but its own: the
Admin role needs kms:CreateKey with the tag, and Encrypt, Decrypt and ScheduleKeyDeletion on keys tagged Purpose=drill
(runbooks/quarterly-drill.md has the IAM statement).
'@
    Parameters  = @{
        Environment     = 'The environment to drill in; default: the current session''s, or the sandbox when one runs and no session is connected. An Admin session is connected for it when none is open (the current session is not replaced).'
        Session         = 'A session to drill with instead of the current one (from Connect-KeyManagement -NoSwitch, or Get-KeyMgmtSession -Name).'
        Scenario        = 'Revoke (default): revoke and recover. RevokeAndDelete: also schedule deletion, which the recovery cancels. Rotation: rotate on demand, old ciphertext still decrypts. All: the three in turn.'
        MfaCode         = 'The 6-digit code for the Emergency role (the revocation). Not needed against the sandbox.'
        RecoveryMfaCode = 'The 6-digit code for the Recovery role (the restore): a second code, since AWS accepts each code once. Not needed against the sandbox.'
        ApproverSession = 'Sessions of two other people who approve the drill''s recovery request (each from Connect-KeyManagement -NoSwitch in their own name). Not needed against the sandbox.'
        DrillId         = 'Resume the drill with this id (it stopped waiting for approvals or a Recovery code): the steps it did are skipped.'
        IncidentId      = 'The incident id of the drill''s revocation; default INC-<year>-<6 digits of the drill id>. Must match the policy''s pattern.'
        ChangeId        = 'The change id of the drill''s recovery; default CHG-<year>-<6 digits of the drill id>. Must match the policy''s pattern.'
    }
    Outputs     = 'DrillReport: DrillId, Environment, Scenario, Status (Passed, Failed, Stopped, WaitingForApprovals, WaitingForMfa), Passed, KeyId, Alias, RequestId, Steps (Name, Status, Ms, Detail, AuditId), TimeToRevokeMs, MttrTargetMinutes, MttrMet, TotalMs, FailedStep, Failure, NotCleaned, Next.'
    Examples    = @(
        @{
            Title   = 'Drill on the sandbox and show each step'
            Code    = '$r = Invoke-KeyRevocationDrill -Environment sandbox; $r; $r.Steps | Format-Table'
            Remarks = 'Status Passed, the time to revoke against the 10-minute target, and every step with its time.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox'
        }
        @{
            Title   = 'Every scenario, then the drill history'
            Code    = 'Invoke-KeyRevocationDrill -Environment sandbox -Scenario All | Select-Object Status, TimeToRevokeMs, TotalMs; Get-KeyDrillHistory -Environment sandbox -Last 1'
            Remarks = 'Against a real environment: -MfaCode, -RecoveryMfaCode and -ApproverSession (two other people''s sessions).'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox'
        }
    )
}
