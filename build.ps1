<#
.SYNOPSIS
    The one entry point: Build, Test, Package, Drill, Bench.
.DESCRIPTION
    Build   lays the module out in out/BuzzKeyMgmt/ (cmdlet assembly at the top, engine and dependencies in lib/,
            manifest stamped with the version from Directory.Build.props and the cmdlets that exist, MAML help).
    Test    builds, runs the xunit projects and the Pester suites against the built module in a child pwsh, and
            ends with the line "N passed, N failed"; exits non-zero on any failure or when no test ran.
    Package builds and writes out/package/BuzzKeyMgmt.<version>.nupkg (installable with Install-PSResource).
    Drill   builds, then in a fresh pwsh: sandbox, a small fleet, the full revocation-and-recovery drill, its report,
            a compliance summary and the HTML report (tests/Drills/Invoke-Drill.ps1); exit 0 only on a passing drill.
    Bench   builds and runs every bench/*.ps1.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Drill', 'Bench')]
    [string] $Task = 'Build',
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module (Join-Path $PSScriptRoot 'build/BuildTools.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'build/TestRun.psm1') -Force

$ctx = New-BuildContext -Root $PSScriptRoot -Configuration $Configuration
switch ($Task) {
    'Build'   { Invoke-ModuleBuild $ctx }
    'Test'    { Invoke-ModuleBuild $ctx; Invoke-ModulePackage $ctx | Out-Null; exit (Invoke-TestRun $ctx) }
    'Package' { Invoke-ModuleBuild $ctx; Invoke-ModulePackage $ctx | Out-Null }
    'Drill'   { Invoke-ModuleBuild $ctx; exit (Invoke-Drill $ctx) }
    'Bench'   { Invoke-ModuleBuild $ctx; exit (Invoke-Benchmarks $ctx) }
}
