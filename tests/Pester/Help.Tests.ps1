# Help as platyPS makes it (issue 14, point 10), for every exported cmdlet (a new cmdlet is checked as soon as it
# exists): synopsis, description, every parameter described, an example, INPUTS, OUTPUTS, RELATED LINKS, [-WhatIf]
# [-Confirm] in SYNTAX when the cmdlet supports ShouldProcess, types without "Nullable", wildcard parameters marked;
# and the about topics.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Cmdlets = @((Import-Module (Get-BuiltModulePath) -PassThru -Force).ExportedCmdlets.Keys | Sort-Object)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    Import-Module $ModulePath -Force
    $script:Common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Help of <_>' -ForEach $Cmdlets {
    BeforeAll {
        $script:Name = $_
        $script:Command = Get-Command $Name
        $script:Help = Get-Help $Name -Full
        $script:Text = Get-Help $Name -Full | Out-String -Width 200
    }

    It 'has a synopsis, a description and an example' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis | Should -Not -BeLike "$Name *" -Because 'a written synopsis, not the syntax PowerShell makes up'
        ($Help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($Help.examples.example).Count | Should -BeGreaterThan 0
    }

    It 'describes every parameter, WhatIf and Confirm included when it supports ShouldProcess' {
        $documented = @($Help.parameters.parameter)
        foreach ($p in $Command.Parameters.Values | Where-Object { $_.Name -notin $Common -or $_.Name -in 'WhatIf', 'Confirm' }) {
            $entry = $documented | Where-Object name -eq $p.Name
            $entry | Should -Not -BeNullOrEmpty -Because "-$($p.Name) is documented"
            ($entry.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$($p.Name) has a description"
        }
    }

    It 'lists [-WhatIf] [-Confirm] in SYNTAX exactly when it supports ShouldProcess' {
        $supports = $Command.Parameters.ContainsKey('WhatIf')
        $syntax = Get-Help $Name | Out-String -Width 400
        foreach ($item in @($Help.syntax.syntaxItem)) {
            @($item.parameter.name) -contains 'WhatIf' | Should -Be $supports
            @($item.parameter.name) -contains 'Confirm' | Should -Be $supports
        }
        ($syntax -match '\[-WhatIf\] \[-Confirm\]') | Should -Be $supports
    }

    It 'shows types as platyPS does: no Nullable, no generic arity' {
        $Text | Should -Not -Match 'Nullable'
        $Text | Should -Not -Match '`\d'
    }

    It 'marks wildcard parameters as accepting wildcards, and only those' {
        foreach ($p in $Command.Parameters.Values | Where-Object { $_.Name -notin $Common }) {
            $wild = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            ($Help.parameters.parameter | Where-Object name -eq $p.Name).globbing | Should -Be $wild.ToString().ToLower() -Because "-$($p.Name)"
        }
        if ($Command.Parameters.Values | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] } }) {
            $Text | Should -Match 'Accept wildcard characters\??\s+true'
        }
    }

    It 'fills INPUTS, OUTPUTS and RELATED LINKS' {
        $inputs = @($Help.inputTypes.inputType)
        $inputs.Count | Should -BeGreaterThan 0
        foreach ($i in $inputs) { $i.type.name | Should -Not -BeNullOrEmpty }
        $piped = @($Command.Parameters.Values | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } })
        if ($piped) { @($inputs.type.name) | Should -Not -Contain 'None' } else { @($inputs.type.name) | Should -Be @('None') }
        $outputs = @($Help.returnValues.returnValue)
        $outputs.Count | Should -BeGreaterThan 0
        foreach ($o in $outputs) { $o.type.name | Should -Not -BeNullOrEmpty; ($o.description | Out-String).Trim() | Should -Not -BeNullOrEmpty }
        foreach ($t in $Command.OutputType | Where-Object { $_.Name -ne 'System.Void' }) { @($outputs.type.name) | Should -Contain $t.Name }
        $links = @($Help.relatedLinks.navigationLink.linkText)
        $links | Should -Contain 'about_BuzzKeyMgmt'
        @($links | Where-Object { $_ -notlike 'about_*' }).Count | Should -BeGreaterThan 0 -Because 'related cmdlets are linked'
        foreach ($l in $links | Where-Object { $_ -notlike 'about_*' }) { Get-Command $l -Module BuzzKeyMgmt | Should -Not -BeNullOrEmpty }
        $Text | Should -Match '(?m)^INPUTS'
        $Text | Should -Match '(?m)^OUTPUTS'
        $Text | Should -Match '(?m)^RELATED LINKS'
    }
}

Describe 'About topics' {
    It 'Get-Help about_BuzzKeyMgmt explains the model, and about_BuzzKeyMgmt_Configuration the file' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
(Get-Help about_BuzzKeyMgmt | Out-String) -replace '\s+', ' '
'-----'
(Get-Help about_BuzzKeyMgmt_Configuration | Out-String) -replace '\s+', ' '
"@
        $r = Invoke-FreshPwsh -Script $script
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $model, $config = ($r.Output -join ' ') -split '-----'
        foreach ($heading in 'ENVIRONMENTS', 'ROLES', 'SESSIONS', 'AUDIT', 'ALERTS', 'SANDBOX') { $model | Should -Match $heading }
        $model | Should -Match 'Connect-KeyManagement'
        foreach ($key in 'region', 'accountId', 'roles.admin', 'mfaSerialNumber', 'alertTopicArn', 'auditStore', 'auditDigests', 'endpoints', 'endpointUrl', 'BUZZKEYMGMT_CONFIG') {
            $config | Should -Match ([regex]::Escape($key))
        }
    }
}
