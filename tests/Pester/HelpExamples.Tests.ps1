# Every cmdlet's help has at least one example that runs, and each runnable example runs without error in a fresh
# pwsh (issue 2's cmdlet conventions). Examples come from src/BuzzKeyMgmt/Help/<cmdlet>.psd1, the source of the
# MAML help: Setup runs first and is not shown in help; Run = $false marks an example that needs a real account.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $helpDir = Join-Path (Get-RepoRoot) 'src/BuzzKeyMgmt/Help'
    $cmdlets = (Import-Module (Get-BuiltModulePath) -PassThru -Force).ExportedCmdlets.Keys | Sort-Object | ForEach-Object {
        @{ Name = $_; Help = Import-PowerShellDataFile (Join-Path $helpDir "$_.psd1") }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    Import-Module $ModulePath -Force
}

Describe 'Help examples of <Name>' -ForEach $cmdlets {
    It 'has at least one runnable example, shown in Get-Help as written' {
        @($Help.Examples | Where-Object { $_.Run -ne $false }).Count | Should -BeGreaterThan 0
        $shown = @((Get-Help $Name -Full).examples.example | ForEach-Object { ($_.code | Out-String).Trim() })
        foreach ($example in $Help.Examples) { $shown | Should -Contain $example.Code.Trim() }
    }

    It 'runs each runnable example without error in a fresh pwsh' {
        $runnable = @($Help.Examples | Where-Object { $_.Run -ne $false })
        $script = [System.Text.StringBuilder]::new()
        [void]$script.AppendLine("`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'; Import-Module '$ModulePath'")
        for ($i = 0; $i -lt $runnable.Count; $i++) {
            $ex = $runnable[$i]
            [void]$script.AppendLine("try {")
            if ($ex.Setup) { [void]$script.AppendLine($ex.Setup) }
            [void]$script.AppendLine("`$Error.Clear(); `$null = & { $($ex.Code) } | Out-String")
            [void]$script.AppendLine("if (`$Error.Count) { throw `$Error[0] }; 'example $i ok'")
            [void]$script.AppendLine("} finally { Disconnect-KeyManagement; if (Get-KeyMgmtEnvironment -Name sandbox -ErrorAction SilentlyContinue) { Stop-KeyMgmtSandbox } }")
        }
        $r = Invoke-FreshPwsh -Script $script.ToString() -TimeoutSeconds 180
        $r.ExitCode | Should -Be 0 -Because "$($r.Output -join "`n")`n$($r.Error)"
        for ($i = 0; $i -lt $runnable.Count; $i++) { $r.Output | Should -Contain "example $i ok" -Because $runnable[$i].Code }
    }
}
