# Dependency isolation (issue 2, point 4): the module works beside other versions of its dependencies.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    $script:OldCore = Join-Path (Get-NuGetCache) 'awssdk.core/3.7.402/lib/netcoreapp3.1/AWSSDK.Core.dll'
    # Printed by the child: the check results, and every AWSSDK.Core in the process with its load context.
    $script:Report = @'
$checks = @(Test-KeyMgmtEnvironment)
$cores = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' } | ForEach-Object {
    "{0}@{1}" -f $_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
[pscustomobject]@{ Checks = @($checks | ForEach-Object { @{ Name = $_.Name; Status = "$($_.Status)"; Detail = $_.Detail } }); Cores = @($cores) } |
    ConvertTo-Json -Depth 4 -Compress
'@

    function Test-KeyMgmtEnvironmentInFresh {
        $r = Invoke-FreshPwsh @"
Import-Module '$ModulePath'
$Report
"@
        if ($r.ExitCode -ne 0) { throw "child pwsh failed: $($r.Error)" }
        ($r.Output[-1] | ConvertFrom-Json).Checks
    }
}

Describe 'Dependency isolation' {
    It 'has an older AWSSDK.Core to load first (restored by the build into the NuGet cache)' {
        Test-Path $OldCore | Should -BeTrue
    }

    It 'a) imports and works after a different AWSSDK.Core version was loaded first' {
        $r = Invoke-FreshPwsh @"
Add-Type -Path '$OldCore'
Import-Module '$ModulePath'
$Report
"@
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $data = $r.Output[-1] | ConvertFrom-Json
        @($data.Checks | Where-Object { $_.Status -ne 'Pass' -and $_.Name -ne 'Configuration' }) | Should -BeNullOrEmpty
        $data.Cores | Should -Contain '3.3.0.0@Default'
        @($data.Cores | Where-Object { $_ -like '4.*@BuzzKeyMgmt' }).Count | Should -Be 1
    }

    It 'a) leaves the other version usable when it is loaded after the module' {
        $r = Invoke-FreshPwsh @"
Import-Module '$ModulePath'
`$null = Test-KeyMgmtEnvironment
Add-Type -Path '$OldCore'
`$config = [Amazon.Runtime.ClientConfig].Assembly.GetName().Version.ToString()
`$config
$Report
"@
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Output[0] | Should -Be '3.3.0.0'
        $data = $r.Output[-1] | ConvertFrom-Json
        @($data.Checks | Where-Object { $_.Status -ne 'Pass' -and $_.Name -ne 'Configuration' }) | Should -BeNullOrEmpty
    }

    It 'b) loads SQLite''s native library: an in-memory query returns a row' {
        $check = Test-KeyMgmtEnvironmentInFresh | Where-Object Name -eq 'SQLite native library'
        $check.Status | Should -Be 'Pass'
        $check.Detail | Should -Match 'in-memory query returned 1 row'
    }

    It 'c) SqlClient reaches the network: a closed loopback port gives SqlException, not FileNotFound or PlatformNotSupported' {
        $port = Get-ClosedLoopbackPort
        $secret = 'Not-Shown-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $r = Invoke-FreshPwsh @"
Import-Module '$ModulePath'
Test-KeyMgmtEnvironment -SqlServerConnectionString 'Server=tcp:127.0.0.1,$port;Database=audit;User Id=sa;Password=$secret;Connect Timeout=3;Encrypt=False' |
    Where-Object Name -eq 'SQL Server connection' | ForEach-Object { "`$(`$_.Status)|`$(`$_.Detail)" }
"@
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $status, $detail = $r.Output[-1] -split '\|', 2
        $status | Should -Be 'Fail'
        $detail | Should -Match 'SqlException'
        $detail | Should -Match "127\.0\.0\.1,$port"
        $detail | Should -Not -Match 'FileNotFound|PlatformNotSupported|could not load'
        ($r.Output + $r.Error) -join "`n" | Should -Not -Match $secret
    }

    It 'd) Remove-Module then Import-Module works in the same session' {
        $r = Invoke-FreshPwsh @"
Import-Module '$ModulePath'
`$first = @(Test-KeyMgmtEnvironment | Where-Object { `$_.Status -ne 'Pass' -and `$_.Name -ne 'Configuration' }).Count
Remove-Module BuzzKeyMgmt
`$gone = [int](`$null -eq (Get-Command Test-KeyMgmtEnvironment -ErrorAction SilentlyContinue))
Import-Module '$ModulePath'
`$second = @(Test-KeyMgmtEnvironment | Where-Object { `$_.Status -ne 'Pass' -and `$_.Name -ne 'Configuration' }).Count
`$checks = @(Test-KeyMgmtEnvironment).Count
"`$first,`$gone,`$second,`$checks"
"@
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $first, $gone, $second, $checks = $r.Output[-1] -split ','
        $first | Should -Be '0'
        $gone | Should -Be '1'
        $second | Should -Be '0'
        [int]$checks | Should -BeGreaterThan 5
    }
}
