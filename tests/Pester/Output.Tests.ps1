# Output that reads and exports (issue 14, points 4 and 11): every type a format file gives a table view renders real
# objects (made against one sandbox by ViewSamples.ps1) within 120 columns with its distinguishing values whole;
# Test-KeyMgmtEnvironment colours Fail/Warn only when $PSStyle renders ANSI; results export to CSV without .NET type
# names and to JSON with durations as numbers; Connect-KeyManagement and Start-KeyMgmtSandbox say one line outside the
# pipeline; Add-KeyMgmtSandboxKey returns what it created; Stop-KeyMgmtSandbox honours -WhatIf.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    # The types the built module's format files give a table view: a new one without a sample fails below.
    $script:TableTypes = @(Get-ChildItem (Get-BuiltModulePath) -Filter *.format.ps1xml | ForEach-Object {
        ([xml](Get-Content -Raw $_.FullName)).Configuration.ViewDefinitions.View |
            Where-Object { $_['TableControl'] } | ForEach-Object { $_.ViewSelectedBy.TypeName }
    } | Sort-Object -Unique)
    # Results (KeyMgmtSession and KeyMgmtEnvironment are handles and settings, not results to export).
    $script:ExportTypes = @($TableTypes | Where-Object { $_ -notin 'BuzzKeyMgmt.Engine.Identity.KeyMgmtSession', 'BuzzKeyMgmt.Engine.Configuration.KeyMgmtEnvironment' })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:SavedConfig = $env:BUZZKEYMGMT_CONFIG
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-output-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $env:BUZZKEYMGMT_CONFIG = Join-Path $Data 'no-such-environments.json'   # Test-KeyMgmtEnvironment warns about it
    $script:StartOutput = @(Start-KeyMgmtSandbox -InformationVariable startInfo)
    $script:StartInfo = @($startInfo)
    $script:Samples = & (Join-Path $PSScriptRoot 'ViewSamples.ps1') 6>$null
    function Strip([string] $text) { $text -replace "`e\[[0-9;]*[A-Za-z]", '' }
}

AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox -WarningAction SilentlyContinue
    $env:XDG_DATA_HOME = $SavedData
    $env:BUZZKEYMGMT_CONFIG = $SavedConfig
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'The table view of <_>' -ForEach $TableTypes {
    BeforeAll { $script:Type = $_ }

    It 'has real samples in ViewSamples.ps1' {
        $Samples.Contains($Type) | Should -BeTrue -Because "ViewSamples.ps1 must make objects of every type with a table view ($Type)"
        $Samples[$Type].Objects.Count | Should -BeGreaterThan 0
        foreach ($o in $Samples[$Type].Objects) { $o.PSObject.TypeNames[0] | Should -Be $Type }
    }

    It 'fits 120 columns and shows the distinguishing values whole' {
        $text = $Samples[$Type].Objects | Format-Table | Out-String -Width 120
        $lines = @((Strip $text) -split "`r?`n")
        $long = @($lines | Where-Object { $_.Length -gt 120 })
        $long | Should -BeNullOrEmpty -Because "no line of $Type's table is longer than 120 columns"
        foreach ($value in $Samples[$Type].Whole) {
            $text.Contains($value) | Should -BeTrue -Because "'$value' is shown whole in $Type's table:`n$text"
        }
        # Only Test-KeyMgmtEnvironment's free-text Detail may wrap; every other table has one line per object.
        if ($Type -ne 'BuzzKeyMgmt.Engine.Diagnostics.EnvironmentCheck') {
            @($lines | Where-Object { $_.Trim() }).Count | Should -Be ($Samples[$Type].Objects.Count + 2) -Because "rows do not wrap:`n$text"
        }
    }
}

Describe 'Test-KeyMgmtEnvironment colours Fail and Warn' {
    BeforeAll {
        $script:Checks = $Samples['BuzzKeyMgmt.Engine.Diagnostics.EnvironmentCheck'].Objects
        $script:SavedRendering = $PSStyle.OutputRendering
    }
    AfterEach { $PSStyle.OutputRendering = $SavedRendering }

    It 'in colour when $PSStyle renders ANSI' {
        @($Checks | Where-Object { "$($_.Status)" -eq 'Warn' }).Count | Should -BeGreaterThan 0 -Because 'the missing configuration file is a warning'
        $PSStyle.OutputRendering = 'Ansi'
        $text = $Checks | Format-Table | Out-String -Width 120
        $text | Should -Match ([regex]::Escape("$($PSStyle.Foreground.Yellow)Warn$($PSStyle.Reset)"))
        $text | Should -Not -Match ([regex]::Escape("$($PSStyle.Foreground.Yellow)Pass")) -Because 'Pass stays plain'
    }

    It 'in plain text when $PSStyle.OutputRendering is PlainText' {
        $PSStyle.OutputRendering = 'PlainText'
        $text = $Checks | Format-Table | Out-String -Width 120
        $text.Contains([string][char]27) | Should -BeFalse
        $text | Should -Match '(?m)^Warn\s+Configuration'
    }
}

Describe 'Export-Csv and ConvertTo-Json of <_>' -ForEach $ExportTypes {
    BeforeAll { $script:Type = $_; $script:Objects = $Samples[$Type].Objects }

    It 'writes no .NET type name into any CSV cell' {
        $rows = @($Objects | ConvertTo-Csv | ConvertFrom-Csv)
        $rows.Count | Should -Be $Objects.Count
        # A cell holds a type name when the value's text is its type's (object.ToString() not overridden), or a collection's.
        $named = [System.Collections.Generic.List[string]]::new()
        for ($i = 0; $i -lt $rows.Count; $i++) {
            foreach ($p in $Objects[$i].PSObject.Properties) {
                $value = $p.Value
                if ($null -eq $value -or $value -is [string] -or $value -is [ValueType]) { continue }
                $cell = $rows[$i].($p.Name)
                if ($cell -eq $value.GetType().ToString() -or $cell -match 'System\.Collections|`\d\[') { $named.Add("$($p.Name) = $cell") }
            }
        }
        $named | Should -BeNullOrEmpty -Because "every property of $Type is written as data"
    }

    It 'writes durations as numbers of milliseconds in JSON, never an expanded TimeSpan' {
        $json = $Objects | ConvertTo-Json -Depth 6 -WarningAction SilentlyContinue
        $json | Should -Not -Match '"(Ticks|TotalMilliseconds)"'
        foreach ($o in @($json | ConvertFrom-Json)) {
            foreach ($name in 'DurationMs', 'GenerateDataKeyMs', 'DecryptMs') {
                if ($null -ne $o.PSObject.Properties[$name] -and $null -ne $o.$name) { $o.$name | Should -BeOfType [long] }
            }
        }
    }
}

Describe 'Flat list-valued properties' {
    It 'KeyStatus Aliases and Tags are ;-joined in CSV and a list and an object in JSON' {
        $status = $Samples['BuzzKeyMgmt.Engine.Status.KeyStatus'].Objects[0]
        $row = $status | ConvertTo-Csv | ConvertFrom-Csv
        $row.Aliases | Should -Be ($status.Aliases -join ';')
        @($row.Tags -split ';' | Sort-Object) | Should -Be @("DataClass=$($status.Tags['DataClass'])", "Owner=$($status.Tags['Owner'])")
        $json = $status | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        @($json.Aliases) | Should -Be @($status.Aliases)
        $json.Tags.Owner | Should -Be $status.Tags['Owner']
    }

    It 'RevocationResult Warnings and StepMilliseconds, RecoveryResult ApprovedBy read as text in CSV' {
        $revoked = $Samples['BuzzKeyMgmt.Engine.Operations.Revocation.RevocationResult'].Objects[0]
        $row = $revoked | ConvertTo-Csv | ConvertFrom-Csv
        $row.StepMilliseconds | Should -Match '^(\w+=\d+;)*\w+=\d+$'
        $row.StepMilliseconds | Should -Match 'disable=\d+'
        [long]$row.DurationMs | Should -Be $revoked.DurationMs
        $restored = $Samples['BuzzKeyMgmt.Engine.Operations.Recovery.RecoveryResult'].Objects[0]
        ($restored | ConvertTo-Csv | ConvertFrom-Csv).ApprovedBy | Should -Be ($restored.ApprovedBy -join ';')
        @($restored.ApprovedBy).Count | Should -Be 2
    }

    It 'the README recipe exports KeyStatus to CSV that reads back' {
        $path = Join-Path $Data 'keys.csv'
        # README: Get-KeyStatus -All | Export-Csv keys.csv
        $Samples['BuzzKeyMgmt.Engine.Status.KeyStatus'].Objects | Export-Csv -Path $path
        $back = @(Import-Csv $path)
        $back.Count | Should -Be $Samples['BuzzKeyMgmt.Engine.Status.KeyStatus'].Objects.Count
        ($back[0].Aliases -split ';')[0] | Should -BeLike 'alias/CEK_Payments_Ledger_*'
        Get-Content -Raw $path | Should -Not -Match 'System\.'
    }
}

Describe 'One line of what was done, outside the pipeline' {
    It 'Start-KeyMgmtSandbox says where it runs on the information stream and writes nothing to the pipeline' {
        $StartOutput.Count | Should -Be 0
        $StartInfo.Count | Should -Be 1
        "$($StartInfo[0])" | Should -Match '^Sandbox running at http://127\.0\.0\.1:\d+ \(account \d{12}, Regions us-east-1, eu-west-2\)'
        $StartInfo[0].Tags | Should -Contain 'PSHOST'
    }

    It 'Connect-KeyManagement says whom it connected as, until when; -InformationAction Ignore silences it' {
        $out = @(Connect-KeyManagement -Environment sandbox -Role Admin 6>&1)
        $out.Count | Should -Be 1
        $out[0] | Should -BeOfType [System.Management.Automation.InformationRecord]
        "$($out[0])" | Should -Match '^Connected to sandbox as Admin \(arn:aws:sts::\d{12}:assumed-role/BuzzKeyMgmtAdmin/operator@\S+\), until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\.$'
        @(Connect-KeyManagement -Environment sandbox -Role Admin -InformationAction Ignore 6>&1).Count | Should -Be 0
        $session = @(Connect-KeyManagement -Environment sandbox -Role Admin -PassThru -InformationAction Ignore)
        $session.Count | Should -Be 1 -Because '-PassThru writes the session and nothing else'
    }
}

Describe 'Add-KeyMgmtSandboxKey and Stop-KeyMgmtSandbox' {
    It 'Add-KeyMgmtSandboxKey returns the keys it created: count, ids and aliases, a taken alias suffixed' {
        $added = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix 'alias/out-'
        $added.Count | Should -Be 3
        "$added" | Should -Be '3'
        @($added.Aliases) | Should -Be @('alias/out-1', 'alias/out-2', 'alias/out-3')
        (Get-KeyStatus alias/out-2).KeyId | Should -Be $added.KeyIds[1]
        $again = Add-KeyMgmtSandboxKey -Count 1 -AliasPrefix 'alias/out-'
        $again.Aliases[0] | Should -Be "alias/out-1-$($again.KeyIds[0].Substring(0, 8))"
    }

    It 'Stop-KeyMgmtSandbox -WhatIf leaves the sandbox running' {
        Stop-KeyMgmtSandbox -WhatIf
        @(Get-KeyMgmtEnvironment -Name sandbox).Count | Should -Be 1
        (Get-KeyStatus alias/out-1).State | Should -Be 'Enabled'
    }
}
