# Compliance evidence (issue 10, points 3-4) through the cmdlets: Get-KeyCompliance's findings per key and for the audit
# store, -Summary, and Export-KeyComplianceReport's self-contained HTML, rendered by headless Chromium.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-compliance-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 20 -AliasPrefix 'alias/cmp-' -RotationMix
    $script:Kms = New-SandboxKmsClient $Sandbox
    # A key whose description is markup, and an RSA key below the policy's 3072 bits.
    $script:Hostile = $Kms.CreateKeyAsync([Amazon.KeyManagementService.Model.CreateKeyRequest]@{ Description = '<script>alert(1)</script>' }).GetAwaiter().GetResult().KeyMetadata.KeyId
    $script:Small = $Kms.CreateKeyAsync([Amazon.KeyManagementService.Model.CreateKeyRequest]@{ KeySpec = 'RSA_2048'; KeyUsage = 'SIGN_VERIFY' }).GetAwaiter().GetResult().KeyMetadata.KeyId
    # alias/cmp-3 is revoked through the module (audited); the seed disabled alias/cmp-18 behind the audit log's back.
    Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042
    $null = Revoke-EncryptionKey alias/cmp-3 -IncidentId INC-2026-0042 -Reason 'compliance test' -Force
    Connect-KeyManagement -Environment sandbox -Role Admin
    $script:Findings = @(Get-KeyCompliance)
    function Finding([string] $key, [string] $check) { $Findings | Where-Object { ($_.Alias -eq $key -or $_.KeyId -eq $key) -and $_.Check -eq $check } }
    $script:Chromium = (Get-Command chromium -ErrorAction SilentlyContinue)?.Source
}
AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    $env:XDG_DATA_HOME = $SavedData
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'Get-KeyCompliance' {
    It 'writes six findings per key and three for the audit store, each with its requirement' {
        $keys = @($Findings | Where-Object Scope -eq 'Key')
        $keys.Count | Should -Be (23 * 6)   # 20 seeded, the two made here, and the sandbox's audit digest key
        @($Findings | Where-Object Scope -eq 'Store').Check | Should -Be @('AuditChainIntact', 'NothingUnsynced', 'DrillRecent')
        (Finding 'alias/cmp-1' 'RotationRecent').Requirement | Should -Be 'PCI DSS 4.0.1 3.7.4; NIST SP 800-53 SC-12'
        @($Findings | Where-Object { -not $_.Requirement }).Count | Should -Be 0
    }

    It 'judges rotation, key size and the keys the audit log must explain' {
        "$((Finding 'alias/cmp-15' 'RotationEnabled').Status)" | Should -Be 'Fail'          # rotation off
        "$((Finding 'alias/cmp-1' 'RotationEnabled').Status)" | Should -Be 'Pass'
        "$((Finding 'alias/cmp-3' 'DisabledExplained').Status)" | Should -Be 'Pass'          # revoked by the module
        "$((Finding 'alias/cmp-18' 'DisabledExplained').Status)" | Should -Be 'Fail'         # disabled with no record
        (Finding 'alias/cmp-18' 'DisabledExplained').Detail | Should -Match 'no audit record'
        "$((Finding 'alias/cmp-19' 'PendingDeletionExplained').Status)" | Should -Be 'Fail'
        "$((Finding $Small 'KeySize').Status)" | Should -Be 'Fail'
        (Finding $Small 'KeySize').Detail | Should -Match '2048 bits; the policy requires at least 3072'
        "$((Finding $Small 'RotationEnabled').Status)" | Should -Be 'NotApplicable'
    }

    It 'store findings: chain intact, nothing unsynced, no drill recorded yet' {
        $store = @($Findings | Where-Object Scope -eq 'Store')
        @($store.Status | ForEach-Object { "$_" }) | Should -Be @('Pass', 'Pass', 'NotApplicable')
    }

    It '-Summary counts the findings by check and status' {
        $summary = Get-KeyCompliance -Summary
        $summary.Keys | Should -Be 23
        $summary.Fail | Should -Be @($Findings | Where-Object { "$($_.Status)" -eq 'Fail' }).Count
        $summary.Compliant | Should -BeFalse
        ($summary.Checks | Where-Object Check -eq 'KeySize').Fail | Should -Be 1
    }
}

Describe 'Export-KeyComplianceReport' {
    BeforeAll {
        $script:Report = Join-Path $Data 'report.html'
        $script:File = Export-KeyComplianceReport -Path $Report
        $script:Html = Get-Content -Raw $Report
    }

    It 'writes one self-contained file with the counts and no external reference' {
        $File.FullName | Should -Be $Report
        $Html | Should -Match '<span id="count-keys">23<'
        $Html | Should -Match 'Content-Security-Policy'
        $Html | Should -Not -Match '(src|href)\s*=\s*"(https?:|//|file:)'
        $Html | Should -Not -Match '<link\b'
    }

    It 'shows KMS values as text, never as markup' {
        $Html | Should -Not -Match '<script>alert\(1\)</script>'
        $Html | Should -Match '&lt;script&gt;alert\(1\)&lt;/script&gt;'
    }

    It 'refuses to replace a file without -Force, and a path that is not .html, before reading anything' {
        { Export-KeyComplianceReport -Path $Report } | Should -Throw -ErrorId 'ReportExists,*'
        { Export-KeyComplianceReport -Path (Join-Path $Data 'report.txt') } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Export-KeyComplianceReport -Path (Join-Path $Data 'no/such/folder/r.html') } | Should -Throw -ErrorId 'ReportFolderNotFound,*'
        Export-KeyComplianceReport -Path (Join-Path $Data 'whatif.html') -WhatIf
        Test-Path (Join-Path $Data 'whatif.html') | Should -BeFalse
    }

    It 'loads in headless Chromium with the expected counts, its script running, and a screenshot kept under out/' {
        if (-not $Chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (Debian package chromium; .ci/run installs it)'; return }
        $profile = (New-Item -ItemType Directory (Join-Path $Data "chromium-$([guid]::NewGuid().ToString('n'))")).FullName
        $flags = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', "--user-data-dir=$profile")
        $dom = & $Chromium @flags --dump-dom "file://$Report" 2>$null
        $dom = $dom -join "`n"
        $dom | Should -Match '<body[^>]*data-ready="true"'
        $dom | Should -Match '<span id="count-keys">23<'
        $dom | Should -Match ('<span id="count-fail">{0}<' -f @($Findings | Where-Object { "$($_.Status)" -eq 'Fail' }).Count)
        $png = Join-Path (Get-RepoRoot) 'out/compliance-report-cmdlet.png'
        Remove-Item $png -ErrorAction SilentlyContinue
        & $Chromium @flags --screenshot=$png --window-size=1280,2000 "file://$Report" 2>$null | Out-Null
        (Get-Item $png).Length | Should -BeGreaterThan 10000
    }
}
