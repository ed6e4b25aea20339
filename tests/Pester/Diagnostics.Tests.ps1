# Test-KeyMgmtEnvironment -Environment checks what the caller may check against AWS (issue: role ARNs, MFA device and
# alert topic used to pass when they did not exist): through the built module, against the sandbox's STS, IAM and SNS.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    Import-Module $ModulePath -Force
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-diag-$([guid]::NewGuid().ToString('n'))")).FullName
    $script:Saved = @{ Config = $env:BUZZKEYMGMT_CONFIG; Data = $env:XDG_DATA_HOME }
    $env:BUZZKEYMGMT_CONFIG = Join-Path $Dir 'environments.json'
    $env:XDG_DATA_HOME = Join-Path $Dir 'data'   # the sandbox's default audit store, journal and outbox live here
    Set-Content -Path $env:BUZZKEYMGMT_CONFIG -Value '{ "environments": {} }'

    function Get-CheckMap($checks) { $map = @{}; foreach ($c in $checks) { $map["$($c.Name)"] = $c }; $map }
}
AfterAll {
    Stop-KeyMgmtSandbox -WarningAction SilentlyContinue
    $env:BUZZKEYMGMT_CONFIG = $Saved.Config
    $env:XDG_DATA_HOME = $Saved.Data
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

# An environments file written as a real one is: role ARNs, MFA serial and topic ARN, the sandbox's URL as endpointUrl,
# credentials from the standard AWS chain (here AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the sandbox's operator).
# A fresh pwsh, so the SDK's credential chain sees only that process's variables.
Describe 'An environments file checked against the sandbox' {
    BeforeAll {
        $script:Run = Invoke-FreshPwsh -TimeoutSeconds 180 @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$s = Start-KeyMgmtSandbox -PassThru -NoQuotas
`$op = `$s.Users | Where-Object Name -eq operator
`$env:BUZZKEYMGMT_CONFIG = Join-Path '$Dir' "env-`$PID.json"
`$env:XDG_DATA_HOME = Join-Path '$Dir' "data-`$PID"
`$acct = `$s.AccountId
@{ environments = @{
    missing = @{ region = `$s.Region; accountId = `$acct; endpointUrl = `$s.Endpoint
        roles = @{ admin = "arn:aws:iam::`${acct}:role/NoSuchAdmin"; emergency = "arn:aws:iam::`${acct}:role/NoSuchEmergency"; recovery = "arn:aws:iam::`${acct}:role/NoSuchRecovery" }
        mfaSerialNumber = "arn:aws:iam::`${acct}:mfa/nobody"; alertTopicArn = "arn:aws:sns:`$(`$s.Region):`${acct}:no-such-topic" }
    lab = @{ region = `$s.Region; accountId = `$acct; endpointUrl = `$s.Endpoint
        roles = @{ admin = `$s.AdminRoleArn; emergency = `$s.EmergencyRoleArn; recovery = `$s.RecoveryRoleArn }
        mfaSerialNumber = `$op.MfaSerial; alertTopicArn = `$s.AlertTopicArn } } } | ConvertTo-Json -Depth 5 | Set-Content `$env:BUZZKEYMGMT_CONFIG
`$env:AWS_CONFIG_FILE = '/dev/null'; `$env:AWS_SHARED_CREDENTIALS_FILE = '/dev/null'; `$env:AWS_EC2_METADATA_DISABLED = 'true'
Remove-Item Env:AWS_SESSION_TOKEN, Env:AWS_PROFILE -ErrorAction SilentlyContinue
`$env:AWS_ACCESS_KEY_ID = `$op.AccessKeyId; `$env:AWS_SECRET_ACCESS_KEY = `$op.SecretAccessKey
foreach (`$name in 'missing', 'lab') {
    Test-KeyMgmtEnvironment -Environment `$name | ForEach-Object { [pscustomobject]@{ Env = `$name; Name = `$_.Name; Status = "`$(`$_.Status)"; Detail = `$_.Detail } | ConvertTo-Json -Compress }
}
"ConfigFile=`$env:BUZZKEYMGMT_CONFIG"
"OperatorSerial=`$(`$op.MfaSerial)"
"IamGetRole=`$(`$s.RequestCount('IAM.GetRole'))"
"IamListMFADevices=`$(`$s.RequestCount('IAM.ListMFADevices'))"
"SnsGetTopicAttributes=`$(`$s.RequestCount('SNS.GetTopicAttributes'))"
"@
        $script:Facts = @{}
        foreach ($line in $Run.Output | Where-Object { $_ -match '^\w+=' }) { $k, $v = $line -split '=', 2; $Facts[$k] = $v }
        $all = @($Run.Output | Where-Object { $_.StartsWith('{') } | ForEach-Object { $_ | ConvertFrom-Json })
        $script:Missing = Get-CheckMap ($all | Where-Object Env -eq missing)
        $script:Lab = Get-CheckMap ($all | Where-Object Env -eq lab)
    }

    It 'ran in a fresh pwsh with credentials from environment variables' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Error
        $Missing['Credentials'].Status | Should -Be 'Pass'
        $Missing['Credentials'].Detail | Should -Match ':user/operator$'
    }

    It 'nonexistent role ARNs fail, each naming the roles.<name> key of the file to fix' {
        foreach ($role in 'admin', 'emergency', 'recovery') {
            $check = $Missing["$((Get-Culture).TextInfo.ToTitleCase($role)) role"]
            $check | Should -Not -BeNullOrEmpty -Because "there is a check per role ($role)"
            $check.Status | Should -Be 'Fail' -Because $check.Detail
            $check.Detail | Should -Match 'role does not exist'
            $check.Detail | Should -BeLike "*fix environments.missing.roles.$role in $($Facts.ConfigFile)*"
        }
    }

    It 'an MFA serial that is not the caller''s fails, naming the caller''s devices and the key to fix' {
        $check = $Missing['MFA device']
        $check.Status | Should -Be 'Fail' -Because $check.Detail
        $check.Detail | Should -Match 'is not one of .*:user/operator''s MFA devices'
        $check.Detail | Should -BeLike "*yours: $($Facts.OperatorSerial)*"
        $check.Detail | Should -BeLike "*environments.missing.mfaSerialNumber in $($Facts.ConfigFile)*"
    }

    It 'a nonexistent alert topic fails, naming the key to fix' {
        $check = $Missing['Alert topic']
        $check.Status | Should -Be 'Fail' -Because $check.Detail
        $check.Detail | Should -Match 'topic does not exist'
        $check.Detail | Should -BeLike "*fix environments.missing.alertTopicArn in $($Facts.ConfigFile)*"
    }

    It 'the sandbox''s own ARNs, serial and topic pass, and IAM and SNS were asked' {
        foreach ($name in 'Admin role', 'Emergency role', 'Recovery role', 'MFA device', 'Alert topic', 'Audit store', 'Audit chain', 'Audit journal', 'Alert outbox') {
            $Lab[$name].Status | Should -Be 'Pass' -Because "$name : $($Lab[$name].Detail)"
        }
        $Lab['Emergency role'].Detail | Should -Match 'assume it with MFA'
        [int]$Facts.IamGetRole | Should -BeGreaterOrEqual 4          # Emergency and Recovery, for each environment
        [int]$Facts.IamListMFADevices | Should -Be 2
        [int]$Facts.SnsGetTopicAttributes | Should -Be 2
    }
}

Describe 'The sandbox''s registered environments' {
    BeforeAll {
        $script:Sandbox = Start-KeyMgmtSandbox -PassThru -NoQuotas
    }
    AfterAll {
        Disconnect-KeyManagement -ErrorAction SilentlyContinue
        Stop-KeyMgmtSandbox -WarningAction SilentlyContinue
    }

    It 'the sandbox environment passes every environment check' {
        $checks = @(Test-KeyMgmtEnvironment -Environment sandbox)
        $map = Get-CheckMap $checks
        foreach ($name in 'Environment', 'Credentials', 'STS reachable', 'KMS reachable', 'Clock skew', 'Admin role', 'Emergency role', 'Recovery role',
                          'MFA device', 'Alert topic', 'Audit store', 'Audit chain', 'Audit journal', 'Alert outbox') {
            "$($map[$name].Status)" | Should -Be 'Pass' -Because "$name : $($map[$name].Detail)"
        }
        $map.ContainsKey('Roles') | Should -BeFalse -Because 'one check per role replaced it'
    }

    It 'trainee may not read IAM or the topic: Emergency, Recovery, MFA device and Alert topic warn "not verified" with why' {
        $map = Get-CheckMap @(Test-KeyMgmtEnvironment -Environment sandbox-trainee)
        "$($map['Admin role'].Status)" | Should -Be 'Pass' -Because $map['Admin role'].Detail
        foreach ($name in 'Emergency role', 'Recovery role') {
            "$($map[$name].Status)" | Should -Be 'Warn'
            $map[$name].Detail | Should -Match 'not verified: the caller may not call iam:GetRole \(AccessDenied: User: .*:user/trainee'
        }
        "$($map['MFA device'].Status)" | Should -Be 'Warn'
        $map['MFA device'].Detail | Should -Match 'not verified: the caller may not call iam:ListMFADevices'
        "$($map['Alert topic'].Status)" | Should -Be 'Warn'
        $map['Alert topic'].Detail | Should -Match 'not verified: the caller may not call sns:GetTopicAttributes \(AuthorizationError'
    }

    It 'a queued alert warns naming Sync-KeyAuditJournal, and passes again once that delivered it' {
        $null = Add-KeyMgmtSandboxKey -Count 1 -AliasPrefix 'alias/diag-'
        Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042
        $null = Set-KeyMgmtSandboxFault -Operation SNS.Publish -Kind InternalError -Probability 1
        try {
            $r = Revoke-EncryptionKey alias/diag-1 -IncidentId INC-2026-0042 -Reason 'sns down' -Force -WarningAction SilentlyContinue
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
        $r.AlertDelivery | Should -Be 'Queued'

        $outbox = Test-KeyMgmtEnvironment -Environment sandbox | Where-Object Name -eq 'Alert outbox'
        "$($outbox.Status)" | Should -Be 'Warn'
        $outbox.Detail | Should -Match '^1 alert\(s\) waiting in .*sandbox\.jsonl'
        $outbox.Detail | Should -Match 'Sync-KeyAuditJournal'

        $null = Sync-KeyAuditJournal
        "$((Test-KeyMgmtEnvironment -Environment sandbox | Where-Object Name -eq 'Alert outbox').Status)" | Should -Be 'Pass'
    }
}
