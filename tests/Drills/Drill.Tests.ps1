# The README's main job (build.ps1 -Task Drill) runs end to end in a fresh pwsh and reports each step.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Pester/TestHelpers.psm1') -Force
    $script:Drill = Join-Path $PSScriptRoot 'Invoke-Drill.ps1'
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-drill-$([guid]::NewGuid().ToString('n'))")).FullName
}
AfterAll { Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue }

Describe 'The drill' {
    It 'passes every step against the sandbox and says so' {
        $r = Invoke-FreshPwsh -TimeoutSeconds 240 -Environment @{ XDG_DATA_HOME = $Data } "& '$Drill' -ModulePath '$(Get-BuiltModulePath)' -FleetSize 200; exit `$LASTEXITCODE"
        $r.ExitCode | Should -Be 0 -Because (($r.Output -join "`n") + $r.Error)
        $r.Output[-1] | Should -Match '^DRILL PASSED: 6 steps in \d+ ms$'
        ($r.Output -join "`n") | Should -Match 'ok\s+\d+ ms  Read the fleet as Admin: .*\d+ Enabled'
        ($r.Output -join "`n") | Should -Match 'assumed-role/BuzzKeyMgmtEmergency/operator@INC-2026-0001'
    }
}
