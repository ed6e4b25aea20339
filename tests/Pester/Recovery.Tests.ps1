# Four-eyes recovery (issue 6, points 2-3) against the sandbox: request, two approvals by other people, restore with
# every precondition checked first; Test-KeyAccess. Audited in a real SQLite store.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-recover-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 10 -AliasPrefix 'alias/rc-'
    function As([string] $who, [string] $role = 'Recovery') {
        $env = if ($who -eq 'operator') { 'sandbox' } else { "sandbox-$who" }
        Connect-KeyManagement -Environment $env -Role $role -MfaCode (Get-KeyMgmtSandboxMfaCode -UserName $who) -ChangeId CHG-2026-0107
    }
    function Revoke([string] $alias, [switch] $Schedule) {
        Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042
        $null = Revoke-EncryptionKey $alias -IncidentId INC-2026-0042 -Reason 'suspected leak' -ScheduleDeletion:$Schedule -Force
    }
    function Approved([string] $alias) {
        As operator
        $req = Request-KeyRecovery $alias -ChangeId CHG-2026-0107 -Reason 'false alarm'
        As approver1; $null = Approve-KeyRecovery $req.RequestId
        As approver2; $null = Approve-KeyRecovery $req.RequestId
        As operator
        $req
    }
}
AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    $env:XDG_DATA_HOME = $SavedData
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'Request-KeyRecovery and Approve-KeyRecovery' {
    BeforeAll { Revoke alias/rc-1 }

    It 'records a request by the caller and approvals by two other principals' {
        As operator
        $req = Request-KeyRecovery alias/rc-1 -ChangeId CHG-2026-0107 -Reason 'false alarm'
        $req.RequestedBy | Should -Match ':user/operator$'
        "$($req.Status)" | Should -Be 'Pending'
        $req.ApprovalsRequired | Should -Be 2
        As approver1
        "$((Approve-KeyRecovery $req.RequestId).Status)" | Should -Be 'Pending'
        As approver2
        $done = Approve-KeyRecovery $req.RequestId
        "$($done.Status)" | Should -Be 'Approved'
        @($done.Approvals.ApprovedBy) | Should -Be @("arn:aws:iam::$($Sandbox.AccountId):user/approver1", "arn:aws:iam::$($Sandbox.AccountId):user/approver2")
        @(Get-KeyAuditLog -Operation APPROVE -ChangeId CHG-2026-0107).Count | Should -BeGreaterOrEqual 4
    }

    It 'refuses self-approval and a second approval by the same principal' {
        As operator
        $req = Request-KeyRecovery alias/rc-1 -ChangeId CHG-2026-0108 -Reason 'second request'
        Approve-KeyRecovery $req.RequestId -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'SelfApproval,*'
        "$($e1[0].CategoryInfo.Category)" | Should -Be 'PermissionDenied'
        As approver1
        $null = Approve-KeyRecovery $req.RequestId
        Approve-KeyRecovery $req.RequestId -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'DuplicateApproval,*'
    }

    It 'refuses an expired request' {
        As operator
        $req = Request-KeyRecovery alias/rc-1 -ChangeId CHG-2026-0109 -Reason 'late'
        Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Hours 25)
        As approver1
        Approve-KeyRecovery $req.RequestId -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'RecoveryRequestExpired,*'
    }
}

Describe 'Restore-EncryptionKey' {
    It 'restores a key pending deletion after two approvals: cancel, enable, verify, access test' {
        Revoke alias/rc-2 -Schedule
        $req = Approved alias/rc-2
        $r = Restore-EncryptionKey alias/rc-2 -ChangeId CHG-2026-0107 -Confirm:$false
        $r.PreviousState | Should -Be 'PendingDeletion'
        $r.DeletionCancelled | Should -BeTrue
        $r.State | Should -Be 'Enabled'
        $r.Verified | Should -BeTrue
        $r.AccessTestPassed | Should -BeTrue
        $r.RequestId | Should -Be $req.RequestId
        (Get-KeyStatus alias/rc-2).State | Should -Be 'Enabled'
        "$((Get-KeyAuditLog -KeyId alias/rc-2 -Operation RECOVER -Last 1).Outcome)" | Should -Be 'Succeeded'
    }

    It 'refuses without the approvals, says so, records it and leaves the key alone' {
        Revoke alias/rc-3
        As operator
        $null = Request-KeyRecovery alias/rc-3 -ChangeId CHG-2026-0107 -Reason 'no approvals yet'
        Restore-EncryptionKey alias/rc-3 -ChangeId CHG-2026-0107 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ApprovalsMissing,*'
        $e[0].Exception.Message | Should -Match '0 of 2 required approvals'
        (Get-KeyStatus alias/rc-3).State | Should -Be 'Disabled'
        (Get-KeyAuditLog -KeyId alias/rc-3 -Operation RECOVER -Last 1).ErrorCode | Should -Be 'ApprovalsMissing'
    }

    It 'refuses after the recovery window (the clock is advanced past 7 days)' {
        Revoke alias/rc-4
        Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Days 8)
        $null = Approved alias/rc-4          # a fresh, approved request: only the window is wrong
        Restore-EncryptionKey alias/rc-4 -ChangeId CHG-2026-0107 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'RecoveryWindowPassed,*'
        $e[0].Exception.Message | Should -Match '7-day recovery window'
        (Get-KeyStatus alias/rc-4).State | Should -Be 'Disabled'
    }

    It 'refuses a deleted key' {
        Revoke alias/rc-5 -Schedule
        $null = Approved alias/rc-5
        $keyId = (Get-KeyAuditLog -KeyId alias/rc-5 -Last 1).KeyId
        Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Days 8)
        As operator
        Restore-EncryptionKey $keyId -ChangeId CHG-2026-0107 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'KeyDeleted,*'
        (Get-KeyAuditLog -KeyId $keyId -Operation RECOVER -Last 1).ErrorCode | Should -Be 'KeyDeleted'
    }
}

Describe 'Test-KeyAccess' {
    It 'round-trips an enabled key and audits it; a disabled key does not pass' {
        As operator
        $ok = Test-KeyAccess alias/rc-6
        $ok.Passed | Should -BeTrue
        (Get-KeyAuditLog -KeyId alias/rc-6 -Operation ACCESS_TEST -Last 1).Outcome | Should -Be 'Succeeded'
        Revoke alias/rc-7
        As operator
        $bad = Test-KeyAccess alias/rc-7
        $bad.Passed | Should -BeFalse
        $bad.Error | Should -Match 'disabled'
    }

    It 'needs the Recovery role' {
        Connect-KeyManagement -Environment sandbox -Role Admin
        Test-KeyAccess alias/rc-8 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'RecoveryRoleRequired,*'
        (Test-KeyAccess alias/rc-8 -MfaCode (Get-KeyMgmtSandboxMfaCode)).Passed | Should -BeTrue
    }
}
