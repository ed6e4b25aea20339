# The environments file (issue 4, point 1) and Test-KeyMgmtEnvironment's environment checks (point 6).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedConfig = $env:BUZZKEYMGMT_CONFIG
    $script:Config = Join-Path ([IO.Path]::GetTempPath()) "bkm-config-$([guid]::NewGuid().ToString('n')).json"
    $env:BUZZKEYMGMT_CONFIG = $Config
}
AfterAll {
    $env:BUZZKEYMGMT_CONFIG = $SavedConfig
    Remove-Item $Config -ErrorAction SilentlyContinue
}

Describe 'Environments file' {
    It 'lists the README''s sample environments' {
        $readme = Get-Content -Raw (Join-Path (Get-RepoRoot) 'README.md')
        $sample = [regex]::Match($readme, '(?s)<!-- sample-config -->\s*```json\s*(.*?)```').Groups[1].Value
        $sample | Should -Not -BeNullOrEmpty -Because 'the README documents the format with a sample'
        Set-Content -Path $Config -Value $sample
        $envs = @(Get-KeyMgmtEnvironment)
        @($envs.Name) | Should -Contain 'production'
        $prod = Get-KeyMgmtEnvironment -Name production
        $prod.IsProduction | Should -BeTrue
        $prod.EmergencyRoleArn | Should -Match ':role/'
        "$($prod.AuditStore)" | Should -Not -Match 'Password=[^*]'
        $prod.AuditDigests.Path | Should -Be '/mnt/audit-digests/production'
        $prod.AuditDigests.KeyId | Should -Be 'alias/buzzkeymgmt-audit-digest'
        $staging = Get-KeyMgmtEnvironment -Name staging
        $staging.Endpoints.Kms | Should -Match '^https://vpce-.*\.kms\.eu-west-2\.vpce\.amazonaws\.com$'
        $staging.Endpoints.Sts | Should -Be 'https://sts.eu-west-2.amazonaws.com'
        $staging.Endpoints.Sns | Should -BeNullOrEmpty -Because 'SNS is not named: its public endpoint in the topic''s Region'
        $staging.AlertTopicArn | Should -Match '^arn:aws:sns:us-east-1:'
    }

    It 'refuses a plain-http endpoint that is not loopback, naming the key' {
        Set-Content -Path $Config -Value '{ "environments": { "lab": { "region": "us-east-1", "accountId": "123456789012", "endpoints": { "sns": "http://sns.lab.example.com" } } } }'
        $err = { Get-KeyMgmtEnvironment } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConfigurationInvalid,*'
        $err.Exception.Message | Should -BeLike '*environments.lab.endpoints.sns*not loopback*'
    }

    It 'a malformed file gives one error naming the file, the key and what is expected' {
        Set-Content -Path $Config -Value '{ "environments": { "production": { "region": "us-east-1", "accountId": "1234" } } }'
        $err = { Get-KeyMgmtEnvironment } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConfigurationInvalid,*'
        "$($err.CategoryInfo.Category)" | Should -Be 'InvalidData'
        $err.Exception.Message | Should -BeLike "$Config*environments.production.accountId*12-digit*"
    }

    It 'a JSON syntax error names the line' {
        Set-Content -Path $Config -Value "{`n  `"environments`": {`n    `"production`": { `"region`" `"us-east-1`" }`n  }`n}"
        $err = { Get-KeyMgmtEnvironment } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match 'line 3'
    }

    It 'Connect-KeyManagement reports the malformed file too' {
        Set-Content -Path $Config -Value '{ "environments": { "production": { "region": "nowhere" } } }'
        { Connect-KeyManagement -Environment production } | Should -Throw -ErrorId 'ConfigurationInvalid,*'
    }

    It 'an unknown name without wildcards is an error' {
        Set-Content -Path $Config -Value '{ "environments": {} }'
        Get-KeyMgmtEnvironment -Name nosuch -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'EnvironmentNotFound,*'
    }
}

Describe 'Test-KeyMgmtEnvironment -Environment' {
    BeforeAll {
        Set-Content -Path $Config -Value '{ "environments": {} }'
    }
    AfterEach { Stop-KeyMgmtSandbox -WarningAction SilentlyContinue }

    It 'checks configuration, credentials, clock skew, KMS and STS, each role, the MFA device and the alert topic' {
        $sandbox = Start-KeyMgmtSandbox -PassThru
        $checks = @(Test-KeyMgmtEnvironment -Environment sandbox)
        $byName = @{}; $checks | ForEach-Object { $byName[$_.Name] = $_ }
        foreach ($name in 'Configuration', 'Environment', 'Credentials', 'STS reachable', 'KMS reachable', 'Clock skew', 'Admin role', 'Emergency role',
                          'Recovery role', 'MFA device', 'Alert topic') {
            "$($byName[$name].Status)" | Should -Be 'Pass' -Because "$name : $($byName[$name].Detail)"
        }
        $byName['Credentials'].Detail | Should -Match ([regex]::Escape(($sandbox.Users | Where-Object Name -eq operator).Arn))
    }

    It 'warns over 1 minute of clock skew and fails over 5' {
        Start-KeyMgmtSandbox -DateHeaderSkew (New-TimeSpan -Minutes 2)
        "$((Test-KeyMgmtEnvironment -Environment sandbox | Where-Object Name -eq 'Clock skew').Status)" | Should -Be 'Warn'
        Stop-KeyMgmtSandbox
        Start-KeyMgmtSandbox -DateHeaderSkew (New-TimeSpan -Minutes -7)
        $skew = Test-KeyMgmtEnvironment -Environment sandbox | Where-Object Name -eq 'Clock skew'
        "$($skew.Status)" | Should -Be 'Fail'
        $skew.Detail | Should -Match 'ahead of'
    }

    It 'fails reachability when the endpoint is down' {
        $sandbox = Start-KeyMgmtSandbox -PassThru
        $sandbox.Stop()   # the environment stays registered, nothing listens
        $checks = @(Test-KeyMgmtEnvironment -Environment sandbox)
        "$(($checks | Where-Object Name -eq 'STS reachable').Status)" | Should -Be 'Fail'
        "$(($checks | Where-Object Name -eq 'Clock skew').Status)" | Should -Be 'Fail'
    }

    It 'names the known environments when asked for an unknown one' {
        $check = Test-KeyMgmtEnvironment -Environment nosuch | Where-Object Name -eq 'Environment'
        "$($check.Status)" | Should -Be 'Fail'
        $check.Detail | Should -Match "no environment named 'nosuch'"
    }
}
