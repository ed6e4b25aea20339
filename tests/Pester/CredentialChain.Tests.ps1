# Connect-KeyManagement's base credentials from the standard AWS chain (issue 4, point 2): environment variables,
# a named profile, and a clear error when there are none. Each case runs in a fresh pwsh so the SDK's chain sees
# only that process's environment.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-chain-$([guid]::NewGuid().ToString('n'))")).FullName
    # The child starts a sandbox, describes an environment that points at it (as a real one points at AWS), and
    # connects with whatever credentials its own environment supplies.
    $script:Prelude = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$s = Start-KeyMgmtSandbox -PassThru
`$op = `$s.Users | Where-Object Name -eq operator
`$env:BUZZKEYMGMT_CONFIG = Join-Path '$Dir' "env-`$PID.json"
@{ environments = @{ lab = @{ region = `$s.Region; accountId = `$s.AccountId; endpointUrl = `$s.Endpoint
   roles = @{ admin = `$s.AdminRoleArn; emergency = `$s.EmergencyRoleArn; recovery = `$s.RecoveryRoleArn }; mfaSerialNumber = `$op.MfaSerial } } } |
   ConvertTo-Json -Depth 5 | Set-Content `$env:BUZZKEYMGMT_CONFIG
`$env:AWS_CONFIG_FILE = '/dev/null'; `$env:AWS_EC2_METADATA_DISABLED = 'true'
Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AWS_SESSION_TOKEN, Env:AWS_PROFILE -ErrorAction SilentlyContinue
`$env:AWS_SHARED_CREDENTIALS_FILE = '/dev/null'
"@
}
AfterAll { Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue }

Describe 'Base credentials from the standard AWS chain' {
    It 'takes them from environment variables' {
        $r = Invoke-FreshPwsh ($Prelude + "`n" + @'
$env:AWS_ACCESS_KEY_ID = $op.AccessKeyId; $env:AWS_SECRET_ACCESS_KEY = $op.SecretAccessKey
(Connect-KeyManagement -Environment lab -Role None -PassThru).CallerArn
(Connect-KeyManagement -Environment lab -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042 -PassThru).CallerArn
'@)
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $arns = @($r.Output | Where-Object { $_ -notlike 'Connected to *' })   # Connect's own one line goes to the host
        $arns[-2] | Should -Match ':user/operator$'
        $arns[-1] | Should -Match 'assumed-role/BuzzKeyMgmtEmergency/operator@INC-2026-0042$'
    }

    It 'takes them from a named profile with -ProfileName' {
        $r = Invoke-FreshPwsh ($Prelude + "`n" + @'
$file = Join-Path ([IO.Path]::GetTempPath()) "bkm-cred-$PID"
"[lab-operator]`naws_access_key_id = $($op.AccessKeyId)`naws_secret_access_key = $($op.SecretAccessKey)`n" | Set-Content $file
$env:AWS_SHARED_CREDENTIALS_FILE = $file
(Connect-KeyManagement -Environment lab -Role Admin -ProfileName lab-operator -PassThru).CallerArn
try { Connect-KeyManagement -Environment lab -ProfileName nosuch } catch { $_.FullyQualifiedErrorId }
Remove-Item $file
'@)
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Output[-2] | Should -Match 'assumed-role/BuzzKeyMgmtAdmin/operator@'
        $r.Output[-1] | Should -BeLike 'ProfileNotFound,*'
    }

    It 'no session and no credentials is one clear error' {
        $r = Invoke-FreshPwsh -TimeoutSeconds 180 ($Prelude + "`n" + @'
try { Connect-KeyManagement -Environment lab -Role None } catch { "$($_.FullyQualifiedErrorId)|$($_.Exception.Message)|$($_.ErrorDetails.RecommendedAction)" }
'@)
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $id, $message, $action = $r.Output[-1] -split '\|'
        $id | Should -BeLike 'NoCredentials,*'
        $message | Should -Match 'No AWS credentials found'
        $action | Should -Match 'AWS_PROFILE|-ProfileName'
    }
}
