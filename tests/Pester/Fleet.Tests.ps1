# Fleet reads across environments and streaming (issue 15, points 1 and 2) against a sandbox hosting two member
# accounts in two Regions each: four account-Regions with their own ids, keys and quotas.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
}

Describe 'Fleet reads across environments' {
    BeforeAll {
        # One configured environment nobody can reach (a closed loopback port), beside the sandbox's registrations.
        $script:SavedConfig = $env:BUZZKEYMGMT_CONFIG
        $script:SavedKey = $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY
        $script:Config = Join-Path ([IO.Path]::GetTempPath()) "fleet-$PID-$([guid]::NewGuid().ToString('n')).json"
        $port = Get-ClosedLoopbackPort
        @"
{ "environments": { "offline-dr": { "region": "us-west-2", "accountId": "999988887777",
  "roles": { "admin": "arn:aws:iam::999988887777:role/BuzzKeyMgmtAdmin" }, "endpointUrl": "http://127.0.0.1:$port" } } }
"@ | Set-Content -LiteralPath $Config
        $env:BUZZKEYMGMT_CONFIG = $Config
        $env:AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'; $env:AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

        $script:Sandbox = Start-KeyMgmtSandbox -PassThru -MemberAccounts 2
        $script:Members = @(Get-KeyMgmtEnvironment -Name 'sandbox-acct*')
        # A different number of keys in each account-Region, so a mix-up shows.
        $script:Expected = @{}
        $i = 0
        foreach ($e in $Members) {
            $i++
            $null = Add-KeyMgmtSandboxKey -Count (3 + $i) -AccountId $e.AccountId -Region $e.Region -RotationMix -AliasPrefix "alias/fleet-$i-"
            $Expected[$e.Name] = 3 + $i
        }
        $null = Add-KeyMgmtSandboxKey -Count 2 -AliasPrefix 'alias/home-'
        Connect-KeyManagement -Environment sandbox -Role Admin
    }
    AfterAll {
        Disconnect-KeyManagement
        Stop-KeyMgmtSandbox
        $env:BUZZKEYMGMT_CONFIG = $SavedConfig
        $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY = $SavedKey
        Remove-Item -LiteralPath $Config -ErrorAction SilentlyContinue
    }

    It 'hosts member accounts with distinct ids, each reached by STS AssumeRole of its own role' {
        $Members.Count | Should -Be 4
        @($Members.AccountId | Sort-Object -Unique).Count | Should -Be 2
        $Members.AccountId | Should -Not -Contain $Sandbox.AccountId
        @($Members.Region | Sort-Object -Unique) | Should -Be @('eu-west-2', 'us-east-1')
        foreach ($e in $Members) { $e.AdminRoleArn | Should -Be "arn:aws:iam::$($e.AccountId):role/BuzzKeyMgmtAdmin" }
    }

    It 'reads every environment a wildcard names, each result carrying its Environment, AccountId and Region, without switching the current session' {
        $assumed = $Sandbox.RequestCount('STS.AssumeRole')
        $all = @(Get-KeyStatus -All -Environment 'sandbox-acct*' -ErrorVariable failures)
        $failures.Count | Should -Be 0
        $all.Count | Should -Be (($Expected.Values | Measure-Object -Sum).Sum)
        foreach ($e in $Members) {
            $mine = @($all | Where-Object Environment -eq $e.Name)
            $mine.Count | Should -Be $Expected[$e.Name] -Because $e.Name
            $mine.AccountId | Sort-Object -Unique | Should -Be $e.AccountId
            $mine.Region | Sort-Object -Unique | Should -Be $e.Region
            $mine.Arn | ForEach-Object { $_ | Should -BeLike "arn:aws:kms:$($e.Region):$($e.AccountId):key/*" }
        }
        # One Admin session per environment, by real AssumeRole calls; the current session stays the operator's own.
        ($Sandbox.RequestCount('STS.AssumeRole') - $assumed) | Should -Be 4
        (Get-KeyMgmtSession).Name | Should -Be 'sandbox/Admin'
        (Get-KeyMgmtSession).AccountId | Should -Be $Sandbox.AccountId
    }

    It 'reuses the sessions it connected on the next command, and takes several names and patterns' {
        $assumed = $Sandbox.RequestCount('STS.AssumeRole')
        $due = @(Get-KeyRotationDue -Within 3650 -Environment 'sandbox-acct1-*', '*-eu-west-2')
        $Sandbox.RequestCount('STS.AssumeRole') | Should -Be $assumed
        @($due.Environment | Sort-Object -Unique) | Should -Be @('sandbox-acct1-eu-west-2', 'sandbox-acct1-us-east-1', 'sandbox-acct2-eu-west-2')
        $due | ForEach-Object { $_.AccountId | Should -Match '^\d{12}$'; $_.Region | Should -BeIn 'us-east-1', 'eu-west-2' }
    }

    It "'*' reads every configured environment: an unreachable one is one clear error and the others are read" {
        $all = @(Get-KeyStatus -All -Environment '*' -ErrorVariable failures -ErrorAction SilentlyContinue)
        @($failures).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'EnvironmentUnreachable,*'
        $failures[0].TargetObject | Should -Be 'offline-dr'
        $failures[0].Exception.Message | Should -Match "Environment 'offline-dr' \(account 999988887777, us-west-2\) could not be reached"
        # The sandbox's own account (its users' environments) and both member accounts were read.
        @($all | Where-Object AccountId -eq $Sandbox.AccountId).Count | Should -BeGreaterThan 0
        foreach ($e in $Members) { @($all | Where-Object Environment -eq $e.Name).Count | Should -Be $Expected[$e.Name] }
    }

    It 'judges compliance per environment, findings and summaries naming their account and Region' {
        $findings = @(Get-KeyCompliance -Environment 'sandbox-acct2-us-east-1')
        $findings | ForEach-Object { $_.Environment | Should -Be 'sandbox-acct2-us-east-1'; $_.AccountId | Should -Be $Members[3].AccountId; $_.Region | Should -Be 'us-east-1' }
        @($findings | Where-Object Scope -eq 'Store').Count | Should -Be 3
        $summaries = @(Get-KeyCompliance -Environment 'sandbox-acct1-*' -Summary)
        @($summaries.Environment) | Should -Be @('sandbox-acct1-eu-west-2', 'sandbox-acct1-us-east-1')
        ($summaries | Where-Object Environment -eq 'sandbox-acct1-us-east-1').Keys | Should -Be $Expected['sandbox-acct1-us-east-1']
    }

    It 'writes one compliance report per environment' {
        $path = Join-Path ([IO.Path]::GetTempPath()) "fleet-$PID.html"
        $files = @(Export-KeyComplianceReport -Environment 'sandbox-acct2-*' -Path $path -Force)
        try {
            @($files.Name | Sort-Object) | Should -Be @("fleet-$PID-sandbox-acct2-eu-west-2.html", "fleet-$PID-sandbox-acct2-us-east-1.html")
            Get-Content -Raw $files[0].FullName | Should -Match $Members[2].AccountId
        }
        finally { $files | Remove-Item -ErrorAction SilentlyContinue }
    }

    It 'gives a key ARN only to the environment of its account and Region: one that none of them holds is one error, with no AWS call for it' {
        $home1 = 'sandbox-acct1-us-east-1'
        $key = Get-KeyStatus -All -Environment $home1 | Select-Object -First 1
        $nowhere = $key.Arn -replace ':us-east-1:', ':ap-southeast-2:'
        $described = $Sandbox.RequestCount('KMS.DescribeKey')
        $read = @(Get-KeyStatus -Environment 'sandbox-acct*' -KeyId $key.Arn, $nowhere -ErrorVariable failures -ErrorAction SilentlyContinue)
        $read.Count | Should -Be 1
        $read[0].KeyId | Should -Be $key.KeyId
        $read[0].Environment | Should -Be $home1
        @($failures).Count | Should -Be 1 -Because 'the three other environments are not asked for a key their account-Region cannot hold'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'KeyNotInEnvironment,*'
        $failures[0].TargetObject | Should -Be $nowhere
        $failures[0].Exception.Message | Should -Match 'Region ap-southeast-2: none of the environments read'
        ($Sandbox.RequestCount('KMS.DescribeKey') - $described) | Should -Be 1

        # The same routing for compliance: key findings come from the key's own environment only.
        $findings = @(Get-KeyCompliance -Environment 'sandbox-acct*' -KeyId $key.Arn -ErrorVariable complianceFailures)
        @($complianceFailures).Count | Should -Be 0
        @($findings | Where-Object Scope -ne 'Store').Environment | Sort-Object -Unique | Should -Be $home1

        # One environment (the current session, the sandbox's own account): refused before any call, naming both sides.
        $described = $Sandbox.RequestCount('KMS.DescribeKey')
        $null = Get-KeyStatus -KeyId $key.Arn -ErrorVariable single -ErrorAction SilentlyContinue
        $single[0].FullyQualifiedErrorId | Should -BeLike 'KeyNotInEnvironment,*'
        $single[0].Exception.Message | Should -Match "account $($key.AccountId), Region us-east-1; environment 'sandbox' is account $($Sandbox.AccountId)"
        $Sandbox.RequestCount('KMS.DescribeKey') | Should -Be $described
    }

    It 'refuses a name that matches nothing, and -Session with -Environment, before any AWS call' {
        $before = $Sandbox.RequestCount('KMS.ListKeys')
        { Get-KeyStatus -All -Environment 'nosuch-*' } | Should -Throw -ErrorId 'EnvironmentNotFound,*'
        { Get-KeyStatus -All -Environment 'sandbox-acct1-us-east-1' -Session (Get-KeyMgmtSession) } | Should -Throw -ErrorId 'SessionAndEnvironment,*'
        { Get-KeyStatus -All -Environment "bad`nname" } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        $Sandbox.RequestCount('KMS.ListKeys') | Should -Be $before
    }
}

Describe 'Streaming a fleet read' {
    BeforeAll {
        $script:Sandbox = Start-KeyMgmtSandbox -PassThru -MemberAccounts 1
        $script:Env = Get-KeyMgmtEnvironment -Name 'sandbox-acct1-eu-west-2'
        # Three ListKeys pages (KMS gives at most 1,000 keys a page), each answered one second late.
        $null = Add-KeyMgmtSandboxKey -Count 2500 -AccountId $Env.AccountId -Region $Env.Region
        $null = Set-KeyMgmtSandboxFault -Operation KMS.ListKeys -Kind Latency -Probability 1 -Latency ([TimeSpan]::FromSeconds(1))
    }
    AfterAll { Disconnect-KeyManagement; Stop-KeyMgmtSandbox }

    It 'writes the first key before the listing has finished, and stops listing when the pipeline stops' {
        $script:pagesAtFirst = $null
        $first = Get-KeyStatus -All -Environment $Env.Name |
            ForEach-Object { if ($null -eq $script:pagesAtFirst) { $script:pagesAtFirst = $Sandbox.RequestCount('KMS.ListKeys', $Env.Region) }; $_ } |
            Select-Object -First 1
        $first.Environment | Should -Be $Env.Name
        $pagesAtFirst | Should -BeLessThan 3 -Because 'a result is written as soon as its key is read, not after the whole fleet is listed'
        Start-Sleep -Milliseconds 1500
        $Sandbox.RequestCount('KMS.ListKeys', $Env.Region) | Should -BeLessThan 3 -Because 'Select-Object -First 1 ends the read: nothing goes on listing'
    }
}

Describe 'Stopping a sandbox with member accounts' {
    It 'removes the member environments it registered (and the sessions connected for them go with them)' {
        $sandbox = Start-KeyMgmtSandbox -PassThru -MemberAccounts 1
        $null = Add-KeyMgmtSandboxKey -Count 2 -AccountId $sandbox.MemberAccounts[0] -Region eu-west-2
        $read = @(Get-KeyStatus -All -Environment 'sandbox-acct1-eu-west-2')
        $read.Count | Should -Be 2
        $assumed = $sandbox.RequestCount('STS.AssumeRole')
        Stop-KeyMgmtSandbox
        @(Get-KeyMgmtEnvironment -Name 'sandbox*').Count | Should -Be 0
        { Get-KeyStatus -All -Environment 'sandbox-acct1-*' } | Should -Throw -ErrorId 'EnvironmentNotFound,*'
        $assumed | Should -Be 1
        # Started again, the same names are new environments: a fleet read connects afresh rather than using a closed session.
        $again = Start-KeyMgmtSandbox -PassThru -MemberAccounts 1
        try {
            $null = Add-KeyMgmtSandboxKey -Count 1 -AccountId $again.MemberAccounts[0] -Region eu-west-2
            @(Get-KeyStatus -All -Environment 'sandbox-acct1-eu-west-2').Count | Should -Be 1
            $again.RequestCount('STS.AssumeRole') | Should -Be 1
        }
        finally { Stop-KeyMgmtSandbox }
    }
}
