# The drill suite (issue 13, point 3): revocation, recovery, rotation, audit integrity, alert delivery and break-glass,
# each proved by a real drill. By default (CI) against the sandbox; against a real environment with
#   Invoke-Pester -Container (New-PesterContainer -Path tests/Drills -Data @{ Environment = 'staging' })
# where it touches only the keys its drills create (tag Purpose=drill, alias alias/drill-<id>, deleted when each ends).
# A real environment needs MFA codes (asked with Read-Host unless -Data gives MfaCode, a scriptblock taking the role) and
# two approvers' sessions (-Data @{ ApproverSession = $a1, $a2 }). Tests that need the sandbox's fault injection or a
# store they can take down say so and are skipped against a real environment.
param(
    [string] $Environment = '',
    [scriptblock] $MfaCode = { param($Role) Read-Host "MFA code for the $Role role" },
    [object[]] $ApproverSession = @()
)

BeforeAll {
    $script:OnSandbox = -not $Environment
    if ($OnSandbox) {
        Import-Module (Join-Path $PSScriptRoot '../Pester/TestHelpers.psm1') -Force
        Import-Module (Get-BuiltModulePath) -Force
        $script:SavedData = $env:XDG_DATA_HOME
        $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-drills-$([guid]::NewGuid().ToString('n'))")).FullName
        $env:XDG_DATA_HOME = $Data
        $script:Sandbox = Start-KeyMgmtSandbox -PassThru
        $script:Target = 'sandbox'
    }
    else {
        if (-not (Get-Module BuzzKeyMgmt)) { Import-Module BuzzKeyMgmt }
        $script:Target = $Environment
    }

    # One drill; against a real environment with the codes and approvers it needs.
    function Invoke-TestDrill([string] $Scenario) {
        $drill = @{ Environment = $Target; Scenario = $Scenario; ErrorAction = 'Continue'; WarningAction = 'SilentlyContinue' }
        if (-not $OnSandbox) {
            if ($Scenario -ne 'Rotation') { $drill.MfaCode = & $MfaCode 'Emergency'; $drill.RecoveryMfaCode = & $MfaCode 'Recovery' }
            $drill.ApproverSession = $ApproverSession
        }
        Invoke-KeyRevocationDrill @drill
    }

    # The audit rows of a drill's key, with their Details parsed.
    function Get-DrillRows($Report) {
        Get-KeyAuditLog -Environment $Target -KeyId $Report.KeyId | ForEach-Object {
            $_ | Add-Member -NotePropertyName Parsed -NotePropertyValue ($_.Details | ConvertFrom-Json) -PassThru
        }
    }

    # The suite's own reads (Get-KeyStatus, the audit log) use an Admin session of the target; the drills connect what they need.
    if (-not (Get-KeyMgmtSession -All | Where-Object { $_.Environment -eq $Target -and $_.IsCurrent })) { Connect-KeyManagement -Environment $Target -Role Admin }
    $script:Revoke = Invoke-TestDrill Revoke
    $script:RevokeRows = @(Get-DrillRows $Revoke)
}
AfterAll {
    if ($OnSandbox) {
        Disconnect-KeyManagement
        Stop-KeyMgmtSandbox
        $env:XDG_DATA_HOME = $SavedData
        Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
    }
}

Describe 'Revocation drill' {
    It 'passes, with the time to revoke inside the policy''s MTTR target' {
        $Revoke.Status | Should -Be 'Passed' -Because "$($Revoke.FailedStep): $($Revoke.Failure)"
        $Revoke.TimeToRevokeMs | Should -BeGreaterThan 0
        $Revoke.TimeToRevokeMs | Should -BeLessOrEqual ($Revoke.MttrTargetMinutes * 60000)
        $Revoke.MttrMet | Should -BeTrue
        $Revoke.TotalMs | Should -BeGreaterOrEqual $Revoke.TimeToRevokeMs
    }

    It 'revoked through the real path: REVOKE rows of the drill key carry its DrillId' {
        $revokeRow = @($RevokeRows | Where-Object { $_.Operation -eq 'REVOKE' -and $_.Phase -eq 'Completed' })
        $revokeRow.Count | Should -Be 1
        $revokeRow[0].Outcome | Should -Be 'Succeeded'
        $revokeRow[0].Parsed.drillId | Should -Be $Revoke.DrillId
        $revokeRow[0].IncidentId | Should -Match '^INC-\d{4}-\d{6}$'
    }

    It 'proved the probe unreadable once revoked (DisabledException) and readable after the recovery' {
        ($Revoke.Steps | Where-Object Name -eq 'revoke/prove-revoked').Detail | Should -Match 'DisabledException'
        ($Revoke.Steps | Where-Object Name -eq 'revoke/prove-restored').Status | Should -Be 'Passed'
    }

    It 'records every step as a DRILL row with the DrillId, and a report row' {
        $drill = @($RevokeRows | Where-Object { $_.Operation -eq 'DRILL' -and $_.Phase -eq 'Completed' })
        @($drill | Where-Object { $_.Parsed.drillId -ne $Revoke.DrillId }).Count | Should -Be 0
        @($drill.Parsed.details.step) | Should -Contain 'create-key'
        @($drill.Parsed.details.step) | Should -Contain 'cleanup'
        ($drill | Where-Object { $_.Parsed.details.step -eq 'report' }).Outcome | Should -Be 'Succeeded'
    }

    It 'left nothing behind: deletion scheduled, alias removed' {
        $Revoke.NotCleaned | Should -BeNullOrEmpty
        (Get-KeyStatus -KeyId $Revoke.KeyId).State | Should -Be 'PendingDeletion'
        Get-KeyStatus -KeyId $Revoke.Alias -ErrorVariable e -ErrorAction SilentlyContinue
        "$($e[0].FullyQualifiedErrorId)" | Should -Match 'NotFound'
    }
}

Describe 'Recovery drill' {
    It 'recovered with two approvals by people other than the requester' {
        $recover = @($RevokeRows | Where-Object { $_.Operation -eq 'RECOVER' -and $_.Phase -eq 'Completed' })
        $recover.Count | Should -Be 1
        $recover[0].Outcome | Should -Be 'Succeeded'
        $recover[0].Parsed.drillId | Should -Be $Revoke.DrillId
        $approvers = @($recover[0].Approvals | ConvertFrom-Json)
        $approvers.Count | Should -Be 2
        $requester = ($RevokeRows | Where-Object { $_.Operation -eq 'RECOVERY_REQUEST' -and $_.Phase -eq 'Completed' }).Parsed.baseIdentityArn
        $approvers | Should -Not -Contain $requester
        # Approvers act in their own sessions (in the sandbox their own environments, sandbox-approver1 and -2): all environments.
        $approvals = @(Get-KeyAuditLog -KeyId $Revoke.KeyId -Operation APPROVE | Where-Object Phase -eq Completed |
            Where-Object { ($_.Details | ConvertFrom-Json).drillId -eq $Revoke.DrillId })
        $approvals.Count | Should -Be 2
    }

    It 'cancels a scheduled deletion and recovers the key (RevokeAndDelete)' {
        $r = Invoke-TestDrill RevokeAndDelete
        $r.Status | Should -Be 'Passed' -Because "$($r.FailedStep): $($r.Failure)"
        ($r.Steps | Where-Object Name -eq 'delete/prove-revoked').Detail | Should -Match 'KMSInvalidStateException'
        ($r.Steps | Where-Object Name -eq 'delete/restore').Detail | Should -Match 'deletion cancelled'
        $rows = @(Get-DrillRows $r)
        ($rows | Where-Object { $_.Operation -eq 'SCHEDULE_DELETION' -and $_.Phase -eq 'Completed' }).Parsed.drillId | Should -Be $r.DrillId
    }
}

Describe 'Rotation drill' {
    It 'rotates on demand and the old ciphertext still decrypts' {
        $r = Invoke-TestDrill Rotation
        $r.Status | Should -Be 'Passed' -Because "$($r.FailedStep): $($r.Failure)"
        $r.TimeToRevokeMs | Should -BeNullOrEmpty
        ($r.Steps | Where-Object Name -eq 'rotation/prove-old-ciphertext').Detail | Should -Match '1 rotation\(s\) listed; old ciphertext: the probe decrypts'
        $rows = @(Get-DrillRows $r)
        ($rows | Where-Object { $_.Operation -eq 'ROTATE' -and $_.Phase -eq 'Completed' }).Outcome | Should -Be 'Succeeded'
    }
}

Describe 'Audit integrity after the drills' {
    It 'keeps the chain valid, lists the drills and counts a recent passing drill' {
        (Test-KeyAuditIntegrity -Environment $Target).IsValid | Should -BeTrue
        $history = @(Get-KeyDrillHistory -Environment $Target -Last 3)
        $history.Count | Should -Be 3
        $history.DrillId | Should -Contain $Revoke.DrillId
        @($history | Where-Object Status -ne 'Passed').Count | Should -Be 0
        ((Get-KeyCompliance -Summary).Checks | Where-Object Check -eq DrillRecent).Pass | Should -Be 1
    }
}

Describe 'Alert delivery' {
    It 'delivered the revocation''s alert, and the drill''s, with nothing left queued' {
        $revokeRow = $RevokeRows | Where-Object { $_.Operation -eq 'REVOKE' -and $_.Phase -eq 'Completed' }
        $revokeRow.AlertMessageId | Should -Not -BeNullOrEmpty
        ((Get-KeyCompliance -Summary).Checks | Where-Object Check -eq NothingUnsynced).Fail | Should -Be 0
        if ($OnSandbox) {
            $subjects = @(Get-KeyMgmtSandboxMessage | ForEach-Object Subject)
            $subjects | Should -Contain "[sandbox] KEY REVOKED $($Revoke.Alias) ($($revokeRow.IncidentId))"
            @($subjects | Where-Object { $_ -like "*KEY DRILL PASSED $($Revoke.Alias)*" }).Count | Should -Be 1
        }
    }
}

Describe 'Break glass with the audit store down' {
    It 'revokes a key of its own, journals the rows and replays them once the store is back' {
        if (-not $OnSandbox) { Set-ItResult -Skipped -Because 'taking an audit store down needs the sandbox (a store of its own); it never touches a real one'; return }
        $dir = (New-Item -ItemType Directory -Force (Join-Path $Data 'glass')).FullName
        $r = Invoke-FreshPwsh -TimeoutSeconds 180 -Environment @{ XDG_DATA_HOME = $dir; BUZZKEYMGMT_FALLBACK_DIR = (Join-Path $dir 'fallback') } @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-BuiltModulePath)'
`$s = Start-KeyMgmtSandbox -PassThru
`$null = Add-KeyMgmtSandboxKey -Count 1 -AliasPrefix alias/drill-glass-
$(Get-SandboxEnvironmentScript -Name lab -ConfigPath (Join-Path $dir 'environments.json') -StorePath (Join-Path $dir 'store/audit.db'))
`$null = Initialize-KeyAuditStore -Environment lab
Connect-KeyManagement -Environment lab -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042
Rename-Item (Join-Path '$dir' 'store') 'store-away'
`$result = Revoke-EncryptionKey -KeyId alias/drill-glass-1 -IncidentId INC-2026-0042 -Reason 'drill: break glass' -Force -WarningAction SilentlyContinue
"state=`$(`$result.State)"
"journaled=`$(`$result.Journaled)"
Rename-Item (Join-Path '$dir' 'store-away') 'store'
"replayed=`$((Sync-KeyAuditJournal -Environment lab).Replayed)"
"integrity=`$((Test-KeyAuditIntegrity -Environment lab).IsValid)"
"@
        $r.ExitCode | Should -Be 0 -Because (($r.Output -join "`n") + $r.Error)
        $r.Output | Should -Contain 'state=Disabled'
        $r.Output | Should -Contain 'journaled=True'
        $r.Output | Should -Contain 'replayed=2'
        $r.Output | Should -Contain 'integrity=True'
    }
}

Describe 'A drill that fails' {
    It 'says which step failed and why, still cleans up, and records and alerts the failure' {
        if (-not $OnSandbox) { Set-ItResult -Skipped -Because 'making a step fail needs the sandbox''s fault injection'; return }
        Set-KeyMgmtSandboxFault -Operation KMS.EnableKey -Kind InternalError -Count 20
        try {
            $r = Invoke-KeyRevocationDrill -Environment sandbox -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
        $r.Status | Should -Be 'Failed'
        $r.FailedStep | Should -Be 'revoke/restore'
        $r.Failure | Should -Match 'EnableKey|InternalError|internal'
        "$($e[0].FullyQualifiedErrorId)" | Should -Match '^DrillFailed'
        ($r.Steps | Where-Object Name -eq 'cleanup').Status | Should -Be 'Passed'
        (Get-KeyStatus -KeyId $r.KeyId).State | Should -Be 'PendingDeletion'
        $report = Get-KeyAuditLog -Environment sandbox -KeyId $r.KeyId -Operation DRILL | Where-Object { $_.Phase -eq 'Completed' -and ($_.Details | ConvertFrom-Json).details.step -eq 'report' }
        $report.Outcome | Should -Be 'Failed'
        (Get-KeyDrillHistory -Environment sandbox -Last 1).Status | Should -Be 'Failed'
        @(Get-KeyMgmtSandboxMessage | Where-Object Subject -like "*KEY DRILL FAILED $($r.Alias)*").Count | Should -Be 1
    }
}

Describe 'A drill outside the sandbox' {
    It 'stops at WaitingForApprovals with its key revoked, and passes when resumed with approvers and a Recovery code' {
        if (-not $OnSandbox) { Set-ItResult -Skipped -Because 'this shows the waiting path on a sandbox-backed environment'; return }
        $dir = (New-Item -ItemType Directory -Force (Join-Path $Data 'staging')).FullName
        $r = Invoke-FreshPwsh -TimeoutSeconds 180 -Environment @{ XDG_DATA_HOME = $dir } @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-BuiltModulePath)'
`$s = Start-KeyMgmtSandbox -PassThru
$(Get-SandboxEnvironmentScript -Name staging -ConfigPath (Join-Path $dir 'environments.json') -AlertTopic)
try { `$null = Invoke-KeyRevocationDrill -Environment staging; 'noCode=ran' } catch { "noCode=`$((`$_.FullyQualifiedErrorId -split ',')[0])" }
`$w = Invoke-KeyRevocationDrill -Environment staging -MfaCode (Get-KeyMgmtSandboxMfaCode) -WarningVariable warned -WarningAction SilentlyContinue
"status=`$(`$w.Status)"
"current=`$(@(Get-KeyMgmtSession -All | Where-Object IsCurrent).Count)"
Connect-KeyManagement -Environment staging -Role Admin
"state=`$((Get-KeyStatus -KeyId `$w.KeyId).State)"
"warned=`$([int](@(`$warned) -match 'DrillId').Count)"
"history=`$((Get-KeyDrillHistory -Environment staging -Last 1).Status)"
`$a1 = Connect-KeyManagement -Environment sandbox-approver1 -Role Admin -ChangeId CHG-2026-0107 -NoSwitch
`$a2 = Connect-KeyManagement -Environment sandbox-approver2 -Role Admin -ChangeId CHG-2026-0107 -NoSwitch
`$done = Invoke-KeyRevocationDrill -Environment staging -DrillId `$w.DrillId -RecoveryMfaCode (Get-KeyMgmtSandboxMfaCode) -ApproverSession `$a1, `$a2
"resumed=`$(`$done.Status)"
"sameDrill=`$(`$done.DrillId -eq `$w.DrillId)"
"skipped=`$(@(`$done.Steps | Where-Object Status -eq Skipped).Count)"
"resumedTtr=`$(`$done.TimeToRevokeMs -gt 0 -and `$done.MttrMet)"
"finalState=`$((Get-KeyStatus -KeyId `$w.KeyId).State)"
try { `$null = Invoke-KeyRevocationDrill -Environment staging -DrillId `$w.DrillId; 'again=ran' } catch { "again=`$((`$_.FullyQualifiedErrorId -split ',')[0])" }
"@
        $r.ExitCode | Should -Be 0 -Because (($r.Output -join "`n") + $r.Error)
        $r.Output | Should -Contain 'noCode=EmergencyRoleRequired'
        $r.Output | Should -Contain 'status=WaitingForApprovals'
        $r.Output | Should -Contain 'current=0' -Because 'the drill connects the session it needs without making it current'
        $r.Output | Should -Contain 'current=0' -Because 'the drill connects the session it needs without making it current'
        $r.Output | Should -Contain 'state=Disabled'
        $r.Output | Should -Contain 'warned=1'
        $r.Output | Should -Contain 'history=WaitingForApprovals'
        $r.Output | Should -Contain 'resumed=Passed'
        $r.Output | Should -Contain 'sameDrill=True'
        $r.Output | Should -Contain 'skipped=5'
        $r.Output | Should -Contain 'resumedTtr=True'
        $r.Output | Should -Contain 'finalState=PendingDeletion'
        $r.Output | Should -Contain 'again=DrillFinished'
    }
}
