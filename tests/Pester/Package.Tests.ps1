# Package (issue 2, point 2): the .nupkg installs with Install-PSResource from a local folder repository and
# then imports by name.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:PackageDir = Join-Path (Split-Path (Get-BuiltModulePath)) 'package'
    $script:FakeHome = Join-Path ([IO.Path]::GetTempPath()) ("bkm-home-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $FakeHome | Out-Null
    # A user of its own: a fresh HOME, so the repository registration and the installed module land there.
    $script:ChildEnv = @{ HOME = $FakeHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null }
}
AfterAll { Remove-Item -Recurse -Force $FakeHome -ErrorAction SilentlyContinue }

Describe 'Package' {
    It 'build wrote one BuzzKeyMgmt .nupkg' {
        @(Get-ChildItem $PackageDir -Filter 'BuzzKeyMgmt.*.nupkg').Count | Should -Be 1
    }

    It 'installs with Install-PSResource from a local folder repository, then Import-Module BuzzKeyMgmt works by name' {
        $install = Invoke-FreshPwsh -Environment $ChildEnv -TimeoutSeconds 180 @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name BuzzLocal -Uri '$PackageDir' -Trusted
Install-PSResource -Name BuzzKeyMgmt -Repository BuzzLocal -Scope CurrentUser -TrustRepository -Quiet
(Get-InstalledPSResource -Name BuzzKeyMgmt).InstalledLocation
"@
        $install.ExitCode | Should -Be 0 -Because $install.Error
        $install.Output[-1] | Should -BeLike "$FakeHome*"

        $import = Invoke-FreshPwsh -Environment $ChildEnv @'
$ErrorActionPreference = 'Stop'
Import-Module BuzzKeyMgmt
(Get-Module BuzzKeyMgmt).ModuleBase
@(Test-KeyMgmtEnvironment | Where-Object { $_.Status -ne 'Pass' -and $_.Name -ne 'Configuration' }).Count
'@
        $import.ExitCode | Should -Be 0 -Because $import.Error
        $import.Output[-2] | Should -BeLike "$FakeHome*"
        $import.Output[-1] | Should -Be '0'
    }
}
