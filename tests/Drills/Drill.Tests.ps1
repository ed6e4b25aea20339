# The README's main job (build.ps1 -Task Drill) runs end to end in a fresh pwsh: sandbox, fleet, the full drill, its
# report, a compliance summary and the HTML report; exit code 0 only on a passing drill.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Pester/TestHelpers.psm1') -Force
    $script:Drill = Join-Path $PSScriptRoot 'Invoke-Drill.ps1'
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-drill-$([guid]::NewGuid().ToString('n'))")).FullName
    $script:Report = Join-Path $Data 'report/key-compliance.html'
}
AfterAll { Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue }

Describe 'The main job' {
    It 'runs the full drill on the sandbox, prints its report and the compliance summary, writes the HTML report and says so last' {
        $r = Invoke-FreshPwsh -TimeoutSeconds 240 -Environment @{ XDG_DATA_HOME = $Data } "& '$Drill' -ModulePath '$(Get-BuiltModulePath)' -ReportPath '$Report'; exit `$LASTEXITCODE"
        $text = $r.Output -join "`n"
        $r.ExitCode | Should -Be 0 -Because ($text + $r.Error)
        $r.Output[-1] | Should -Match '^DRILL PASSED in \d+\.\d s after the build \((under 2 minutes|OVER the 2-minute goal)\): time to revoke \d+ ms against the 10-minute MTTR target; drill [0-9a-f]{12}\.$'
        $text | Should -Match 'Sandbox at http://127\.0\.0\.1:\d+: 40 keys \(\d+ Disabled, \d+ Enabled, \d+ PendingDeletion\)'
        foreach ($step in 'create-key', 'revoke/revoke', 'revoke/prove-revoked', 'revoke/approvals', 'revoke/restore', 'delete/restore', 'rotation/prove-old-ciphertext', 'cleanup') {
            $text | Should -Match "$([regex]::Escape($step))\s+Passed"
        }
        $text | Should -Match 'Rotation: \d+ of 40 keys need attention, [1-9]\d* overdue'
        $text | Should -Match 'Sandbox at .*\b[1-9]\d* Disabled'
        $text | Should -Match 'DrillRecent\s+1\s+0\s+0'
        $text | Should -Match "Compliance report: $([regex]::Escape((Resolve-Path $Report).Path))"
        (Get-Content -Raw $Report) | Should -Match 'Content-Security-Policy'
    }

    It 'exits non-zero and says why when the drill fails' {
        $script = @"
`$ErrorActionPreference = 'Stop'
`$fail = { Set-KeyMgmtSandboxFault -Operation KMS.Decrypt -Kind InternalError -Count 50 }
& '$Drill' -ModulePath '$(Get-BuiltModulePath)' -ReportPath '$Report' -Scenario Revoke -BeforeDrill `$fail
exit `$LASTEXITCODE
"@
        $r = Invoke-FreshPwsh -TimeoutSeconds 240 -Environment @{ XDG_DATA_HOME = (Join-Path $Data 'failing') } $script
        $r.ExitCode | Should -Be 1 -Because (($r.Output -join "`n") + $r.Error)
        $r.Output[-1] | Should -Match '^DRILL FAILED in \d+\.\d s after the build \(.*\): Failed at encrypt-probe: .*; time to revoke not measured\.$'
    }
}
