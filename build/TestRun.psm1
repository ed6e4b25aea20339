# The Test task: xunit projects, then the Pester suites in a child pwsh against the built module; one summary line.
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BuildTools.psm1')

function Invoke-TestRun($ctx) {
    if (Test-Path $ctx.ResultsDir) { Remove-Item -Recurse -Force $ctx.ResultsDir }
    New-Item -ItemType Directory -Path $ctx.ResultsDir | Out-Null
    Write-Host '==> Restore test tools (Pester, an older AWSSDK.Core for the load-conflict test)'
    Invoke-Dotnet restore (Join-Path $ctx.Root 'build/test-packages.proj') --nologo -v quiet

    $xunit = Invoke-XunitProjects $ctx
    $pester = Invoke-PesterSuites $ctx
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped; Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    if ($passed + $failed -eq 0) { Write-Host 'No test ran.' }
    Write-Host "$passed passed, $failed failed"
    [int]($failed -gt 0 -or $passed -eq 0)
}

function Invoke-XunitProjects($ctx) {
    $total = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($project in Get-ChildItem (Join-Path $ctx.Root 'tests') -Recurse -Filter '*.Tests.csproj' | Sort-Object Name) {
        Write-Host "==> xunit $($project.BaseName)"
        $trx = "$($project.BaseName).trx"
        & dotnet test $project.FullName -c $ctx.Configuration --nologo -v quiet `
            --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' --results-directory $ctx.ResultsDir | Out-Host
        $file = Join-Path $ctx.ResultsDir $trx
        if (-not (Test-Path $file)) {
            Write-Host "    no results from $($project.BaseName) (did it build?): counted as one failure"
            $total.Failed++
            continue
        }
        $trx = [xml](Get-Content -Raw $file)
        $counters = $trx.TestRun.ResultSummary.Counters
        $total.Passed += [int]$counters.passed
        $total.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $skipped = @($trx.TestRun.Results.UnitTestResult | Where-Object outcome -eq 'NotExecuted')
        $total.Skipped += $skipped.Count
        foreach ($s in $skipped) {
            $reason = $s.SelectSingleNode('*[local-name()="Output"]/*[local-name()="ErrorInfo"]/*[local-name()="Message"]')?.InnerText
            Write-Host "    skipped: $($s.testName) — $reason"
        }
        if ([int]$counters.total -eq 0) {
            Write-Host "    $($project.BaseName) ran no test: counted as one failure"
            $total.Failed++
        }
    }
    $total
}

function Invoke-PesterSuites($ctx) {
    Write-Host '==> Pester'
    $summary = Join-Path $ctx.ResultsDir 'pester-summary.json'
    $pester = Join-Path $ctx.NuGetPackages 'pester/5.7.1/tools/Pester.psd1'
    $code = Invoke-ChildPwsh @('-File', (Join-Path $ctx.Root 'tests/Invoke-PesterSuite.ps1'),
        '-PesterModule', $pester, '-ModulePath', $ctx.ModuleDir, '-SummaryFile', $summary)
    if (-not (Test-Path $summary)) {
        Write-Host "    the Pester run wrote no summary (exit code $code): counted as one failure"
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counts = Get-Content -Raw $summary | ConvertFrom-Json
    if ($null -eq $counts.Passed -or $null -eq $counts.Failed) {
        Write-Host '    the Pester summary has no counts: counted as one failure'
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counts
}

Export-ModuleMember -Function Invoke-TestRun
