<#
.SYNOPSIS
    Runs the Pester suites (tests/Pester, tests/Drills) against the built module and writes a JSON summary.
.DESCRIPTION
    build.ps1 -Task Test starts this in a child pwsh. The suites find the built module through
    $env:BUZZKEYMGMT_MODULE, and the NuGet cache (for test-only packages) through $env:BUZZKEYMGMT_NUGET.
#>
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryFile,
    [string[]] $Path = @((Join-Path $PSScriptRoot 'Pester'), (Join-Path $PSScriptRoot 'Drills'))
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -RequiredVersion 5.7.1
$env:BUZZKEYMGMT_MODULE = (Resolve-Path $ModulePath).Path
$env:BUZZKEYMGMT_NUGET = Split-Path (Split-Path (Split-Path (Split-Path $PesterModule)))

$config = New-PesterConfiguration
$config.Run.Path = @($Path | Where-Object { Test-Path $_ })
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
try {
    $result = Invoke-Pester -Configuration $config
}
catch {
    Write-Host "Pester itself failed: $($_.Exception.Message)" -ForegroundColor Red
    $result = $null
}
if ($null -eq $result -or $null -eq $result.PassedCount) {
    # No result is a failure, never a silent zero.
    [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } | ConvertTo-Json | Set-Content -Path $SummaryFile
    exit 1
}
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
# A test file that yields no test at all (e.g. a here-string that swallowed its Describe) is a failure, not a pass.
foreach ($empty in @($result.Containers | Where-Object { $_.Result -ne 'Failed' -and $_.TotalCount -eq 0 })) {
    Write-Host "Test file with no tests: $($empty.Item)" -ForegroundColor Red
    $failed++
}
[pscustomobject]@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount } |
    ConvertTo-Json | Set-Content -Path $SummaryFile
exit ([int]($failed -gt 0))
