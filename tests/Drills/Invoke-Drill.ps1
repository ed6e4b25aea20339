<#
.SYNOPSIS
    The README's main job: a measured revocation-and-recovery drill on the sandbox, its report, and the compliance evidence.
.DESCRIPTION
    In this (fresh) pwsh: imports the built module; starts the sandbox with the default SQLite audit store (your data
    directory's BuzzKeyMgmt/audit.db, or $env:XDG_DATA_HOME's); seeds a small realistic fleet (keys overdue for
    rotation, with rotation off, disabled, pending deletion, asymmetric and HMAC); runs the full drill
    (Invoke-KeyRevocationDrill -Scenario All: revoke and recover, revoke with a scheduled deletion and recover, rotate);
    prints the drill report, its steps and a compliance summary; writes the HTML compliance report and prints its path.
    Exits 0 only when the drill passed. The last line gives the time since the build and the measured time to revoke.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $FleetSize = 40,
    [ValidateSet('Revoke', 'RevokeAndDelete', 'Rotation', 'All')] [string] $Scenario = 'All',
    [string] $ReportPath = (Join-Path (Split-Path -Parent ([IO.Path]::GetFullPath($ModulePath))) 'drill/key-compliance.html'),
    # Run just before the drill (tests use it to inject a sandbox fault and see the drill fail).
    [scriptblock] $BeforeDrill
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$clock = [Diagnostics.Stopwatch]::StartNew()
$report = $null
$problem = $null
$exit = 1
try {
    Import-Module (Resolve-Path $ModulePath).Path
    Write-Host "BuzzKeyMgmt $((Get-Module BuzzKeyMgmt).Version): drill on the sandbox"
    $sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count $FleetSize -AliasPrefix 'alias/CEK_User_' -FleetMix
    Connect-KeyManagement -Environment sandbox -Role Admin
    $fleet = @(Get-KeyStatus -Alias 'alias/CEK_User_*')
    Write-Host ("Sandbox at {0}: {1} keys ({2}); audit rows go to the default SQLite store" -f $sandbox.Endpoint, $fleet.Count,
        (($fleet | Group-Object State | ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', '))

    if ($BeforeDrill) { & $BeforeDrill }
    $report = Invoke-KeyRevocationDrill -Environment sandbox -Scenario $Scenario -ErrorAction Continue -WarningAction Continue
    Write-Host ''
    $report | Format-Table -AutoSize | Out-String -Width 160 | Write-Host
    $report.Steps | Format-Table Name, Status, Ms, Detail -AutoSize -Wrap | Out-String -Width 160 | Write-Host

    if ($BeforeDrill) { Set-KeyMgmtSandboxFault -Clear }
    $due = @(Get-KeyRotationDue -Alias 'alias/CEK_User_*')
    $overdue = @($due | Where-Object DaysOverdue -gt 0).Count
    Write-Host "Rotation: $($due.Count) of $($fleet.Count) keys need attention, $overdue overdue ($((($due | Group-Object Reason | ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', ')))"
    $summary = Get-KeyCompliance -Summary
    $summary.Checks | Format-Table Check, Pass, Fail, NotApplicable, Requirement -AutoSize | Out-String -Width 160 | Write-Host
    $null = New-Item -ItemType Directory -Force (Split-Path -Parent $ReportPath)
    $written = Export-KeyComplianceReport -Path $ReportPath -Force
    Write-Host "Compliance report: $($written.FullName)"
    if ($report -and $report.Passed) { $exit = 0 }
}
catch {
    $problem = $_.Exception.Message
    Write-Host "The drill could not run to its end: $problem"
}
finally {
    if (Get-Command Stop-KeyMgmtSandbox -ErrorAction SilentlyContinue) {
        Disconnect-KeyManagement -ErrorAction SilentlyContinue
        Stop-KeyMgmtSandbox -WarningAction SilentlyContinue
    }
}
$seconds = $clock.Elapsed.TotalSeconds
$within = if ($seconds -lt 120) { 'under 2 minutes' } else { 'OVER the 2-minute goal' }
if ($exit -eq 0) {
    Write-Host ("DRILL PASSED in {0:0.0} s after the build ({1}): time to revoke {2} ms against the {3}-minute MTTR target; drill {4}." -f
        $seconds, $within, $report.TimeToRevokeMs, $report.MttrTargetMinutes, $report.DrillId)
}
else {
    $why = if ($problem) { $problem } elseif ($report) { "$($report.Status) at $($report.FailedStep): $($report.Failure)" } else { 'no report' }
    Write-Host ("DRILL FAILED in {0:0.0} s after the build ({1}): {2}; time to revoke {3}." -f $seconds, $within, $why,
        $(if ($report -and $null -ne $report.TimeToRevokeMs) { "$($report.TimeToRevokeMs) ms" } else { 'not measured' }))
}
exit $exit
