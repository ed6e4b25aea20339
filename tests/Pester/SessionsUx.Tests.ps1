# Issue 14, points 1, 2, 3 and 5 against the sandbox and a real SQLite store: named sessions that never switch in
# silence, recovery requests you can find and pipe, Tab completion through TabExpansion2, audit filters that refuse
# what cannot match instead of answering "nothing".
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:Saved = @{}
    foreach ($name in 'XDG_DATA_HOME', 'BUZZKEYMGMT_CONFIG', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE') {
        $Saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-sux-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $env:BUZZKEYMGMT_CONFIG = Join-Path $Data 'environments.json'
    $env:AWS_PROFILE = $null
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $operator = $Sandbox.Users | Where-Object Name -eq operator
    # A production environment served by the sandbox (for the prompt's PRODUCTION tag): base credentials from the
    # standard chain, here the sandbox operator's keys in the environment variables.
    Set-Content -Path $env:BUZZKEYMGMT_CONFIG -Value (@{ environments = @{ prodsim = @{
        region = 'us-east-1'; accountId = $Sandbox.AccountId; production = $true; endpointUrl = $Sandbox.Endpoint
        roles = @{ admin = $Sandbox.AdminRoleArn } } } } | ConvertTo-Json -Depth 5)
    $env:AWS_ACCESS_KEY_ID = $operator.AccessKeyId
    $env:AWS_SECRET_ACCESS_KEY = $operator.SecretAccessKey
    $null = Add-KeyMgmtSandboxKey -Count 6 -AliasPrefix 'alias/ux-'
    function Complete([string] $line) { @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) }
    function Code([string] $user = 'operator') { Get-KeyMgmtSandboxMfaCode -UserName $user }
}
AfterAll {
    Disconnect-KeyManagement -All
    Stop-KeyMgmtSandbox
    foreach ($name in $Saved.Keys) { [Environment]::SetEnvironmentVariable($name, $Saved[$name]) }
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'Named sessions (point 1)' {
    BeforeEach { Disconnect-KeyManagement -All }

    It 'a session is named environment/role, current, and listed by -All' {
        Connect-KeyManagement -Environment sandbox
        $s = Get-KeyMgmtSession
        $s.Name | Should -Be 'sandbox/Admin'
        $s.IsCurrent | Should -BeTrue
        @((Get-KeyMgmtSession -All).Name) | Should -Be @('sandbox/Admin')
    }

    It '-NoSwitch returns an approver session without replacing the current one; -Session acts with it' {
        Connect-KeyManagement -Environment sandbox
        $mine = Get-KeyMgmtSession
        $approver = Connect-KeyManagement -Environment sandbox-approver1 -NoSwitch
        $approver.Name | Should -Be 'sandbox-approver1/Admin'
        $approver.IsCurrent | Should -BeFalse
        (Get-KeyMgmtSession).CallerArn | Should -Be $mine.CallerArn
        $mine.IsClosed | Should -BeFalse
        @((Get-KeyMgmtSession -All).Name) | Should -Be @('sandbox-approver1/Admin', 'sandbox/Admin')
        @(Get-KeyMgmtSession -All | Where-Object IsCurrent).Name | Should -Be 'sandbox/Admin'
        (Get-KeyMgmtSession -Name 'sandbox-approver1/*').Operator | Should -Be 'approver1'
    }

    It '-NoSwitch under the current session''s default name keeps the current one and names the new one after its operator' {
        Connect-KeyManagement -Environment sandbox
        $mine = Get-KeyMgmtSession
        $other = Connect-KeyManagement -Environment sandbox -NoSwitch
        $other.Name | Should -Be 'sandbox/Admin/operator'
        $mine.IsClosed | Should -BeFalse
        (Get-KeyMgmtSession).Name | Should -Be 'sandbox/Admin'
        [object]::ReferenceEquals((Get-KeyMgmtSession), $mine) | Should -BeTrue
    }

    It 'an explicit -Name that is the current session''s is refused with -NoSwitch before any AWS call (the MFA code stays unspent)' {
        Connect-KeyManagement -Environment sandbox
        $code = Code
        $err = { Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode $code -IncidentId INC-2026-0042 -Name sandbox/Admin -NoSwitch } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SessionNameInUse,*'
        $err.ErrorDetails.RecommendedAction | Should -Match '-Name'
        $e = Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode $code -IncidentId INC-2026-0042 -NoSwitch
        $e.Name | Should -Be 'sandbox/Emergency'
        (Get-KeyMgmtSession).Name | Should -Be 'sandbox/Admin'
    }

    It '-PassThru returns the session and switches to it (documented); the same name again replaces and closes the old one' {
        Connect-KeyManagement -Environment sandbox
        $first = Get-KeyMgmtSession
        $second = Connect-KeyManagement -Environment sandbox-approver2 -Name ops/approver -PassThru
        (Get-KeyMgmtSession).Name | Should -Be 'ops/approver'
        $third = Connect-KeyManagement -Environment sandbox-approver1 -Name OPS/Approver -PassThru
        $second.IsClosed | Should -BeTrue
        $third.Name | Should -Be 'OPS/Approver'
        $first.IsClosed | Should -BeFalse
        @((Get-KeyMgmtSession -All).Name) | Should -Be @('OPS/Approver', 'sandbox/Admin')
    }

    It 'a malformed name is refused at binding' {
        { Connect-KeyManagement -Environment sandbox -Name "ops`e[31m" } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Connect-KeyManagement -Environment sandbox -Name ('a' * 101) } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'Select-KeyMgmtSession switches by name or object; an unknown name names the open ones' {
        Connect-KeyManagement -Environment sandbox
        $a = Connect-KeyManagement -Environment sandbox-approver1 -NoSwitch
        Select-KeyMgmtSession sandbox-approver1/admin
        (Get-KeyMgmtSession).Operator | Should -Be 'approver1'
        $a.IsCurrent | Should -BeTrue
        (Get-KeyMgmtSession -Name sandbox/Admin | Select-KeyMgmtSession -PassThru).Operator | Should -Be 'operator'
        $a.IsCurrent | Should -BeFalse
        $err = { Select-KeyMgmtSession nowhere/Admin } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SessionNotFound,*'
        $err.Exception.Message | Should -Match 'sandbox-approver1/Admin, sandbox/Admin'
    }

    It 'Disconnect-KeyManagement -Name closes that session only; -Session from the pipeline; -All closes every one' {
        Connect-KeyManagement -Environment sandbox
        $a1 = Connect-KeyManagement -Environment sandbox-approver1 -NoSwitch
        $a2 = Connect-KeyManagement -Environment sandbox-approver2 -NoSwitch
        Disconnect-KeyManagement -Name sandbox-approver1/Admin
        $a1.IsClosed | Should -BeTrue
        (Get-KeyMgmtSession).Name | Should -Be 'sandbox/Admin'
        $a2 | Disconnect-KeyManagement
        $a2.IsClosed | Should -BeTrue
        @((Get-KeyMgmtSession -All).Name) | Should -Be @('sandbox/Admin')
        Disconnect-KeyManagement -Name nowhere -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'SessionNotFound,*'
        $null = Connect-KeyManagement -Environment sandbox-approver1 -NoSwitch
        Disconnect-KeyManagement -All
        @(Get-KeyMgmtSession -All).Count | Should -Be 0
        Get-KeyMgmtSession | Should -BeNullOrEmpty
    }

    It 'PromptText tags a production session; the README''s prompt function shows it' {
        $readme = Get-Content -Raw (Join-Path (Get-RepoRoot) 'README.md')
        $m = [regex]::Match($readme, '<!-- prompt-function -->\s*```powershell\s*(?<code>.*?)```', 'Singleline')
        $m.Success | Should -BeTrue -Because 'the README documents a prompt function'
        . ([scriptblock]::Create($m.Groups['code'].Value))
        Connect-KeyManagement -Environment sandbox
        (Get-KeyMgmtSession).PromptText | Should -Match '^sandbox/Admin \d+m$'
        (Get-KeyMgmtSession).IsProduction | Should -BeFalse
        prompt | Should -Match '^\[sandbox/Admin \d+m\] '
        Connect-KeyManagement -Environment prodsim
        $p = Get-KeyMgmtSession
        $p.IsProduction | Should -BeTrue
        $p.PromptText | Should -Match '^prodsim/Admin PRODUCTION \d+m$'
        prompt | Should -Match ([regex]::Escape("`e[97;41m[prodsim/Admin PRODUCTION"))
        Disconnect-KeyManagement
        $p.PromptText | Should -Be 'prodsim/Admin PRODUCTION closed'
        prompt | Should -Not -Match '\['
    }

    It 'every cmdlet that acts with a session takes -Session' {
        # Cmdlets that never act with a session, and why.
        $exempt = @{
            'Connect-KeyManagement'        = 'makes sessions'
            'Get-KeyMgmtSession'           = 'lists sessions'
            'Select-KeyMgmtSession'        = 'takes a session to select (its -Session is the object)'
            'Disconnect-KeyManagement'     = 'takes a session to close (its -Session is the object)'
            'Get-KeyMgmtEnvironment'       = 'reads the configuration file only'
            'Test-SqlConnectionEncryption' = 'a SQL Server connection, no AWS'
        }
        $missing = foreach ($c in Get-Command -Module BuzzKeyMgmt -CommandType Cmdlet) {
            if ($c.Name -like '*-KeyMgmtSandbox*' -or $exempt.ContainsKey($c.Name)) { continue }
            $p = $c.Parameters['Session']
            if (-not $p -or $p.ParameterType.FullName -ne 'BuzzKeyMgmt.Engine.Identity.KeyMgmtSession') { $c.Name }
        }
        @($missing) | Should -BeNullOrEmpty
        (Get-Command Disconnect-KeyManagement).Parameters['Session'].ParameterType.Name | Should -Be 'KeyMgmtSession'
        @(Get-Command -Module BuzzKeyMgmt -CommandType Cmdlet).Count | Should -BeGreaterThan 25
    }
}

Describe 'Get-KeyRecoveryRequest (point 2)' {
    BeforeAll {
        Disconnect-KeyManagement -All
        Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Code) -IncidentId INC-2026-0042
        $null = 'alias/ux-1', 'alias/ux-2', 'alias/ux-3' | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason 'suspected leak' -Force
        Connect-KeyManagement -Environment sandbox -Role Recovery -MfaCode (Code) -ChangeId CHG-2026-0107
        $script:Req1 = Request-KeyRecovery alias/ux-1 -ChangeId CHG-2026-0107 -Reason 'false alarm'
        $script:Req2 = Request-KeyRecovery alias/ux-2 -ChangeId CHG-2026-0108 -Reason 'second'
        $script:A1 = Connect-KeyManagement -Environment sandbox-approver1 -NoSwitch
        $script:A2 = Connect-KeyManagement -Environment sandbox-approver2 -NoSwitch
    }

    It 'lists typed requests newest first, filtered by status, key, change and id' {
        $all = @(Get-KeyRecoveryRequest)
        $all.Count | Should -Be 2
        $all[0].GetType().FullName | Should -Be 'BuzzKeyMgmt.Engine.Audit.RecoveryRequest'
        $all[0].RequestId | Should -Be $Req2.RequestId
        @((Get-KeyRecoveryRequest -Status Pending).RequestId) | Should -Be @($Req2.RequestId, $Req1.RequestId)
        @(Get-KeyRecoveryRequest -Status Approved, Used).Count | Should -Be 0
        (Get-KeyRecoveryRequest -KeyId alias/ux-2).RequestId | Should -Be $Req2.RequestId
        (Get-KeyRecoveryRequest -KeyId $Req1.KeyId).RequestId | Should -Be $Req1.RequestId
        (Get-KeyRecoveryRequest -ChangeId chg-2026-0107).RequestId | Should -Be $Req1.RequestId
        (Get-KeyRecoveryRequest -RequestId $Req1.RequestId).ChangeId | Should -Be 'CHG-2026-0107'
        @(Get-KeyRecoveryRequest -RequestId ([guid]::NewGuid())).Count | Should -Be 0
        (Get-KeyRecoveryRequest -Last 1 | Format-Table | Out-String -Width 120) | Should -Match 'RequestId\s+Key\s+ChangeId\s+Status'
    }

    It 'refuses a status it does not know and an unknown environment' {
        { Get-KeyRecoveryRequest -Status Waiting } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Get-KeyRecoveryRequest -Environment nowhere } | Should -Throw -ErrorId 'EnvironmentNotFound,*'
    }

    It 'pipes into Approve-KeyRecovery (as each approver''s session) and Restore-EncryptionKey; then the request is Used' {
        $approved = Get-KeyRecoveryRequest -Status Pending -ChangeId CHG-2026-0107 | Approve-KeyRecovery -Session $A1
        "$($approved.Status)" | Should -Be 'Pending'
        $approved = Get-KeyRecoveryRequest -Status Pending -ChangeId CHG-2026-0107 | Approve-KeyRecovery -Session $A2
        "$($approved.Status)" | Should -Be 'Approved'
        @($approved.Approvals.ApprovedBy) | Should -Be @("arn:aws:iam::$($Sandbox.AccountId):user/approver1", "arn:aws:iam::$($Sandbox.AccountId):user/approver2")
        (Get-KeyMgmtSession).Name | Should -Be 'sandbox/Recovery'   # the approvals never switched the current session
        $restored = Get-KeyRecoveryRequest -Status Approved | Restore-EncryptionKey -Confirm:$false
        $restored.RequestId | Should -Be $Req1.RequestId
        $restored.State | Should -Be 'Enabled'
        $used = Get-KeyRecoveryRequest -Status Used
        $used.RequestId | Should -Be $Req1.RequestId
        "$($used.Status)" | Should -Be 'Completed'
        (Get-KeyRecoveryRequest -Status Completed).RequestId | Should -Be $Req1.RequestId
    }

    It 'after 24 hours an unapproved request is Expired, not Pending' {
        Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Hours 25)
        (Get-KeyRecoveryRequest -Status Expired).RequestId | Should -Be $Req2.RequestId
        @(Get-KeyRecoveryRequest -Status Pending).Count | Should -Be 0
        "$((Get-KeyRecoveryRequest -RequestId $Req1.RequestId).Status)" | Should -Be 'Completed'
    }
}

Describe 'Tab completion (point 3)' {
    BeforeAll {
        Disconnect-KeyManagement -All
        Connect-KeyManagement -Environment sandbox
        $script:AwsDir = (New-Item -ItemType Directory (Join-Path $Data 'aws')).FullName
        Set-Content (Join-Path $AwsDir 'config') "[default]`nregion = us-east-1`n[profile ops-admin]`nrole_arn = x`n[profile with space]`n[sso-session corp]`nsso_region = us-east-1`n[services local]`n"
        Set-Content (Join-Path $AwsDir 'credentials') "[approver1]`naws_access_key_id = AKIAEXAMPLE`n[default]`n"
        $env:AWS_CONFIG_FILE = Join-Path $AwsDir 'config'
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $AwsDir 'credentials'
    }

    It '-Environment: the file''s and the sandbox''s environments' {
        $c = Complete 'Connect-KeyManagement -Environment '
        foreach ($e in 'prodsim', 'sandbox', 'sandbox-approver1', 'sandbox-approver2') { $c | Should -Contain $e }
        Complete 'Get-KeyAuditLog -Environment sandbox-a' | Should -Be @('sandbox-approver1', 'sandbox-approver2')
        Complete 'Test-KeyMgmtEnvironment -Environment PROD' | Should -Be @('prodsim')
    }

    It 'a malformed environments file still offers the sandbox''s environments, and Tab never throws' {
        $saved = Get-Content -Raw $env:BUZZKEYMGMT_CONFIG
        try {
            Set-Content -Path $env:BUZZKEYMGMT_CONFIG -Value '{ "environments": { "broken": '
            Complete 'Get-KeyAuditLog -Environment sand' | Should -Be @('sandbox', 'sandbox-approver1', 'sandbox-approver2', 'sandbox-trainee')
            Complete 'Connect-KeyManagement -Region eu-west-2' | Should -Be @('eu-west-2')
        } finally {
            Set-Content -Path $env:BUZZKEYMGMT_CONFIG -Value $saved
        }
    }

    It '-Name: the open sessions' {
        $null = Connect-KeyManagement -Environment sandbox-approver1 -NoSwitch
        Complete 'Select-KeyMgmtSession ' | Should -Be @('sandbox-approver1/Admin', 'sandbox/Admin')
        Complete 'Disconnect-KeyManagement -Name sandbox/' | Should -Be @('sandbox/Admin')
    }

    It '-Operation: the known operations, whatever case is typed' {
        Complete 'Get-KeyAuditLog -Operation rev' | Should -Be @('REVOKE')
        Complete 'Get-KeyAuditLog -Operation re' | Should -Be @('REVOKE', 'RECOVERY_REQUEST', 'RECOVER', 'RECONCILE')
        (Complete 'Get-KeyAuditLog -Operation ').Count | Should -Be 12
    }

    It '-Region: Region codes' {
        $c = Complete 'Connect-KeyManagement -Region eu-west-'
        $c | Should -Contain 'eu-west-1'
        $c | Should -Contain 'eu-west-2'
        $c | Should -Not -Contain 'us-east-1'
    }

    It '-ProfileName: profiles of the AWS config and credentials files (quoted when needed), not other sections' {
        $c = Complete 'Connect-KeyManagement -ProfileName '
        $c | Should -Be @('approver1', 'default', 'ops-admin', "'with space'")
        Complete 'Connect-KeyManagement -ProfileName ops' | Should -Be @('ops-admin')
    }

    It '-RequestId: the pending requests of the session''s store' {
        Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Code) -IncidentId INC-2026-0042
        $null = Revoke-EncryptionKey alias/ux-4 -IncidentId INC-2026-0042 -Reason 'tab test' -Force
        Connect-KeyManagement -Environment sandbox -Role Recovery -MfaCode (Code) -ChangeId CHG-2026-0300
        $req = Request-KeyRecovery alias/ux-4 -ChangeId CHG-2026-0300 -Reason 'tab test'
        $pending = @((Get-KeyRecoveryRequest -Status Pending).RequestId | ForEach-Object { "$_" })
        $pending | Should -Contain "$($req.RequestId)"
        Complete 'Approve-KeyRecovery -RequestId ' | Should -Be $pending
        Complete "Approve-KeyRecovery -RequestId $("$($req.RequestId)".Substring(0, 8))" | Should -Be @("$($req.RequestId)")
    }

    It '-KeyId and -Alias: names the last listing saw, nothing before a listing (no AWS call on Tab)' {
        Connect-KeyManagement -Environment sandbox-approver2
        Complete 'Revoke-EncryptionKey -KeyId alias/ux-' | Should -BeNullOrEmpty
        $listed = @(Get-KeyStatus -Alias 'alias/ux-*')
        $listed.Count | Should -Be 6
        $kmsCalls = { ($Sandbox.RequestCount('KMS.ListAliases') + $Sandbox.RequestCount('KMS.ListKeys') + $Sandbox.RequestCount('KMS.DescribeKey')) }
        $before = & $kmsCalls
        $c = Complete 'Revoke-EncryptionKey -KeyId alias/ux-'
        & $kmsCalls | Should -Be $before
        $c | Should -Be @(1..6 | ForEach-Object { "alias/ux-$_" })
        Complete 'Get-KeyStatus -Alias alias/UX-1' | Should -Be @('alias/ux-1')
        Complete "Get-KeyAuditLog -KeyId $($listed[0].KeyId.Substring(0, 6))" | Should -Contain $listed[0].KeyId
    }
}

Describe 'Audit filters that never answer wrongly in silence (point 5)' {
    BeforeAll {
        Disconnect-KeyManagement -All
        Connect-KeyManagement -Environment sandbox
        $script:Revokes = @(Get-KeyAuditLog -Environment sandbox -Operation REVOKE).Count
    }

    It 'has rows to filter' { $Revokes | Should -BeGreaterThan 0 }

    It 'an unknown environment is an error naming the known ones, as in Test-KeyAuditIntegrity' {
        $err = { Get-KeyAuditLog -Environment prod } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'EnvironmentNotFound,*'
        $err.Exception.Message | Should -Match 'prodsim'
        { Test-KeyAuditIntegrity -Environment prod } | Should -Throw -ErrorId 'EnvironmentNotFound,*'
    }

    It 'environments, incident and change ids and key references compare case-insensitively' {
        @(Get-KeyAuditLog -Environment Sandbox -Operation REVOKE).Count | Should -Be $Revokes
        @(Get-KeyAuditLog -IncidentId inc-2026-0042 -Operation REVOKE).Count | Should -Be @(Get-KeyAuditLog -IncidentId INC-2026-0042 -Operation REVOKE).Count
        @(Get-KeyAuditLog -IncidentId inc-2026-0042).Count | Should -BeGreaterThan 0
        @(Get-KeyAuditLog -ChangeId chg-2026-0107 -Operation APPROVE).Count | Should -Be 4
        $rows = @(Get-KeyAuditLog -KeyId alias/ux-1).Count
        $rows | Should -BeGreaterThan 0
        @(Get-KeyAuditLog -KeyId alias/UX-1).Count | Should -Be $rows
    }

    It '-Operation takes the known operations in any case and refuses a typo, naming the valid ones' {
        @(Get-KeyAuditLog -Operation revoke).Count | Should -Be $Revokes
        @(Get-KeyAuditLog -Operation Recovery_Request).Count | Should -BeGreaterThan 0
        $err = { Get-KeyAuditLog -Operation REVOKED } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $err.Exception.Message | Should -Match 'REVOKE, SCHEDULE_DELETION'
        { Get-KeyAuditLog -Operation "REVOKE`n" } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}
