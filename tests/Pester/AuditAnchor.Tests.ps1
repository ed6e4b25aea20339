# The audit chain anchored outside its database (issue 5, point 5), through the built module against the sandbox: every
# state-changing cmdlet's result and alert carry the chain head and its signed digest, and each attack that a plain
# Test-KeyAuditIntegrity passes is caught by Test-KeyAuditIntegrity -Digests with its own finding. The attacks are made
# as the database's owner makes them: with python3's sqlite3 (dropping the append-only triggers, recomputing the chain
# with an independent implementation of the public canonical form, restoring a copy with SQLite's backup API), or by
# deleting the file, after which a fresh process finds the default store created again, empty.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:Root = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-anchor-$([guid]::NewGuid().ToString('n'))")).FullName
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru -NoQuotas
    $null = Add-KeyMgmtSandboxKey -Count 60 -AliasPrefix 'alias/anc-'
    $script:NextKey = 0
    Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042

    # A fresh default store (and so a fresh digest folder beside it) for one test: the sandbox's environment uses the
    # default store of the data directory.
    function Use-FreshStore {
        $data = (New-Item -ItemType Directory (Join-Path $Root ([guid]::NewGuid().ToString('n')))).FullName
        $env:XDG_DATA_HOME = $data
        [pscustomobject]@{ Data = $data; Db = Join-Path $data 'BuzzKeyMgmt/audit.db'; Digests = Join-Path $data 'BuzzKeyMgmt/digests/audit' }
    }
    function Revoke-Next {
        $script:NextKey++
        Revoke-EncryptionKey -KeyId "alias/anc-$NextKey" -IncidentId INC-2026-0042 -Reason 'anchor test' -Force -WarningAction SilentlyContinue -WarningVariable script:LastWarnings
    }
    function Test-Anchored($store) { Test-KeyAuditIntegrity -Digests $store.Digests -WarningAction SilentlyContinue -WarningVariable script:VerifyWarnings }
    function Invoke-Owner([string] $python, [string[]] $arguments) {
        & python3 -c $python @arguments
        if ($LASTEXITCODE -ne 0) { throw "python3 failed with $LASTEXITCODE" }
    }
    $script:DropTriggers = @'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
    c.execute('DROP TRIGGER "%s"' % name)
'@
}
AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    $env:XDG_DATA_HOME = $SavedData
    Remove-Item -Recurse -Force $Root -ErrorAction SilentlyContinue
}

Describe 'Every state-changing cmdlet anchors the chain' {
    It 'returns the chain head and the signed digest, publishes both with the alert, and the chain verifies against the digests' {
        $store = Use-FreshStore
        $first = Revoke-Next
        $second = Revoke-Next
        $second.ChainHead.Sequence | Should -Be 4
        $second.ChainHead.RowHash | Should -Be (Get-KeyAuditLog -Last 1).RowHash
        $second.Digest.Number | Should -Be 2
        $second.Digest.PreviousDigestHash | Should -Be $first.Digest.Hash
        $second.Digest.KeyId | Should -Be $Sandbox.AuditDigestKeyArn
        Test-Path (Join-Path $store.Digests 'digest-000000000002.json') | Should -BeTrue

        $body = (Get-KeyMgmtSandboxMessage -Last 1).Message | ConvertFrom-Json
        $body.alertId | Should -Be $second.AlertId
        $body.chainHead.sequence | Should -Be 4
        $body.chainHead.rowHash | Should -Be $second.ChainHead.RowHash
        $body.digest.hash | Should -Be $second.Digest.Hash
        $body.digest.signature | Should -Be $second.Digest.Signature

        $v = Test-Anchored $store
        $v.GetType().Name | Should -Be 'AnchoredChainVerification'
        $v.IsValid | Should -BeTrue
        @($v.Findings).Count | Should -Be 0
        "$($v.Mode)" | Should -Be 'Newest'
        ($v.DigestsListed, $v.DigestsRead) | Should -Be @(2, 1)   # the newest digest's signature and the row chain prove rows 1-4
        $v.NewestDigest.LastSequence | Should -Be 4
        @($VerifyWarnings).Count | Should -Be 0
        $all = Test-KeyAuditIntegrity -Digests $store.Digests -AllDigests
        $all.IsValid | Should -BeTrue
        $all.DigestsAuthenticated | Should -Be 2
    }
}

Describe 'Attacks a chain walk alone passes, caught against the digests' {
    It 'rows deleted at the tail: TailRowsMissing' {
        $store = Use-FreshStore
        1..3 | ForEach-Object { $null = Revoke-Next }
        Invoke-Owner ($DropTriggers + "`nc.execute('DELETE FROM KeyManagementAudit WHERE Sequence > 4')`nc.commit()") $store.Db
        (Test-KeyAuditIntegrity).IsValid | Should -BeTrue        # the gap this closes: a shorter chain is still a valid chain
        $v = Test-Anchored $store
        $v.IsValid | Should -BeFalse
        @($v.Findings.Kind | ForEach-Object { "$_" }) | Should -Be @('TailRowsMissing')
        $v.Findings[0].Sequence | Should -Be 5
        ($VerifyWarnings -join "`n") | Should -Match 'TailRowsMissing: the store ends at row 4'
    }

    It 'the chain edited and recomputed with the public canonical form: RewrittenChain' {
        $store = Use-FreshStore
        1..3 | ForEach-Object { $null = Revoke-Next }
        # sql/README.md's canonical form "v1", implemented again here: length-prefixed UTF-8 fields, ~ for null.
        $rewrite = $DropTriggers + @'

import hashlib
columns = ["Sequence", "AuditId", "OperationId", "OccurredAtUtc", "Environment", "Operation", "Phase", "Outcome", "KeyId", "KeyArn",
           "Alias", "IncidentId", "ChangeId", "Reason", "IsEmergency", "OperatorArn", "OperatorName", "ClientHost", "ClientAddress",
           "Approvals", "DurationMs", "ErrorCode", "ErrorMessage", "AlertMessageId", "Details"]
def field(v):
    if v is None: return "|~"
    t = str(v)
    return "|%d:%s" % (len(t.encode("utf-8")), t)
c.execute("UPDATE KeyManagementAudit SET Reason = 'routine maintenance' WHERE Sequence = 3")
prev = c.execute("SELECT RowHash FROM KeyManagementAudit WHERE Sequence = 2").fetchone()[0]
for row in c.execute("SELECT %s FROM KeyManagementAudit WHERE Sequence >= 3 ORDER BY Sequence" % ", ".join(columns)).fetchall():
    text = "v1" + "".join(field(v) for v in row) + field(prev)
    h = hashlib.sha256(text.encode("utf-8")).hexdigest()
    c.execute("UPDATE KeyManagementAudit SET PreviousHash = ?, RowHash = ? WHERE Sequence = ?", (prev, h, row[0]))
    prev = h
c.commit()
'@
        Invoke-Owner $rewrite $store.Db
        (Get-KeyAuditLog -Last 4 | Where-Object Sequence -eq 3).Reason | Should -Be 'routine maintenance'
        (Test-KeyAuditIntegrity).IsValid | Should -BeTrue
        $v = Test-Anchored $store
        @($v.Findings.Kind | ForEach-Object { "$_" }) | Should -Be @('RewrittenChain')
        $v.Findings[0].Sequence | Should -Be 3
        $v.Findings[0].Detail | Should -Match 'a row in 3-4 was edited and the chain recomputed'
    }

    It 'an older copy restored: Rollback, and the next operation is not anchored on top of it' {
        $store = Use-FreshStore
        $null = Revoke-Next
        $copy = Join-Path $store.Data 'audit-copy.db'
        $backup = "import sqlite3, sys`nsrc = sqlite3.connect(sys.argv[1]); dst = sqlite3.connect(sys.argv[2]); src.backup(dst); dst.close()"
        Invoke-Owner $backup $store.Db, $copy
        1..2 | ForEach-Object { $null = Revoke-Next }
        Invoke-Owner $backup $copy, $store.Db                  # the owner restores the copy, as sqlite3's .restore does
        (Test-KeyAuditIntegrity).IsValid | Should -BeTrue
        (Test-KeyAuditIntegrity).LastSequence | Should -Be 2
        $v = Test-Anchored $store
        @($v.Findings.Kind | ForEach-Object { "$_" }) | Should -Be @('Rollback')
        $v.Findings[0].Detail | Should -Match 'exactly as digest #1'

        $next = Revoke-Next
        $next.Digest | Should -BeNullOrEmpty
        ($LastWarnings -join "`n") | Should -Match 'no longer holds the chain that digest #3 signed'
        $v = Test-Anchored $store
        @($v.Findings.Kind | ForEach-Object { "$_" }) | Should -Be @('Rollback')
        $v.Findings[0].Detail | Should -Match 'then holds other rows'
    }

    It 'the store file deleted: a fresh process finds the default store recreated, and RecreatedStore' {
        $store = Use-FreshStore
        1..2 | ForEach-Object { $null = Revoke-Next }
        Remove-Item "$($store.Db)*" -Force
        # A new process, as the next operator's session would be: an environments file naming the sandbox and the digests,
        # the operator's own (read-only) credentials from the environment.
        $config = Join-Path $store.Data 'environments.json'
        @{ environments = @{ lab = @{ region = $Sandbox.Region; accountId = $Sandbox.AccountId; endpointUrl = $Sandbox.Endpoint
                    auditDigests = @{ path = $store.Digests; keyId = 'alias/buzzkeymgmt-audit-digest' } } } } | ConvertTo-Json -Depth 5 | Set-Content $config
        $operator = $Sandbox.Users | Where-Object Name -eq operator
        $r = Invoke-FreshPwsh -TimeoutSeconds 120 -Environment @{
            BUZZKEYMGMT_CONFIG = $config; XDG_DATA_HOME = $store.Data; AWS_ACCESS_KEY_ID = $operator.AccessKeyId; AWS_SECRET_ACCESS_KEY = $operator.SecretAccessKey
            AWS_SESSION_TOKEN = $null; AWS_PROFILE = $null; AWS_CONFIG_FILE = '/dev/null'; AWS_SHARED_CREDENTIALS_FILE = '/dev/null'; AWS_EC2_METADATA_DISABLED = 'true'
        } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-BuiltModulePath)'
"plain=`$((Test-KeyAuditIntegrity -Environment lab).IsValid)"
`$v = Test-KeyAuditIntegrity -Environment lab -Digests '$($store.Digests)' -WarningAction SilentlyContinue
"valid=`$(`$v.IsValid)"
"kinds=`$(@(`$v.Findings.Kind) -join ',')"
"detail=`$(`$v.Findings[0].Detail)"
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output + $r.Error -join "`n")
        $r.Output | Should -Contain 'plain=True'
        $r.Output | Should -Contain 'valid=False'
        $r.Output | Should -Contain 'kinds=RecreatedStore'
        ($r.Output -match '^detail=') | Should -Match 'the store is empty, but digest #2'
    }

    It 'a digest altered after signing: DigestNotVerified' {
        $store = Use-FreshStore
        1..2 | ForEach-Object { $null = Revoke-Next }
        $file = Join-Path $store.Digests 'digest-000000000002.json'
        (Get-Content $file -Raw) -replace '"lastSequence": 4', '"lastSequence": 3' | Set-Content $file -NoNewline
        $v = Test-Anchored $store
        $v.IsValid | Should -BeFalse
        ($v.Findings | Where-Object { "$($_.Kind)" -eq 'DigestNotVerified' }).DigestNumber | Should -Be 2
        ($VerifyWarnings -join "`n") | Should -Match 'DigestNotVerified: digest #2'
    }

    It 'needs the digest key: named by the environment, or -DigestKeyId, and a digest signed by another key does not verify' {
        $store = Use-FreshStore
        $null = Revoke-Next
        $kms = New-SandboxKmsClient $Sandbox
        $other = $kms.CreateKeyAsync([Amazon.KeyManagementService.Model.CreateKeyRequest]@{ KeySpec = 'ECC_NIST_P256'; KeyUsage = 'SIGN_VERIFY' }).GetAwaiter().GetResult().KeyMetadata.Arn
        $v = Test-KeyAuditIntegrity -Digests $store.Digests -DigestKeyId $other -WarningAction SilentlyContinue
        "$($v.Findings[0].Kind)" | Should -Be 'DigestNotVerified'
        $v.Findings[0].Detail | Should -Match ([regex]::Escape("not the digest key $other"))
        { Test-KeyAuditIntegrity -Digests (Join-Path $store.Data 'nowhere') } | Should -Throw -ErrorId 'DigestFolderNotFound,*'
    }
}
