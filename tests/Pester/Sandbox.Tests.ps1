# The sandbox cmdlets (issue 3, point 1): in-process, loopback only, environments per user, clock, faults, MFA codes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    Import-Module $ModulePath -Force
}

Describe 'Start-KeyMgmtSandbox' {
    BeforeAll { $script:Sandbox = Start-KeyMgmtSandbox -PassThru }
    AfterAll { Stop-KeyMgmtSandbox }

    It 'listens on loopback on a free port and describes itself' {
        $Sandbox.Endpoint | Should -Match '^http://127\.0\.0\.1:\d+$'
        $Sandbox.Port | Should -BeGreaterThan 0
        $Sandbox.AccountId | Should -Match '^\d{12}$'
        $Sandbox.Region | Should -Be 'us-east-1'
        $Sandbox.Root.AccessKeyId | Should -Not -BeNullOrEmpty
        $Sandbox.Root.SecretAccessKey | Should -Not -BeNullOrEmpty
        $Sandbox.AdminRoleArn | Should -Match ':role/BuzzKeyMgmtAdmin$'
        $Sandbox.EmergencyRoleArn | Should -Match ':role/BuzzKeyMgmtEmergency$'
        $Sandbox.RecoveryRoleArn | Should -Match ':role/BuzzKeyMgmtRecovery$'
        $Sandbox.MfaSerial | Should -Match ':mfa/'
        @($Sandbox.Users.Name) | Should -Be @('operator', 'approver1', 'approver2', 'trainee')
        @($Sandbox.Users.AccessKeyId | Select-Object -Unique).Count | Should -Be 4
        @($Sandbox.Users.MfaSerial | Select-Object -Unique).Count | Should -Be 4
    }

    It 'serves us-east-1 and eu-west-2, and shows its Regions and KMS-only endpoint' {
        @($Sandbox.Regions) | Should -Be @('us-east-1', 'eu-west-2')
        $Sandbox.KmsOnlyEndpoint | Should -Match '^http://127\.0\.0\.1:\d+$'
        $Sandbox.KmsOnlyEndpoint | Should -Not -Be $Sandbox.Endpoint
        $Sandbox.AlertTopicArnIn('eu-west-2') | Should -Be "arn:aws:sns:eu-west-2:$($Sandbox.AccountId):buzzkeymgmt-alerts"
        $shown = $Sandbox | Out-String -Width 300
        $shown | Should -Match "KmsOnlyEndpoint\s*:\s*$([regex]::Escape($Sandbox.KmsOnlyEndpoint))"
        $shown | Should -Match 'Regions\s*:\s*\{us-east-1, eu-west-2\}'
    }

    It 'answers an STS request at the KMS-only endpoint as a KMS endpoint does' {
        $r = Invoke-WebRequest -Uri $Sandbox.KmsOnlyEndpoint -Method Post -Body 'Action=GetCallerIdentity&Version=2011-06-15' `
            -ContentType 'application/x-www-form-urlencoded' -SkipHttpErrorCheck -TimeoutSec 10
        [int]$r.StatusCode | Should -Be 400
        $r.Headers['Content-Type'] | Should -Be 'application/x-amz-json-1.1'
        [Text.Encoding]::UTF8.GetString($r.RawContentStream.ToArray()) | Should -BeExactly '{"__type":"UnknownOperationException"}'
    }

    It 'refuses a second sandbox in the same session' {
        { Start-KeyMgmtSandbox } | Should -Throw -ErrorId 'SandboxAlreadyRunning,BuzzKeyMgmt.Cmdlets.Sandbox.StartKeyMgmtSandboxCommand'
    }

    It 'registers the sandbox environments for this session' {
        $envs = @(Get-KeyMgmtEnvironment -Name 'sandbox*')
        @($envs.Name) | Should -Be @('sandbox', 'sandbox-approver1', 'sandbox-approver2', 'sandbox-trainee')
        $envs[0].EndpointUrl | Should -Be $Sandbox.Endpoint
        $envs[0].Source | Should -Be 'session'
        $envs[0].MfaSerialNumber | Should -Be ($Sandbox.Users | Where-Object Name -eq operator).MfaSerial
    }

    It 'gives a 6-digit MFA code per device' {
        Get-KeyMgmtSandboxMfaCode | Should -Match '^\d{6}$'
        Get-KeyMgmtSandboxMfaCode -UserName approver1 | Should -Match '^\d{6}$'
        Get-KeyMgmtSandboxMfaCode -SerialNumber $Sandbox.MfaSerial | Should -Match '^\d{6}$'
        Get-KeyMgmtSandboxMfaCode -SerialNumber 'arn:aws:iam::111122223333:mfa/nobody' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'MfaDeviceNotFound,*'
    }

    It 'injects a fault and reports it; -Clear removes every fault' {
        $rule = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind Throttling -Count 2
        $rule.Target | Should -Be 'KMS.DisableKey'
        "$($rule.Kind)" | Should -Be 'Throttling'
        $rule.Count | Should -Be 2
        @($Sandbox.Faults.Rules).Count | Should -Be 1
        Set-KeyMgmtSandboxFault -Clear
        @($Sandbox.Faults.Rules).Count | Should -Be 0
    }

    It 'refuses a latency fault without a delay, and a malformed operation at binding' {
        { Set-KeyMgmtSandboxFault -Operation '*' -Kind Latency -Probability 1 } | Should -Throw -ErrorId 'LatencyRequired,*'
        { Set-KeyMgmtSandboxFault -Operation 'DisableKey' -Kind Throttling } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'moves the clock forward only' {
        $before = $Sandbox.Clock.GetUtcNow()
        $after = Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Days 3) -PassThru
        ($after - $before).TotalDays | Should -BeGreaterOrEqual 3
        { Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Hours -1) } | Should -Throw -ErrorId 'ClockCannotGoBack,*'
    }

    It 'has no published messages before anything publishes' {
        @(Get-KeyMgmtSandboxMessage).Count | Should -Be 0
    }

    It 'seeds keys plain, with -RotationMix, or with -FleetMix, and KeyFacts tells what each key is' {
        (Add-KeyMgmtSandboxKey 40 -AliasPrefix 'alias/plain-').Count | Should -Be 40
        (Add-KeyMgmtSandboxKey 40 -AliasPrefix 'alias/mix-' -RotationMix).Count | Should -Be 40
        (Add-KeyMgmtSandboxKey 80 -AliasPrefix 'alias/fleet-' -FleetMix).Count | Should -Be 80
        $facts = @($Sandbox.Kms.KeyFacts())
        function Of($prefix) { @($facts | Where-Object { $_.Aliases -like "$prefix*" }) }
        (Of 'alias/plain-').Count | Should -Be 40
        @((Of 'alias/plain-') | Where-Object KeyRotationEnabled).Count | Should -Be 0
        @((Of 'alias/mix-').KeySpec | Select-Object -Unique) | Should -Be @('SYMMETRIC_DEFAULT')
        @((Of 'alias/mix-') | Where-Object KeyRotationEnabled).RotationPeriodInDays | Select-Object -Unique | Should -Be 90
        $fleet = Of 'alias/fleet-'
        @($fleet.KeySpec | Sort-Object -Unique) | Should -Be @('ECC_NIST_P256', 'HMAC_256', 'RSA_3072', 'SYMMETRIC_DEFAULT')
        @($fleet | Where-Object KeyRotationEnabled).RotationPeriodInDays | Sort-Object -Unique | Should -Be @(90, 180, 365, 730, 2560)
        @($fleet | Where-Object LastRotationType -eq 'ON_DEMAND').Count | Should -Be 8   # slots 27-30, twice in 80 keys
        { Add-KeyMgmtSandboxKey 1 -RotationMix -FleetMix } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }

    It 'seeds another served Region with -Region, and refuses one it does not serve' {
        $before = @($Sandbox.Kms.KeyFacts()).Count
        (Add-KeyMgmtSandboxKey 12 -AliasPrefix 'alias/london-' -Region eu-west-2 -RotationMix).Count | Should -Be 12
        @($Sandbox.Kms.KeyFacts()).Count | Should -Be $before
        $west = @($Sandbox.KmsIn('eu-west-2').KeyFacts() | Where-Object { $_.Aliases -like 'alias/london-*' })
        $west.Count | Should -Be 12
        @($west.Arn | Where-Object { $_ -notlike 'arn:aws:kms:eu-west-2:*' }).Count | Should -Be 0
        { Add-KeyMgmtSandboxKey 1 -Region ap-south-1 } | Should -Throw -ErrorId 'RegionNotServed,*'
        { Add-KeyMgmtSandboxKey 1 -Region '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Without a sandbox' {
    It 'sandbox cmdlets say that none is running' {
        { Get-KeyMgmtSandboxMfaCode } | Should -Throw -ErrorId 'SandboxNotRunning,*'
        { Set-KeyMgmtSandboxClock -Advance 01:00:00 } | Should -Throw -ErrorId 'SandboxNotRunning,*'
    }

    It 'Stop-KeyMgmtSandbox removes the environments again' {
        Start-KeyMgmtSandbox
        Stop-KeyMgmtSandbox
        @(Get-KeyMgmtEnvironment -Name 'sandbox*').Count | Should -Be 0
    }
}

Describe 'Start-KeyMgmtSandbox -Wait' {
    It 'serves in the foreground until stopped (as Ctrl+C does), then stops' {
        $r = Invoke-FreshPwsh -TimeoutSeconds 90 @"
Import-Module '$ModulePath'
`$ps = [powershell]::Create()
`$null = `$ps.AddScript("Import-Module '$ModulePath'; Start-KeyMgmtSandbox -Wait")
# The sandbox belongs to the runspace that started it: its environments are registered there, and -Wait writes the
# server object as soon as it listens.
`$out = [System.Management.Automation.PSDataCollection[psobject]]::new()
`$async = `$ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), `$out)
`$endpoint = `$null
for (`$i = 0; `$i -lt 100 -and -not `$endpoint; `$i++) { Start-Sleep -Milliseconds 100; if (`$out.Count) { `$endpoint = `$out[0].Endpoint } }
`$served = try { [int](Invoke-WebRequest -Uri `$endpoint -Method Post -Body '{}' -SkipHttpErrorCheck -TimeoutSec 5).StatusCode } catch { -1 }
`$ps.Stop()
`$finished = `$async.IsCompleted
`$refused = try { `$null = Invoke-WebRequest -Uri `$endpoint -Method Post -Body '{}' -SkipHttpErrorCheck -TimeoutSec 5; 'served' } catch { 'refused' }
"`$endpoint|`$served|`$finished|`$refused"
"@
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $endpoint, $served, $finished, $refused = $r.Output[-1] -split '\|'
        $endpoint | Should -Match '^http://127\.0\.0\.1:\d+$'
        [int]$served | Should -BeGreaterOrEqual 400 -Because 'an unsigned request gets an AWS-shaped error, which proves it was listening'
        $finished | Should -Be 'True'
        $refused | Should -Be 'refused'
    }
}
