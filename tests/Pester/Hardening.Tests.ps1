# Secure by default on the wire and in config, input that cannot forge logs, and throttling that ends well (issue points
# 6, 7 and 8), through the built module against the sandbox.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedConfig = $env:BUZZKEYMGMT_CONFIG
    $script:SavedData = $env:XDG_DATA_HOME
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-hardening-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Dir
    $env:BUZZKEYMGMT_CONFIG = Join-Path $Dir 'environments.json'
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 12 -AliasPrefix 'alias/hd-'
    $script:Operator = $Sandbox.Users | Where-Object Name -eq operator
    function Write-Config([string] $Json) { Set-Content -Path $env:BUZZKEYMGMT_CONFIG -Value $Json -Encoding utf8NoBOM }
    function Connect-Emergency { Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042 }
    # Every request the sandbox has counted, by target.
    function Get-Requests { $c = $Sandbox.RequestCounts(); $h = @{}; foreach ($k in $c.Keys) { $h[$k] = $c[$k] }; $h }
    function Get-RequestTotal { [long](@((Get-Requests).Values) | Measure-Object -Sum).Sum }
    $script:Esc = [char]27
    # Display escapes are what should show; the raw characters must not reach the output.
    $script:Evil = "wiped${Esc}[2J${Esc}]0;pwned$([char]7) forged`r`nline$([char]0) $([char]0x202E)gnp.exe"
}
AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    $env:BUZZKEYMGMT_CONFIG = $SavedConfig
    $env:XDG_DATA_HOME = $SavedData
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'Secure by default on the wire and in config' {
    It 'a production environment whose KMS endpoint is plain http to a non-loopback host is refused before any request (STS at the sandbox is never called)' {
        Write-Config (@{ environments = @{ prodhttp = @{ region = $Sandbox.Region; accountId = $Sandbox.AccountId; production = $true
                mfaSerialNumber = $Operator.MfaSerial; roles = @{ emergency = $Sandbox.EmergencyRoleArn }
                endpoints = @{ kms = 'http://192.0.2.2:4566'; sts = $Sandbox.Endpoint; sns = $Sandbox.Endpoint; iam = $Sandbox.Endpoint } } } } | ConvertTo-Json -Depth 5)
        $env:AWS_ACCESS_KEY_ID = $Operator.AccessKeyId; $env:AWS_SECRET_ACCESS_KEY = $Operator.SecretAccessKey
        try {
            $before = Get-Requests
            $err = { Connect-KeyManagement -Environment prodhttp -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042 } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'ConfigurationInvalid,*'
            $err.Exception.Message | Should -BeLike '*environments.prodhttp.endpoints.kms*http://192.0.2.2:4566*not loopback*'
            $after = Get-Requests
            foreach ($k in @($before.Keys) + @($after.Keys) | Sort-Object -Unique) {
                [long]$after[$k] | Should -Be ([long]$before[$k]) -Because "no $k request may be sent for a refused environment"
            }
        }
        finally { Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue }
    }

    It '-EndpointUrl with plain http to a non-loopback host, or with credentials, is refused and never echoes the password' {
        Write-Config '{ "environments": {} }'
        $before = Get-RequestTotal
        $err = { Connect-KeyManagement -Environment sandbox -EndpointUrl 'http://192.0.2.2:4566' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $err.Exception.Message | Should -BeLike '*not loopback*'
        $err = { Connect-KeyManagement -Environment sandbox -EndpointUrl 'https://alice:Hunter2Secret@kms.example.com' } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike "*'https://***@kms.example.com' carries credentials*"
        # The error's own text never has it (the position message quotes the command line as typed, which is the caller's).
        $err.Exception.ToString() + $err.ErrorDetails + $err.CategoryInfo + $err.TargetObject | Should -Not -Match 'Hunter2Secret'
        Get-RequestTotal | Should -Be $before
    }

    It 'an endpoint with a password in the file is refused without echoing it' {
        Write-Config '{ "environments": { "lab": { "region": "us-east-1", "accountId": "123456789012", "endpointUrl": "https://alice:Hunter2Secret@kms.example.com" } } }'
        $err = { Get-KeyMgmtEnvironment } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike '*environments.lab.endpointUrl*https://***@kms.example.com*credentials*'
        ($err | Out-String) + $err.Exception.ToString() | Should -Not -Match 'Hunter2Secret'
    }

    It 'a key written twice is an error that names its line' {
        Write-Config "{`n  `"environments`": {`n    `"prod`": {`n      `"region`": `"us-east-1`", `"accountId`": `"123456789012`",`n      `"production`": true,`n      `"production`": false`n    }`n  }`n}"
        $err = { Get-KeyMgmtEnvironment } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConfigurationInvalid,*'
        $err.Exception.Message | Should -BeLike "*line 6: duplicate key 'environments.prod.production' (first on line 5)*"
    }

    It 'a Region or account with a trailing newline or non-ASCII digits is refused' {
        foreach ($bad in @{ region = "us-east-1`n"; accountId = '123456789012' }, @{ region = 'us-east-1'; accountId = "123456789012`n" },
                         @{ region = 'us-east-1'; accountId = '１２３４５６７８９０１２' }) {
            Write-Config (@{ environments = @{ prod = $bad } } | ConvertTo-Json -Depth 3)
            { Get-KeyMgmtEnvironment } | Should -Throw -ErrorId 'ConfigurationInvalid,*'
        }
    }

    It 'the SQL Server password is in no property, ConvertTo-Json, Format-List or Format-Table of Get-KeyMgmtEnvironment' {
        $secret = 'Sup3r$ecretPw!'
        Write-Config (@{ environments = @{ sqlenv = @{ region = 'us-east-1'; accountId = '123456789012'
                auditStore = @{ provider = 'SqlServer'; connectionString = "Server=tcp:127.0.0.1,1;Database=KeyAudit;User Id=audit;Password=$secret;Encrypt=true" } } } } | ConvertTo-Json -Depth 5)
        $envs = Get-KeyMgmtEnvironment -Name sqlenv
        $pattern = [regex]::Escape($secret)
        $envs.AuditStore.Target | Should -Not -Match $pattern
        $envs.AuditStore.Target | Should -Match 'Database=KeyAudit' -Because 'the rest of the connection string is still shown'
        ($envs | ConvertTo-Json -Depth 8) | Should -Not -Match $pattern
        ($envs | Format-List * | Out-String -Width 400) | Should -Not -Match $pattern
        ($envs.AuditStore | Format-List * | Out-String -Width 400) | Should -Not -Match $pattern
        ($envs | Format-Table | Out-String -Width 400) | Should -Not -Match $pattern
        "$($envs.AuditStore)" | Should -Not -Match $pattern
        @($envs.AuditStore.PSObject.Properties | Where-Object { "$($_.Value)" -match $pattern }) | Should -BeNullOrEmpty
    }
}

Describe 'Input that cannot forge logs' {
    BeforeAll {
        Write-Config '{ "environments": {} }'
        Connect-Emergency
        $script:Revoked = Revoke-EncryptionKey alias/hd-1 -IncidentId INC-2026-0042 -Reason $Evil -Force
        $script:Rows = @(Get-KeyAuditLog -KeyId alias/hd-1)
        # Header styling off, ANSI rendering on: any escape character in the output then came from the data.
        $script:SavedRendering = $PSStyle.OutputRendering
        $script:SavedHeader = $PSStyle.Formatting.TableHeader
        $script:SavedAccent = $PSStyle.Formatting.FormatAccent
        $PSStyle.OutputRendering = 'Ansi'; $PSStyle.Formatting.TableHeader = ''; $PSStyle.Formatting.FormatAccent = ''
        $script:SavedCustom = $PSStyle.Formatting.CustomTableHeaderLabel; $PSStyle.Formatting.CustomTableHeaderLabel = ''
    }
    AfterAll {
        $PSStyle.OutputRendering = $SavedRendering; $PSStyle.Formatting.TableHeader = $SavedHeader; $PSStyle.Formatting.FormatAccent = $SavedAccent
        $PSStyle.Formatting.CustomTableHeaderLabel = $SavedCustom
    }

    It 'stores the reason verbatim and gives it to scripts verbatim' {
        $Rows.Count | Should -Be 2
        foreach ($row in $Rows) { $row.Reason | Should -BeExactly $Evil }
        (Test-KeyAuditIntegrity).IsValid | Should -BeTrue
    }

    It 'the default table view shows it neutralised: visible escapes, no ESC, BEL, CR, NUL or U+202E' {
        $out = $Rows | Format-Table | Out-String -Width 400
        $out | Should -Match ([regex]::Escape('wiped\e[2J\e]0;pwned\a forged\r\nline\0 \u202Egnp.exe'))
        # The header keeps PowerShell's own styling; the rows, where the data is, carry no escape character at all.
        $data = @($out -split "`n" | Where-Object { $_ -match 'REVOKE' })
        $data.Count | Should -Be 2 -Because 'each row is one line: its CR/LF were not printed'
        foreach ($c in $Esc, [char]7, [char]13, [char]0, [char]0x202E) {
            ($data -join '').Contains($c) | Should -BeFalse -Because "U+$('{0:X4}' -f [int]$c) must not reach the terminal"
            $out.Contains($c) | Should -Be ($c -eq $Esc) -Because 'only the header styling may use ESC'
        }
    }

    It 'Format-List shows it neutralised too, and still lists every property' {
        $out = $Rows | Format-List | Out-String -Width 400
        $out | Should -Match ('Reason\s*: ' + [regex]::Escape('wiped\e[2J\e]0;pwned\a forged\r\nline\0 \u202Egnp.exe'))
        $values = @($out -split "`n" | ForEach-Object { ($_ -split ' : ', 2)[-1] })
        foreach ($c in $Esc, [char]7, [char]13, [char]0, [char]0x202E) { ($values -join '').Contains($c) | Should -BeFalse -Because "U+$('{0:X4}' -f [int]$c) must not reach the terminal" }
        foreach ($p in 'AuditId', 'Sequence', 'IncidentId', 'OperatorArn', 'Details', 'RowHash') { $out | Should -Match "(?m)^$p\s*:" }
    }

    It 'a reason of only whitespace is refused before anything is read or written' {
        $before = @(Get-KeyAuditLog).Count
        foreach ($blank in '   ', "`t`r`n", [string][char]0x3000) {
            $err = { Revoke-EncryptionKey alias/hd-2 -IncidentId INC-2026-0042 -Reason $blank -Force } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'ReasonInvalid,*'
        }
        @(Get-KeyAuditLog).Count | Should -Be $before
        (Get-KeyStatus alias/hd-2).State | Should -Be 'Enabled'
    }

    It 'an incident id with a trailing newline or full-width digits is refused by the cmdlet, and by Connect-KeyManagement' {
        $before = @(Get-KeyAuditLog).Count
        foreach ($id in "INC-2026-0042`n", 'INC-２０２６-0042', "INC-2026-0042`r`n") {
            $err = { Revoke-EncryptionKey alias/hd-3 -IncidentId $id -Reason 'bad id' -Force } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'IncidentIdInvalid,*'
            { Connect-KeyManagement -Environment sandbox -IncidentId $id } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }
        @(Get-KeyAuditLog).Count | Should -Be $before
        (Get-KeyStatus alias/hd-3).State | Should -Be 'Enabled'
        @(Get-KeyAuditLog -IncidentId INC-2026-0042 -KeyId alias/hd-1).Count | Should -Be 2 -Because 'the rows of a valid id are found by it'
    }

    It 'a change id with a trailing newline is refused by Request-KeyRecovery, and a blank reason too' {
        $err = { Request-KeyRecovery -KeyId alias/hd-1 -ChangeId "CHG-2026-0107`n" -Reason 'x' -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ChangeIdInvalid,*'
        $err = { Request-KeyRecovery -KeyId alias/hd-1 -ChangeId CHG-2026-0107 -Reason ' ' -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ReasonInvalid,*'
    }
}

Describe 'Throttling that ends well' {
    BeforeEach { Write-Config '{ "environments": {} }'; Connect-Emergency }
    AfterEach { Set-KeyMgmtSandboxFault -Clear }

    It 'ten throttled DisableKeys in a row: the key still ends revoked, verified, with one audit pair' {
        $rule = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind Throttling -Count 10
        $r = Revoke-EncryptionKey alias/hd-4 -IncidentId INC-2026-0042 -Reason 'throttled ten times' -Force
        $rule.Applied | Should -Be 10
        $r.State | Should -Be 'Disabled'
        $r.Verified | Should -BeTrue
        (Get-KeyStatus alias/hd-4).State | Should -Be 'Disabled'
        @(Get-KeyAuditLog -KeyId alias/hd-4 | ForEach-Object { "$($_.OperationId)" } | Sort-Object -Unique).Count | Should -Be 1
        $all = @(Get-KeyStatus -All -ErrorVariable fleetErrs -ErrorAction SilentlyContinue |
            Where-Object { $_.Aliases -notcontains 'alias/buzzkeymgmt-audit-digest' })   # the sandbox's own digest key
        $fleetErrs | Should -BeNullOrEmpty -Because 'the throttling left nothing behind that fails the next fleet read'
        $all.Count | Should -Be 12
    }

    It 'every call throttled with probability 0.5: every key piped ends revoked, and the next Get-KeyStatus -All reads every key' {
        $keys = 5..10 | ForEach-Object { "alias/hd-$_" }
        $rule = Set-KeyMgmtSandboxFault -Operation '*' -Kind Throttling -Probability 0.5
        $out = @($keys | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason 'throttled half the time' -Force -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $rule.Applied | Should -BeGreaterThan 0 -Because 'the fault must have hit for the test to mean anything'
        Set-KeyMgmtSandboxFault -Clear
        $errs | Should -BeNullOrEmpty
        $out.Count | Should -Be $keys.Count
        @($out | Where-Object State -ne 'Disabled') | Should -BeNullOrEmpty
        $all = @(Get-KeyStatus -All -ErrorVariable fleetErrs -ErrorAction SilentlyContinue |
            Where-Object { $_.Aliases -notcontains 'alias/buzzkeymgmt-audit-digest' })   # the sandbox's own digest key
        $fleetErrs | Should -BeNullOrEmpty
        $all.Count | Should -Be 12
        foreach ($k in $keys) { ($all | Where-Object { $_.Aliases -contains $k }).State | Should -Be 'Disabled' }
    }
}
