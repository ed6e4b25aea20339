# Test-SqlConnectionEncryption through the built module: an unreachable server is a result (not an error), bad input
# is stopped at binding, -Environment reads the configuration file (SQLite is a clear error; SQL Server is probed), and
# the connection string's password appears in no output and no error text. No SQL Server runs here: the servers are a
# closed loopback port and a loopback listener that never answers.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    Import-Module $ModulePath -Force
    $script:SavedConfig = $env:BUZZKEYMGMT_CONFIG
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-sqltls-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:BUZZKEYMGMT_CONFIG = Join-Path $Dir 'environments.json'
    $script:Secret = 'Pw-' + [guid]::NewGuid().ToString('n').Substring(0, 12)

    function Set-Environments([hashtable] $environments) {
        Set-Content -Path $env:BUZZKEYMGMT_CONFIG -Value (@{ environments = $environments } | ConvertTo-Json -Depth 6)
    }
    function Get-AllText($value) {
        # Every way the object or error can be shown: table, list of every property, the exception chain.
        ($value | Format-Table | Out-String -Width 400) + ($value | Format-List * | Out-String -Width 400) +
        $(if ($value -is [System.Management.Automation.ErrorRecord]) { $value.Exception.ToString() + $value.ErrorDetails + $value.TargetObject } else { $value.ToString() })
    }
}

AfterAll {
    $env:BUZZKEYMGMT_CONFIG = $SavedConfig
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'Test-SqlConnectionEncryption -ConnectionString' {
    It 'reports a closed port as Reachable False with the error, writes no error record, and never shows the password' {
        $port = Get-ClosedLoopbackPort
        $cs = "Server=tcp:127.0.0.1,$port;Database=KeyAudit;User Id=audit;Password=$Secret;Encrypt=Mandatory;Connect Timeout=2"
        $r = Test-SqlConnectionEncryption -ConnectionString $cs -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
        $r.GetType().FullName | Should -Be 'BuzzKeyMgmt.Engine.Audit.SqlServer.SqlConnectionEncryption'
        $r.Reachable | Should -BeFalse
        $r.Compliant | Should -BeFalse
        $r.Error | Should -Not -BeNullOrEmpty
        "$($r.RequestedEncryption)" | Should -Be 'Mandatory'
        $r.Server | Should -Be "tcp:127.0.0.1,$port"
        $r.Problems | Should -Contain "The connection did not open: $($r.Error)"
        ($r.Problems -join "`n") | Should -Match "not observed at 127\.0\.0\.1:${port}: TCP connect failed"
        Get-AllText $r | Should -Not -Match $Secret
    }

    It 'gives up on a listener that never answers within -TimeoutSeconds' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(8)   # connections complete in the backlog; nothing ever answers them
        try {
            $port = $listener.LocalEndpoint.Port
            $cs = "Server=tcp:127.0.0.1,$port;Database=KeyAudit;User Id=audit;Password=$Secret"
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $r = Test-SqlConnectionEncryption -ConnectionString $cs -TimeoutSeconds 2
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $r.Reachable | Should -BeFalse
            ($r.Problems -join "`n") | Should -Match 'PRELOGIN: no answer within 2 s'
            $r.Detail | Should -Contain 'Connect timeout: 2 s.'
            Get-AllText $r | Should -Not -Match $Secret
        }
        finally { $listener.Stop() }
    }

    It 'reads Encrypt and TrustServerCertificate from the string and names them as problems' {
        $port = Get-ClosedLoopbackPort
        $r = Test-SqlConnectionEncryption -ConnectionString "Server=tcp:127.0.0.1,$port;Password=$Secret;Encrypt=False;TrustServerCertificate=True;Connect Timeout=1"
        "$($r.RequestedEncryption)" | Should -Be 'Optional'
        $r.TrustServerCertificate | Should -BeTrue
        @($r.Problems | Where-Object { $_ -like 'Encrypt is Optional*' }).Count | Should -Be 1
        @($r.Problems | Where-Object { $_ -like 'TrustServerCertificate=True*' }).Count | Should -Be 1
        $strict = Test-SqlConnectionEncryption -ConnectionString "Server=tcp:127.0.0.1,$port;Password=$Secret;Encrypt=Strict;Connect Timeout=1"
        "$($strict.RequestedEncryption)" | Should -Be 'Strict'
        @($strict.Problems | Where-Object { $_ -like 'Encrypt is Optional*' -or $_ -like 'TrustServerCertificate*' }).Count | Should -Be 0
    }

    It 'stops a malformed connection string at binding without repeating it' -ForEach @(
        @{ Text = 'Server=db;Password=SECRET;Bogus Keyword=1' }
        @{ Text = "Server=db;Password='SECRET" }
        @{ Text = 'Server=db;Password=SECRET;Encrypt=perhaps' }
        @{ Text = 'Database=KeyAudit;Password=SECRET' }
    ) {
        $bad = $Text.Replace('SECRET', $Secret)
        $err = { Test-SqlConnectionEncryption -ConnectionString $bad } | Should -Throw -ErrorId 'ParameterArgumentValidationError,BuzzKeyMgmt.Cmdlets.Diagnostics.TestSqlConnectionEncryptionCommand' -PassThru
        $err.Exception.Message | Should -Match 'connection string'
        Get-AllText $err | Should -Not -Match $Secret
    }

    It 'stops other bad input at binding' {
        { Test-SqlConnectionEncryption -ConnectionString '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Test-SqlConnectionEncryption -ConnectionString 'Server=db' -TimeoutSeconds 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Test-SqlConnectionEncryption -ConnectionString 'Server=db' -TimeoutSeconds 121 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Test-SqlConnectionEncryption -Environment 'not a name!' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Test-SqlConnectionEncryption -Environment prod -ConnectionString 'Server=db' } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }

    It 'has a table view with reachability, encryption, TLS, certificate expiry and compliance' {
        $port = Get-ClosedLoopbackPort
        $text = Test-SqlConnectionEncryption -ConnectionString "Server=tcp:127.0.0.1,$port;Connect Timeout=1" | Format-Table | Out-String -Width 200
        $text | Should -Match 'Server\s+Reachable\s+Encrypted\s+Protocol\s+Cipher\s+CertExpires\s+Unencrypted\s+Compliant\s+Problems'
        $text | Should -Match "tcp:127\.0\.0\.1,$port\s+False\s+\?"
    }
}

Describe 'Test-SqlConnectionEncryption -Environment' {
    It 'refuses an environment whose audit store is SQLite, saying the check applies to SQL Server' {
        Set-Environments @{ lab = @{ region = 'us-east-1'; accountId = '111122223333'; auditStore = @{ provider = 'Sqlite'; path = (Join-Path $Dir 'lab.db') } } }
        $err = { Test-SqlConnectionEncryption -Environment lab } | Should -Throw -ErrorId 'AuditStoreNotSqlServer,BuzzKeyMgmt.Cmdlets.Diagnostics.TestSqlConnectionEncryptionCommand' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'InvalidOperation'
        $err.Exception.Message | Should -Match "Environment 'lab' keeps its audit records in Sqlite"
        $err.Exception.Message | Should -Match 'applies to SQL Server only'
        $err.TargetObject | Should -Be 'lab'
        Test-Path (Join-Path $Dir 'lab.db') | Should -BeFalse -Because 'nothing is opened or created'
    }

    It 'refuses an environment without an audit store (the embedded SQLite default) the same way' {
        Set-Environments @{ dev = @{ region = 'us-east-1'; accountId = '111122223333' } }
        $err = { Test-SqlConnectionEncryption -Environment dev } | Should -Throw -ErrorId 'AuditStoreNotSqlServer,*' -PassThru
        $err.Exception.Message | Should -Match 'embedded SQLite default'
    }

    It 'names a missing environment as not found' {
        Set-Environments @{ dev = @{ region = 'us-east-1'; accountId = '111122223333' } }
        $err = { Test-SqlConnectionEncryption -Environment nowhere } | Should -Throw -ErrorId 'EnvironmentNotFound,*' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match 'Known: dev'
    }

    It 'probes a SQL Server environment at a closed port: Reachable False, the environment named, no password' {
        $port = Get-ClosedLoopbackPort
        Set-Environments @{ prod = @{ region = 'us-east-1'; accountId = '111122223333'; auditStore = @{ provider = 'SqlServer'; connectionString = "Server=tcp:127.0.0.1,$port;Database=KeyAudit;User Id=audit;Password=$Secret;Connect Timeout=2" } } }
        $r = Test-SqlConnectionEncryption -Environment prod -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
        $r.Environment | Should -Be 'prod'
        $r.Reachable | Should -BeFalse
        $r.Database | Should -Be 'KeyAudit'
        $r.Target | Should -Match 'KeyAudit'
        $r.Target | Should -Not -Match 'password'
        Get-AllText $r | Should -Not -Match $Secret
    }

    It 'reports a malformed connection string in the configuration as such, without the password' {
        Set-Environments @{ prod = @{ region = 'us-east-1'; accountId = '111122223333'; auditStore = @{ provider = 'SqlServer'; connectionString = "Server=db;Password=$Secret;Bogus=1" } } }
        $err = { Test-SqlConnectionEncryption -Environment prod } | Should -Throw -ErrorId 'SqlConnectionStringInvalid,*' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match "Environment 'prod', auditStore.connectionString"
        Get-AllText $err | Should -Not -Match $Secret
    }

    It 'shows no password in a fresh pwsh, in the output nor in the error view' {
        $port = Get-ClosedLoopbackPort
        Set-Environments @{
            prod   = @{ region = 'us-east-1'; accountId = '111122223333'; auditStore = @{ provider = 'SqlServer'; connectionString = "Server=tcp:127.0.0.1,$port;Database=KeyAudit;User Id=audit;Password=$Secret;Connect Timeout=2" } }
            broken = @{ region = 'us-east-1'; accountId = '111122223333'; auditStore = @{ provider = 'SqlServer'; connectionString = "Server=db;Password=$Secret;Bogus=1" } }
        }
        $script = @"
Import-Module '$ModulePath'
Test-SqlConnectionEncryption -Environment prod | Format-List *
Test-SqlConnectionEncryption -Environment prod | Format-Table
Test-SqlConnectionEncryption -Environment broken
Test-SqlConnectionEncryption -Environment prod -Verbose 4>&1
'done'
"@
        $r = Invoke-FreshPwsh -Script $script -Environment @{ BUZZKEYMGMT_CONFIG = $env:BUZZKEYMGMT_CONFIG } -TimeoutSeconds 120
        $all = ($r.Output -join "`n") + $r.Error
        $r.Output | Should -Contain 'done'
        $all | Should -Match 'Reachable\s+: False'
        $all | Should -Match "Environment 'broken', auditStore.connectionString"
        $all | Should -Not -Match $Secret
    }
}
