<#
.SYNOPSIS
    The README's main job: imports the built module in this (fresh) pwsh and runs the drill against the sandbox.
.DESCRIPTION
    Proves, step by step and timed, that this machine and this team can operate keys: the environment checks pass;
    a sandbox with a fleet starts; an Admin session reads every key's status; the Emergency role is assumed with MFA
    for an incident; the environment checks of the sandbox (credentials, clock skew, reachability, audit store and its
    hash chain) pass. Exits non-zero when a step fails. Later issues grow it into a full revocation-and-recovery drill.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $FleetSize = 500
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$steps = [System.Collections.Generic.List[object]]::new()
function Step([string] $name, [scriptblock] $action) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    try {
        $detail = & $action
        $steps.Add([pscustomobject]@{ Step = $name; Result = 'ok'; Ms = [int]$sw.ElapsedMilliseconds; Detail = "$detail" })
    }
    catch {
        $steps.Add([pscustomobject]@{ Step = $name; Result = 'FAILED'; Ms = [int]$sw.ElapsedMilliseconds; Detail = $_.Exception.Message })
        throw
    }
}

$failed = $false
try {
    Step 'Import the module' { Import-Module $ModulePath; "version $((Get-Module BuzzKeyMgmt).Version)" }
    Step 'Check this session' {
        $checks = @(Test-KeyMgmtEnvironment)
        $checks | Format-Table -AutoSize -Wrap | Out-Host
        $bad = @($checks | Where-Object Status -eq 'Fail')
        if ($bad) { throw "$($bad.Count) check(s) failed: $($bad.Name -join ', ')" }
        "$($checks.Count) checks"
    }
    Step 'Start the sandbox with a fleet' {
        $sandbox = Start-KeyMgmtSandbox -PassThru
        $n = Add-KeyMgmtSandboxKey -Count $FleetSize -AliasPrefix 'alias/CEK_User_' -RotationMix
        $n = $n.Count
        "$n keys at $($sandbox.Endpoint)"
    }
    Step 'Read the fleet as Admin' {
        Connect-KeyManagement -Environment sandbox -Role Admin
        $status = @(Get-KeyStatus -All | Where-Object { $_.Aliases -like 'alias/CEK_User_*' })   # not the sandbox's audit digest key
        if ($status.Count -ne $FleetSize) { throw "read $($status.Count) keys, expected $FleetSize" }
        ($status | Group-Object State | ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', '
    }
    Step 'Assume the Emergency role with MFA for an incident' {
        $s = Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0001 -PassThru
        "$($s.CallerArn), $([int]$s.TimeLeft.TotalMinutes) min left"
    }
    Step 'Check the sandbox environment' {
        $checks = @(Test-KeyMgmtEnvironment -Environment sandbox | Where-Object Name -in 'Credentials', 'Clock skew', 'KMS reachable', 'STS reachable', 'Audit store', 'Audit chain')
        $bad = @($checks | Where-Object Status -eq 'Fail')
        if ($bad) { throw ($bad | ForEach-Object { "$($_.Name): $($_.Detail)" }) -join '; ' }
        "$($checks.Count) checks passed"
    }
}
catch { $failed = $true }
finally {
    if (Get-Command Stop-KeyMgmtSandbox -ErrorAction SilentlyContinue) { Disconnect-KeyManagement; Stop-KeyMgmtSandbox -WarningAction SilentlyContinue }
}

foreach ($s in $steps) { Write-Host ("{0,-6} {1,6} ms  {2}: {3}" -f $s.Result, $s.Ms, $s.Step, $s.Detail) }
$total = ($steps | Measure-Object Ms -Sum).Sum
if ($failed) {
    Write-Host "DRILL FAILED at '$(($steps | Where-Object Result -eq 'FAILED').Step)' after $total ms"
    exit 1
}
Write-Host "DRILL PASSED: $($steps.Count) steps in $total ms"
exit 0
