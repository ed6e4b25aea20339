# The built module: layout, manifest, version, exported cmdlets, help, and the diagnostics cmdlet.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $cmdletNames = (Import-Module (Get-BuiltModulePath) -PassThru -Force).ExportedCmdlets.Keys
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    $script:Root = Get-RepoRoot
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    $script:Version = @($props.Project.PropertyGroup | ForEach-Object { $_.SelectSingleNode('Version') } | Where-Object { $_ })[0].InnerText
    Import-Module $ModulePath -Force
    $script:Module = Get-Module BuzzKeyMgmt
}

Describe 'Built module layout' {
    It 'keeps the cmdlet assembly at the top and the engine with its dependencies in lib/' {
        Test-Path (Join-Path $ModulePath 'BuzzKeyMgmt.dll') | Should -BeTrue
        Test-Path (Join-Path $ModulePath 'lib/BuzzKeyMgmt.Engine.dll') | Should -BeTrue
        Test-Path (Join-Path $ModulePath 'lib/BuzzKeyMgmt.Engine.deps.json') | Should -BeTrue
        Test-Path (Join-Path $ModulePath 'BuzzKeyMgmt.Engine.dll') | Should -BeFalse
        Test-Path (Join-Path $ModulePath 'AWSSDK.Core.dll') | Should -BeFalse
    }

    It 'imports by path in a fresh pwsh -NoProfile' {
        $r = Invoke-FreshPwsh "Import-Module '$ModulePath'; (Get-Module BuzzKeyMgmt).Version.ToString()"
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Output[-1] | Should -Be $Version
    }
}

Describe 'Manifest' {
    It 'stamps the version from Directory.Build.props once: manifest, cmdlet assembly and engine agree' {
        $Module.Version.ToString() | Should -Be $Version
        # Engine types live in the module's private load context: reach them through an object, not by type name.
        $engine = (Test-KeyMgmtEnvironment)[0].GetType().Assembly
        $engine.GetName().Version.ToString(3) | Should -Be $Version
        [BuzzKeyMgmt.ModuleInitializer].Assembly.GetName().Version.ToString(3) | Should -Be $Version
        (Import-PowerShellDataFile (Join-Path $Root 'BuzzKeyMgmt.psd1')).ModuleVersion | Should -Be '0.0.0' -Because 'the source manifest holds no version of its own'
    }

    It 'exports exactly the cmdlets the assembly defines' {
        $defined = [BuzzKeyMgmt.ModuleInitializer].Assembly.GetTypes() |
            Where-Object { $_.IsPublic -and -not $_.IsAbstract -and $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" } |
            Sort-Object
        $manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'BuzzKeyMgmt.psd1')
        @($manifest.CmdletsToExport | Sort-Object) | Should -Be @($defined)
        @($Module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($defined)
        $defined | Should -Contain 'Test-KeyMgmtEnvironment'
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($name in $Module.ExportedCmdlets.Keys) { ($name -split '-')[0] | Should -BeIn $approved }
    }
}

Describe 'Help' {
    It '<Name> has a synopsis, every parameter described and at least one example' -ForEach @(
        $cmdletNames | ForEach-Object { @{ Name = $_ } }
    ) {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $own = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }
        foreach ($p in $own) {
            $entry = $help.parameters.parameter | Where-Object name -eq $p
            ($entry.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p needs a description"
        }
        @($help.examples.example).Count | Should -BeGreaterThan 0
    }

    It 'runs every example of Test-KeyMgmtEnvironment without error' {
        # A valid (empty) configuration file makes this machine "healthy" for the examples.
        $config = Join-Path ([IO.Path]::GetTempPath()) "bkm-empty-$([guid]::NewGuid().ToString('n')).json"
        Set-Content -Path $config -Value '{ "environments": {} }'
        $saved = $env:BUZZKEYMGMT_CONFIG
        $env:BUZZKEYMGMT_CONFIG = $config
        try {
        foreach ($example in @((Get-Help Test-KeyMgmtEnvironment -Full).examples.example)) {
            $code = ($example.code | Out-String).Trim()
            $errors = $null
            $output = Invoke-Command -ScriptBlock ([scriptblock]::Create($code)) -ErrorVariable errors -ErrorAction Continue
            $errors | Should -BeNullOrEmpty -Because $code
            # Both examples print nothing on a healthy machine (they list only warnings and failures).
            @($output).Count | Should -Be 0 -Because $code
        }
        } finally { $env:BUZZKEYMGMT_CONFIG = $saved; Remove-Item $config }
    }
}

Describe 'Test-KeyMgmtEnvironment' {
    BeforeAll { $script:Checks = @(Test-KeyMgmtEnvironment) }

    It 'returns typed checks with Name, Status and Detail' {
        $Checks.Count | Should -BeGreaterThan 5
        foreach ($c in $Checks) {
            $c.GetType().FullName | Should -Be 'BuzzKeyMgmt.Engine.Diagnostics.EnvironmentCheck'
            $c.Status.GetType().FullName | Should -Be 'BuzzKeyMgmt.Engine.Diagnostics.CheckStatus'
            "$($c.Status)" | Should -BeIn 'Pass', 'Warn', 'Fail'
            $c.Name | Should -Not -BeNullOrEmpty
            $c.Detail | Should -Not -BeNullOrEmpty
        }
    }

    It 'reports the PowerShell and .NET versions' {
        ($Checks | Where-Object Name -eq 'PowerShell').Detail | Should -Match ([regex]::Escape($PSVersionTable.PSVersion.ToString()))
        ($Checks | Where-Object Name -eq '.NET runtime').Detail | Should -Match ([regex]::Escape([Environment]::Version.ToString()))
    }

    It 'reports <Name> loaded from the module''s lib folder into its private load context' -ForEach @(
        @{ Name = 'Engine' }, @{ Name = 'AWSSDK.Core' }, @{ Name = 'AWSSDK.KeyManagementService' }, @{ Name = 'AWSSDK.SecurityToken' },
        @{ Name = 'Microsoft.Data.Sqlite' }, @{ Name = 'Microsoft.Data.SqlClient' }, @{ Name = 'BuzzKeyMgmt.Sandbox' }
    ) {
        $check = $Checks | Where-Object Name -eq $Name
        $check.Status | Should -Be 'Pass'
        $check.Detail | Should -Match "from $([regex]::Escape((Join-Path $ModulePath 'lib')))"
        $check.Detail | Should -Match "load context 'BuzzKeyMgmt'"
    }

    It 'has a table view that shows Status, Name and Detail' {
        $text = $Checks | Select-Object -First 1 | Format-Table | Out-String
        $text | Should -Match 'Status\s+Name\s+Detail'
    }

    It 'stops a malformed parameter at binding' {
        { Test-KeyMgmtEnvironment -SqlServerConnectionString '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,BuzzKeyMgmt.Cmdlets.Diagnostics.TestKeyMgmtEnvironmentCommand'
    }
}
