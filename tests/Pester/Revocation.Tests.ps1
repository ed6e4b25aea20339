# Revoke-EncryptionKey (issue 6, point 1 and parts of 7) against the sandbox, audited in a real SQLite store.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-revoke-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 40 -AliasPrefix 'alias/rk-'
    # The operations recorded for a key: one per distinct OperationId (a Started and a Completed row each).
    function Get-Pairs([string] $keyOrAlias) { @(Get-KeyAuditLog -KeyId $keyOrAlias | ForEach-Object { "$($_.OperationId)" } | Sort-Object -Unique) }
    function Connect-Emergency { Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042 }
}
AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    $env:XDG_DATA_HOME = $SavedData
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'Revoke-EncryptionKey' {
    BeforeEach { Connect-Emergency }

    It 'disables the key, reads it back and writes a Started and a Completed audit row' {
        $r = Revoke-EncryptionKey -KeyId alias/rk-1 -IncidentId INC-2026-0042 -Reason 'leaked credentials' -Force
        $r.GetType().FullName | Should -Be 'BuzzKeyMgmt.Engine.Operations.Revocation.RevocationResult'
        $r.Alias | Should -Be 'alias/rk-1'
        $r.PreviousState | Should -Be 'Enabled'
        $r.State | Should -Be 'Disabled'
        $r.Verified | Should -BeTrue
        $r.Journaled | Should -BeFalse
        $r.StepMilliseconds.Keys | Should -Contain 'disable'
        (Get-KeyStatus alias/rk-1).State | Should -Be 'Disabled'
        $rows = @(Get-KeyAuditLog -KeyId $r.KeyId)
        $rows.Count | Should -Be 2
        @($rows.Phase | ForEach-Object { "$_" } | Sort-Object) | Should -Be @('Completed', 'Started')
        ($rows | Where-Object { "$($_.Phase)" -eq 'Completed' }).AuditId | Should -Be $r.AuditId
        "$(($rows | Where-Object { "$($_.Phase)" -eq 'Completed' }).Outcome)" | Should -Be 'Succeeded'
        $rows[0].Operation | Should -Be 'REVOKE'
        $rows[0].IncidentId | Should -Be 'INC-2026-0042'
        $rows[0].Reason | Should -Be 'leaked credentials'
        $rows[0].IsEmergency | Should -BeTrue
        $rows[0].OperatorArn | Should -Match 'assumed-role/BuzzKeyMgmtEmergency/operator@INC-2026-0042'
        (Test-KeyAuditIntegrity).IsValid | Should -BeTrue
    }

    It 'is idempotent: an already disabled key is reported as such, with an audit pair, not an error' {
        $null = Revoke-EncryptionKey -KeyId alias/rk-2 -IncidentId INC-2026-0042 -Reason 'first' -Force
        $again = Revoke-EncryptionKey -KeyId alias/rk-2 -IncidentId INC-2026-0042 -Reason 'second' -Force -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $again.AlreadyRevoked | Should -BeTrue
        $again.PreviousState | Should -Be 'Disabled'
        (Get-Pairs $again.KeyId).Count | Should -Be 2
        @(Get-KeyAuditLog -KeyId $again.KeyId).Count | Should -Be 4
    }

    It 'schedules deletion with the window asked for and reads back PendingDeletion' {
        $r = Revoke-EncryptionKey -KeyId alias/rk-3 -IncidentId INC-2026-0042 -Reason 'retire' -ScheduleDeletion -PendingWindowDays 7 -Force
        $r.State | Should -Be 'PendingDeletion'
        ($r.DeletionDate - $Sandbox.Clock.GetUtcNow()).TotalDays | Should -BeGreaterThan 6.9
        (Get-KeyAuditLog -KeyId $r.KeyId -Last 1).Operation | Should -Be 'SCHEDULE_DELETION'
    }

    It 'pipes 20 keys with one missing: 19 revoked, 1 KeyNotFound error, 20 audit pairs' {
        $before = @(Get-KeyAuditLog).Count
        $refs = (11..29 | ForEach-Object { "alias/rk-$_" }) + 'alias/rk-missing'
        $out = @($refs | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason 'bulk' -Force -MaxKeys 20 -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 19
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'KeyNotFound,BuzzKeyMgmt.Cmdlets.Revocation.RevokeEncryptionKeyCommand'
        (@(Get-KeyAuditLog).Count - $before) | Should -Be 40
        "$((Get-KeyAuditLog -KeyId alias/rk-missing | Where-Object { "$($_.Phase)" -eq 'Completed' }).Outcome)" | Should -Be 'Failed'
    }

    It 'retries through throttling and a 503 on DisableKey: one audit pair, verified' {
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind Throttling -Count 1
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind DependencyTimeout -Count 1
        try {
            $r = Revoke-EncryptionKey -KeyId alias/rk-4 -IncidentId INC-2026-0042 -Reason 'flaky' -Force
            $r.Verified | Should -BeTrue
            $r.State | Should -Be 'Disabled'
            (Get-Pairs $r.KeyId).Count | Should -Be 1
            @($Sandbox.Faults.Rules | Measure-Object Applied -Sum).Sum | Should -Be 2
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
    }

    It 'honours -WhatIf: nothing changes and nothing is written' {
        $before = @(Get-KeyAuditLog).Count
        Revoke-EncryptionKey -KeyId alias/rk-5 -IncidentId INC-2026-0042 -Reason 'what if' -WhatIf
        (Get-KeyStatus alias/rk-5).State | Should -Be 'Enabled'
        @(Get-KeyAuditLog).Count | Should -Be $before
    }
}

Describe 'Revoke-EncryptionKey refusals' {
    It 'an Admin session without -MfaCode is denied, and the attempt is audited' {
        Connect-KeyManagement -Environment sandbox -Role Admin
        Revoke-EncryptionKey -KeyId alias/rk-6 -IncidentId INC-2026-0042 -Reason 'admin tries' -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'EmergencyRoleRequired,*'
        "$($errs[0].CategoryInfo.Category)" | Should -Be 'PermissionDenied'
        (Get-KeyStatus alias/rk-6).State | Should -Be 'Enabled'
        "$((Get-KeyAuditLog -KeyId alias/rk-6 | Where-Object { "$($_.Phase)" -eq 'Completed' }).Outcome)" | Should -Be 'Failed'
    }

    It 'an Admin session with -MfaCode takes the Emergency role for the revocation' {
        Connect-KeyManagement -Environment sandbox -Role Admin
        $r = Revoke-EncryptionKey -KeyId alias/rk-7 -IncidentId INC-2026-0042 -Reason 'elevated' -MfaCode (Get-KeyMgmtSandboxMfaCode) -Force
        $r.State | Should -Be 'Disabled'
    }

    It 'a wrong MFA code is refused with an error that says so, and audited' {
        Connect-KeyManagement -Environment sandbox -Role Admin
        $wrong = '{0:D6}' -f (([int](Get-KeyMgmtSandboxMfaCode) + 500000) % 1000000)
        Revoke-EncryptionKey -KeyId alias/rk-8 -IncidentId INC-2026-0042 -Reason 'bad mfa' -MfaCode $wrong -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'MfaCodeRejected,*'
        (Get-KeyStatus alias/rk-8).State | Should -Be 'Enabled'
        "$((Get-KeyAuditLog -KeyId alias/rk-8 | Where-Object { "$($_.Phase)" -eq 'Completed' }).ErrorCode)" | Should -Be 'MfaCodeRejected'
    }

    It 'bad input is stopped before any AWS call and before anything is written' {
        Connect-Emergency
        $before = @(Get-KeyAuditLog).Count
        { Revoke-EncryptionKey -KeyId alias/rk-9 -IncidentId 'incident 42' -Reason 'x' -Force } | Should -Throw -ErrorId 'IncidentIdInvalid,*'
        { Revoke-EncryptionKey -KeyId alias/rk-9 -IncidentId INC-2026-0042 -Reason ('x' * 1001) -Force } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Revoke-EncryptionKey -KeyId 'rk 9' -IncidentId INC-2026-0042 -Reason 'x' -Force } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Revoke-EncryptionKey -KeyId alias/rk-9 -IncidentId INC-2026-0042 -Reason 'x' -PendingWindowDays 6 -ScheduleDeletion -Force } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Revoke-EncryptionKey -KeyId alias/rk-9 -IncidentId INC-2026-0042 -Reason 'x' -PendingWindowDays 10 -Force } | Should -Throw -ErrorId 'PendingWindowWithoutDeletion,*'
        @(Get-KeyAuditLog).Count | Should -Be $before
        (Get-KeyStatus alias/rk-9).State | Should -Be 'Enabled'
    }
}
