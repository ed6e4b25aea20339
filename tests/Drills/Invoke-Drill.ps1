<#
.SYNOPSIS
    The README's main job: imports the built module in this (fresh) pwsh and runs the drill.
.DESCRIPTION
    For now the drill proves the session can operate keys: Test-KeyMgmtEnvironment, every check shown, and a
    non-zero exit when any check fails. Later issues grow it into a full revocation-and-recovery drill.
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$checks = @(Test-KeyMgmtEnvironment)
$checks | Format-Table -AutoSize -Wrap | Out-Host
$failed = @($checks | Where-Object Status -eq 'Fail')
if ($failed) {
    Write-Host "DRILL FAILED: $($failed.Count) check(s) failed: $($failed.Name -join ', ')"
    exit 1
}
Write-Host "DRILL PASSED: $($checks.Count) checks, $(@($checks | Where-Object Status -eq 'Warn').Count) warnings"
exit 0
