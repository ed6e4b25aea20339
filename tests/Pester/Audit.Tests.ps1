# The audit cmdlets (issue 5, point 7) over the real embedded SQLite store; rows are written by the engine itself
# (tests/BuzzKeyMgmt.AuditLoad, a separate process appending through the store, as 8 of them do in the xunit suite).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:SavedConfig = $env:BUZZKEYMGMT_CONFIG
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-audit-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $env:BUZZKEYMGMT_CONFIG = Join-Path $Data 'environments.json'
    Set-Content -Path $env:BUZZKEYMGMT_CONFIG -Value '{ "environments": {} }'
    $script:Db = Join-Path $Data 'BuzzKeyMgmt/audit.db'
    $project = Join-Path (Get-RepoRoot) 'tests/BuzzKeyMgmt.AuditLoad/BuzzKeyMgmt.AuditLoad.csproj'
    & dotnet build $project -c Release --nologo -v quiet | Out-Null
    $script:AuditLoad = Join-Path (Get-RepoRoot) 'tests/BuzzKeyMgmt.AuditLoad/bin/Release/net10.0/BuzzKeyMgmt.AuditLoad.dll'
    function Add-AuditRows([int] $count) {
        & dotnet $AuditLoad append $Db $count | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "AuditLoad failed with $LASTEXITCODE" }
    }
}
AfterAll {
    $env:XDG_DATA_HOME = $SavedData
    $env:BUZZKEYMGMT_CONFIG = $SavedConfig
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'Initialize-KeyAuditStore and Get-KeyMgmtPolicy' {
    It 'creates the default store in the data directory and reports the versions applied, then none' {
        $first = Initialize-KeyAuditStore
        $first.Provider | Should -Be 'Sqlite'
        $first.Target | Should -Be $Db
        @($first.AppliedVersions) | Should -Be @(1, 2, 3, 4, 5, 6, 7)
        $first.SchemaVersion | Should -Be 7
        Test-Path $Db | Should -BeTrue
        @((Initialize-KeyAuditStore).AppliedVersions).Count | Should -Be 0
    }

    It 'honours -WhatIf: nothing is created' {
        $other = Join-Path $Data 'elsewhere.db'
        Set-Content -Path $env:BUZZKEYMGMT_CONFIG -Value (@{ environments = @{ lab = @{ region = 'us-east-1'; accountId = '111122223333'; auditStore = @{ provider = 'Sqlite'; path = $other } } } } | ConvertTo-Json -Depth 5)
        Initialize-KeyAuditStore -Environment lab -WhatIf | Should -BeNullOrEmpty
        Test-Path $other | Should -BeFalse
        (Initialize-KeyAuditStore -Environment lab).Target | Should -Be $other
    }

    It 'shows the seeded policy' {
        $p = Get-KeyMgmtPolicy
        $p.RotationPeriodDays | Should -Be 90
        $p.RecoveryWindowDays | Should -Be 7
        $p.MinimumRsaKeyBits | Should -Be 3072
        $p.ApprovalsRequired | Should -Be 2
        $p.MttrTargetMinutes | Should -Be 10
        $p.RecoveryRequestExpiryHours | Should -Be 24
        'INC-2026-0042' | Should -Match $p.IncidentIdPattern
        'CHG-2026-0107' | Should -Match $p.ChangeIdPattern
    }
}

Describe 'Get-KeyAuditLog' {
    BeforeAll {
        Add-AuditRows 20
        Add-AuditRows 20
    }

    It 'returns typed records, newest first' {
        $all = @(Get-KeyAuditLog)
        $all.Count | Should -Be 40
        $all[0].GetType().FullName | Should -Be 'BuzzKeyMgmt.Engine.Audit.AuditRecord'
        $all[0].Sequence | Should -Be 40
        $all[-1].Sequence | Should -Be 1
        @($all | Select-Object -ExpandProperty AuditId -Unique).Count | Should -Be 40
    }

    It 'filters by -Last, -Operation, -IncidentId, -KeyId, -Environment and time' {
        $last = @(Get-KeyAuditLog -Last 5)
        @($last.Sequence) | Should -Be @(40, 39, 38, 37, 36)
        @(Get-KeyAuditLog -Operation REVOKE).Count | Should -Be 40
        @(Get-KeyAuditLog -Operation ROTATE).Count | Should -Be 0
        @(Get-KeyAuditLog -IncidentId INC-2026-0042).Count | Should -Be 40
        @(Get-KeyAuditLog -IncidentId INC-1999-0001).Count | Should -Be 0
        @(Get-KeyAuditLog -KeyId 1234abcd-12ab-34cd-56ef-1234567890ab).Count | Should -Be 40
        $env1 = (Get-KeyAuditLog -Last 1).Environment
        @(Get-KeyAuditLog -Environment $env1).Count | Should -Be 20
        @(Get-KeyAuditLog -Since (Get-Date).AddMinutes(10)).Count | Should -Be 0
        $all = @(Get-KeyAuditLog)
        $from = $all[30].OccurredAtUtc; $to = $all[5].OccurredAtUtc
        $expected = @($all | Where-Object { $_.OccurredAtUtc -ge $from -and $_.OccurredAtUtc -lt $to }).Count
        $expected | Should -BeGreaterThan 0
        @(Get-KeyAuditLog -Since $from.UtcDateTime -Until $to.UtcDateTime).Count | Should -Be $expected
    }

    It 'pipes key status objects by KeyId' {
        @([pscustomobject]@{ KeyId = '1234abcd-12ab-34cd-56ef-1234567890ab' } | Get-KeyAuditLog -Last 3).Count | Should -Be 3
    }

    It 'stops bad input before reading: a reversed time range, an unknown operation, a malformed key' {
        { Get-KeyAuditLog -Since (Get-Date) -Until (Get-Date).AddDays(-1) } | Should -Throw -ErrorId 'InvalidTimeRange,*'
        { Get-KeyAuditLog -Operation REVOKED } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        @(Get-KeyAuditLog -Operation revoke).Count | Should -Be 40   # known operations in any case (issue 14, point 5)
        { Get-KeyAuditLog -KeyId 'not a key' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'has a table view with the operation, outcome (Started for a Started row) and key' {
        (Get-KeyAuditLog -Last 1 | Format-Table | Out-String) | Should -Match 'Seq\s+OccurredAtUtc\s+Operation\s+Outcome\s+Key'
    }
}

Describe 'Test-KeyAuditIntegrity' {
    It 'finds the chain intact' {
        $v = Test-KeyAuditIntegrity
        $v.IsValid | Should -BeTrue
        $v.RowsChecked | Should -Be 40
    }

    It 'names the first broken link after a row is altered behind the store''s back' {
        # Bypass the append-only triggers the way an attacker with database access would.
        $py = @"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
    c.execute('DROP TRIGGER "%s"' % name)
c.execute("UPDATE KeyManagementAudit SET Reason = 'nothing to see' WHERE Sequence = 17")
c.commit()
"@
        & python3 -c $py $Db
        $LASTEXITCODE | Should -Be 0
        $v = Test-KeyAuditIntegrity -WarningVariable w -WarningAction SilentlyContinue
        $v.IsValid | Should -BeFalse
        $v.BrokenSequence | Should -Be 17
        $w | Should -Match 'broken at sequence 17'
    }
}

Describe 'Sync-KeyAuditJournal and an unreachable store' {
    It 'with nothing journaled replays nothing' {
        Set-Content -Path $env:BUZZKEYMGMT_CONFIG -Value (@{ environments = @{ fresh = @{ region = 'us-east-1'; accountId = '111122223333'; auditStore = @{ provider = 'Sqlite'; path = (Join-Path $Data 'fresh.db') } } } } | ConvertTo-Json -Depth 5)
        $null = Initialize-KeyAuditStore -Environment fresh
        $r = Sync-KeyAuditJournal -Environment fresh
        $r.JournalRows | Should -Be 0
        $r.Replayed | Should -Be 0
        $r.StoreChain.IsValid | Should -BeTrue
    }

    It 'an unreachable SQL Server store is an error that never shows the password' {
        $port = Get-ClosedLoopbackPort
        $secret = 'Pw-' + [guid]::NewGuid().ToString('n').Substring(0, 10)
        $cs = "Server=tcp:127.0.0.1,$port;Database=KeyAudit;User Id=audit;Password=$secret;Connect Timeout=2;Encrypt=False"
        Set-Content -Path $env:BUZZKEYMGMT_CONFIG -Value (@{ environments = @{ prod = @{ region = 'us-east-1'; accountId = '111122223333'; auditStore = @{ provider = 'SqlServer'; connectionString = $cs } } } } | ConvertTo-Json -Depth 5)
        $err = { Get-KeyAuditLog -Environment prod -Last 1 } | Should -Throw -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'ResourceUnavailable'
        ($err | Out-String) + $err.Exception.ToString() + $err.ErrorDetails.Message | Should -Not -Match $secret
        $checks = @(Test-KeyMgmtEnvironment -Environment prod)
        "$(($checks | Where-Object Name -eq 'Audit store').Status)" | Should -Be 'Fail'
        ($checks | Out-String -Width 400) | Should -Not -Match $secret
    }
}
