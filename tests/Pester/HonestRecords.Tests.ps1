# What the audit rows and alerts say (issue 11, points 5-7): the row and the alert name the identity that acted (the
# assumed role) and, apart, the base identity; a RECOVER row lists its approvers; an alert says whether the key was
# revoked, already revoked, refused before any change, or failed after a change was tried; recovery is only for
# revoked keys; KeyNotFound names the account and Region. Through the built module against the sandbox.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-honest-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 8 -AliasPrefix 'alias/hr-'
    $script:Operator = "arn:aws:iam::$($Sandbox.AccountId):user/operator"
    function Connect-Emergency { Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042 }
    function Last-Alert { $m = Get-KeyMgmtSandboxMessage -Last 1; [pscustomobject]@{ Subject = $m.Subject; Body = $m.Message | ConvertFrom-Json; Attributes = $m.Attributes } }
    function Completed([string] $alias, [string] $operation) {
        Get-KeyAuditLog -KeyId $alias -Operation $operation | Where-Object { "$($_.Phase)" -eq 'Completed' } | Select-Object -First 1
    }
}
AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    $env:XDG_DATA_HOME = $SavedData
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'Who acted' {
    It 'an Admin session that takes the Emergency role records the Emergency session as the actor and the user as the base identity' {
        Connect-KeyManagement -Environment sandbox -Role Admin -IncidentId INC-2026-0042
        $admin = (Get-KeyMgmtSession).CallerArn
        $admin | Should -Match ':assumed-role/BuzzKeyMgmtAdmin/'
        $r = Revoke-EncryptionKey alias/hr-1 -IncidentId INC-2026-0042 -Reason 'leak' -MfaCode (Get-KeyMgmtSandboxMfaCode) -Force
        $r.State | Should -Be 'Disabled'
        $row = Completed alias/hr-1 REVOKE
        $row.OperatorArn | Should -Match ':assumed-role/BuzzKeyMgmtEmergency/'
        $row.OperatorArn | Should -Not -Be $admin
        $details = $row.Details | ConvertFrom-Json
        $details.baseIdentityArn | Should -Be $Operator
        $details.actingRole | Should -Be 'Emergency'
        $alert = Last-Alert
        $alert.Body.operatorArn | Should -Be $row.OperatorArn
        $alert.Body.baseIdentityArn | Should -Be $Operator
    }

    It 'a RECOVER row lists the approvers, and names the Recovery session that acted' {
        Connect-Emergency
        $null = Revoke-EncryptionKey alias/hr-2 -IncidentId INC-2026-0042 -Reason 'leak' -Force
        Connect-KeyManagement -Environment sandbox -Role Admin -ChangeId CHG-2026-0107
        $req = Request-KeyRecovery alias/hr-2 -ChangeId CHG-2026-0107 -Reason 'false alarm'
        foreach ($who in 'approver1', 'approver2') {
            Connect-KeyManagement -Environment "sandbox-$who" -Role None
            $null = Approve-KeyRecovery $req.RequestId
        }
        Connect-KeyManagement -Environment sandbox -Role Admin -ChangeId CHG-2026-0107
        $r = Restore-EncryptionKey alias/hr-2 -ChangeId CHG-2026-0107 -MfaCode (Get-KeyMgmtSandboxMfaCode) -Confirm:$false
        $r.State | Should -Be 'Enabled'
        $row = Completed alias/hr-2 RECOVER
        @($row.Approvals | ConvertFrom-Json) | Should -Be @("arn:aws:iam::$($Sandbox.AccountId):user/approver1", "arn:aws:iam::$($Sandbox.AccountId):user/approver2")
        $row.OperatorArn | Should -Match ':assumed-role/BuzzKeyMgmtRecovery/'
        ($row.Details | ConvertFrom-Json).baseIdentityArn | Should -Be $Operator
        Test-KeyAuditIntegrity | ForEach-Object { $_.IsValid | Should -BeTrue }
    }
}

Describe 'Alerts that mean what they say' {
    It 'a real revocation is key.revoke.succeeded, critical' {
        Connect-Emergency
        $null = Revoke-EncryptionKey alias/hr-3 -IncidentId INC-2026-0042 -Reason 'leak' -Force
        $a = Last-Alert
        ($a.Body.event, $a.Body.outcome, $a.Body.severity) | Should -Be @('key.revoke.succeeded', 'Succeeded', 'critical')
        $a.Subject | Should -Be '[sandbox] KEY REVOKED alias/hr-3 (INC-2026-0042)'
    }

    It 're-revoking a disabled key is its own info event, not a second KEY REVOKED' {
        Connect-Emergency
        $sent = $Sandbox.RequestCount('KMS.DisableKey')
        $r = Revoke-EncryptionKey alias/hr-3 -IncidentId INC-2026-0042 -Reason 'again' -Force
        $r.State | Should -Be 'Disabled'
        $Sandbox.RequestCount('KMS.DisableKey') | Should -Be $sent
        $a = Last-Alert
        ($a.Body.event, $a.Body.outcome, $a.Body.severity) | Should -Be @('key.revoke.unchanged', 'Unchanged', 'info')
        $a.Subject | Should -Be '[sandbox] KEY ALREADY REVOKED alias/hr-3 (INC-2026-0042)'
        $a.Attributes['severity'].Value | Should -Be 'info'
    }

    It 'a typo in the alias is a warning that nothing was changed, not a critical failure, and names the account and Region' {
        Connect-Emergency
        Revoke-EncryptionKey alias/hr-typo -IncidentId INC-2026-0042 -Reason 'typo' -Force -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'KeyNotFound,*'
        $e[0].Exception.Message | Should -Match "account $($Sandbox.AccountId), $($Sandbox.Region)"
        $a = Last-Alert
        ($a.Body.event, $a.Body.outcome, $a.Body.severity) | Should -Be @('key.revoke.refused', 'Refused', 'warning')
        $a.Subject | Should -Be '[sandbox] KEY REVOKE REFUSED alias/hr-typo (INC-2026-0042)'
    }

    It 'a revocation that AWS fails after it was sent is critical key.revoke.failed' {
        Connect-Emergency
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind InternalError -Probability 1
        try {
            Revoke-EncryptionKey alias/hr-4 -IncidentId INC-2026-0042 -Reason 'denied' -Force -ErrorVariable e -ErrorAction SilentlyContinue
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
        $e[0].FullyQualifiedErrorId | Should -BeLike 'AwsUnavailable,*'
        $a = Last-Alert
        ($a.Body.event, $a.Body.outcome, $a.Body.severity) | Should -Be @('key.revoke.failed', 'Failed', 'critical')
        $a.Subject | Should -Match 'KEY REVOKE FAILED alias/hr-4'
    }
}

Describe 'Recovery is for revoked keys' {
    It 'refuses a request for an Enabled key that was never revoked, naming its state, before anything is written or sent' {
        Connect-KeyManagement -Environment sandbox -Role Admin -ChangeId CHG-2026-0107
        $messages = @(Get-KeyMgmtSandboxMessage).Count
        Request-KeyRecovery alias/hr-5 -ChangeId CHG-2026-0107 -Reason 'never revoked' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'KeyNotRevoked,*'
        $e[0].Exception.Message | Should -Match 'is Enabled, not revoked'
        @(Get-KeyAuditLog -KeyId alias/hr-5).Count | Should -Be 0
        @(Get-KeyMgmtSandboxMessage).Count | Should -Be $messages
    }

    It 'refuses a Disabled key that has no revocation on record (disabled outside the module)' {
        $kms = New-SandboxKmsClient $Sandbox
        $keyId = $kms.DescribeKeyAsync([Amazon.KeyManagementService.Model.DescribeKeyRequest]@{ KeyId = 'alias/hr-6' }).GetAwaiter().GetResult().KeyMetadata.KeyId
        $null = $kms.DisableKeyAsync([Amazon.KeyManagementService.Model.DisableKeyRequest]@{ KeyId = $keyId }).GetAwaiter().GetResult()
        Connect-KeyManagement -Environment sandbox -Role Admin -ChangeId CHG-2026-0107
        Request-KeyRecovery alias/hr-6 -ChangeId CHG-2026-0107 -Reason 'console disable' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'NoRevocationOnRecord,*'
        @(Get-KeyAuditLog -KeyId alias/hr-6).Count | Should -Be 0
    }
}
