# Connect-KeyManagement, Get-KeyMgmtSession, Disconnect-KeyManagement (issue 4, point 2) against the sandbox.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
}

Describe 'Connect-KeyManagement' {
    BeforeAll { $script:Sandbox = Start-KeyMgmtSandbox -PassThru }
    AfterAll { Disconnect-KeyManagement; Stop-KeyMgmtSandbox }

    It 'assumes the Emergency role with MFA: caller, operator, incident in the session name, at most one hour' {
        $s = Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042 -PassThru
        $s.Environment | Should -Be 'sandbox'
        "$($s.Role)" | Should -Be 'Emergency'
        $s.CallerArn | Should -Be "arn:aws:sts::$($Sandbox.AccountId):assumed-role/BuzzKeyMgmtEmergency/operator@INC-2026-0042"
        $s.Operator | Should -Be 'operator'
        $s.IncidentId | Should -Be 'INC-2026-0042'
        $left = ($s.ExpiresAt - $Sandbox.Clock.GetUtcNow()).TotalSeconds
        $left | Should -BeLessOrEqual 3600
        $left | Should -BeGreaterThan 3500
        (Get-KeyMgmtSession).CallerArn | Should -Be $s.CallerArn
    }

    It 'does not expose the session''s credentials as properties' {
        $s = Get-KeyMgmtSession
        $s.PSObject.Properties.Name | Should -Not -Contain 'Credentials'
        ($s | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($Sandbox.Users[0].SecretAccessKey))
    }

    It 'Admin needs no MFA; Role None keeps the base credentials' {
        (Connect-KeyManagement -Environment sandbox -Role Admin -PassThru).CallerArn | Should -Match 'assumed-role/BuzzKeyMgmtAdmin/operator@'
        $none = Connect-KeyManagement -Environment sandbox -Role None -PassThru
        $none.CallerArn | Should -Be ($Sandbox.Users | Where-Object Name -eq operator).Arn
        $none.ExpiresAt | Should -BeNullOrEmpty
    }

    It 'a wrong MFA code gives an error that says so, not an SDK dump' {
        $code = Get-KeyMgmtSandboxMfaCode
        $wrong = '{0:D6}' -f (([int]$code + 500000) % 1000000)
        $err = { Connect-KeyManagement -Environment sandbox -Role Recovery -MfaCode $wrong } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MfaCodeRejected,BuzzKeyMgmt.Cmdlets.Identity.ConnectKeyManagementCommand'
        "$($err.CategoryInfo.Category)" | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match 'MFA code'
        $err.Exception.Message | Should -Not -Match 'Amazon\.|Exception'
        $err.ErrorDetails.RecommendedAction | Should -Match 'current code'
    }

    It 'Emergency without -MfaCode is refused with what to pass' {
        $err = { Connect-KeyManagement -Environment sandbox -Role Emergency } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'MfaRequired,*'
        $err.Exception.Message | Should -Match '-MfaCode'
    }

    It 'a malformed MFA code is stopped at binding' {
        { Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode 12345 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Connect-KeyManagement -Environment sandbox -Role Sideways } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'an unknown environment names the known ones' {
        $err = { Connect-KeyManagement -Environment nowhere } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'EnvironmentNotFound,*'
        $err.Exception.Message | Should -Match 'sandbox'
    }

    It 'approvers connect as themselves (separation of duties)' {
        $a = Connect-KeyManagement -Environment sandbox-approver1 -Role Recovery -MfaCode (Get-KeyMgmtSandboxMfaCode -UserName approver1) -ChangeId CHG-2026-0107 -PassThru
        $a.Operator | Should -Be 'approver1'
        $a.CallerArn | Should -Match 'assumed-role/BuzzKeyMgmtRecovery/approver1@CHG-2026-0107$'
    }
}

Describe 'Session expiry' {
    BeforeEach { Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042 }
    AfterEach { Disconnect-KeyManagement; Stop-KeyMgmtSandbox }

    It 'warns under 5 minutes left' {
        Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Minutes 57)
        $null = Get-KeyMgmtSession -WarningVariable w -WarningAction SilentlyContinue
        $w | Should -Match 'expires in'
    }

    It 'an expired session stops the next cmdlet with how to reconnect' {
        Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Hours 2)
        $err = { Get-KeyStatus -KeyId alias/anything } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'SessionExpired,BuzzKeyMgmt.Cmdlets.Status.GetKeyStatusCommand'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode'
    }
}

Describe 'No session' {
    It 'a cmdlet that needs a session says to connect' {
        Disconnect-KeyManagement
        $err = { Get-KeyStatus -KeyId alias/anything } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'NotConnected,BuzzKeyMgmt.Cmdlets.Status.GetKeyStatusCommand'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Connect-KeyManagement'
        Get-KeyMgmtSession | Should -BeNullOrEmpty
    }
}
