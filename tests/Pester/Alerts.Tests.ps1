# Alerts (issue 6, point 4 and the SNS-down case of point 7): one SNS message per outcome, success and failure,
# read back from the sandbox; SNS down puts the alert in the outbox without blocking the revocation, and
# Sync-KeyAuditJournal delivers it exactly once later.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:SavedData = $env:XDG_DATA_HOME
    $script:Data = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-alerts-$([guid]::NewGuid().ToString('n'))")).FullName
    $env:XDG_DATA_HOME = $Data
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 6 -AliasPrefix 'alias/al-'
    function Connect-Emergency { Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042 }
}
AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    $env:XDG_DATA_HOME = $SavedData
    Remove-Item -Recurse -Force $Data -ErrorAction SilentlyContinue
}

Describe 'Revocation alerts' {
    It 'publishes one alert per revocation with the subject, body and attributes subscriptions filter on' {
        Connect-Emergency
        $r = Revoke-EncryptionKey alias/al-1 -IncidentId INC-2026-0042 -Reason 'leaked credentials' -Force
        $r.AlertDelivery | Should -Be 'Published'
        $m = Get-KeyMgmtSandboxMessage -Last 1
        $m.MessageId | Should -Be $r.AlertMessageId
        $m.TopicArn | Should -Be $Sandbox.AlertTopicArn
        $m.Subject | Should -Be '[sandbox] KEY REVOKED alias/al-1 (INC-2026-0042)'
        $m.Subject.Length | Should -BeLessThan 100
        $body = $m.Message | ConvertFrom-Json
        $body.event | Should -Be 'key.revoke.succeeded'
        $body.environment | Should -Be 'sandbox'
        $body.alias | Should -Be 'alias/al-1'
        $body.incidentId | Should -Be 'INC-2026-0042'
        $body.operator | Should -Be 'operator'
        $body.outcome | Should -Be 'Succeeded'
        $body.auditId | Should -Be "$($r.AuditId)"
        $body.timings.disable | Should -BeGreaterOrEqual 0
        $m.Attributes['environment'].Value | Should -Be 'sandbox'
        $m.Attributes['operation'].Value | Should -Be 'REVOKE'
        $m.Attributes['outcome'].Value | Should -Be 'Succeeded'
        $m.Attributes['severity'].Value | Should -Not -BeNullOrEmpty
        # The Completed row is written before the alert is published, so it names the alert by the id the client made,
        # which the message body carries as alertId; SNS's MessageId is in the result.
        $r.AlertId | Should -Not -BeNullOrEmpty
        $body.alertId | Should -Be $r.AlertId
        (Get-KeyAuditLog -KeyId alias/al-1 -Last 1).AlertMessageId | Should -Be $r.AlertId
    }

    It 'publishes a refusal alert (a warning: nothing was sent to KMS) when the revocation is refused' {
        Connect-KeyManagement -Environment sandbox -Role Admin
        $before = @(Get-KeyMgmtSandboxMessage).Count
        Revoke-EncryptionKey alias/al-2 -IncidentId INC-2026-0042 -Reason 'admin without mfa' -Force -ErrorAction SilentlyContinue
        @(Get-KeyMgmtSandboxMessage).Count | Should -Be ($before + 1)
        $body = (Get-KeyMgmtSandboxMessage -Last 1).Message | ConvertFrom-Json
        $body.outcome | Should -Be 'Refused'
        $body.severity | Should -Be 'warning'
        $body.errorCode | Should -Be 'EmergencyRoleRequired'
        (Get-KeyMgmtSandboxMessage -Last 1).Subject | Should -Match 'KEY REVOKE REFUSED'
    }

    It 'with SNS down, revokes anyway, queues the alert, and Sync-KeyAuditJournal delivers it exactly once' {
        Connect-Emergency
        $null = Set-KeyMgmtSandboxFault -Operation SNS.Publish -Kind InternalError -Probability 1
        try {
            $r = Revoke-EncryptionKey alias/al-3 -IncidentId INC-2026-0042 -Reason 'sns down' -Force -WarningVariable w -WarningAction SilentlyContinue
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
        $r.State | Should -Be 'Disabled'
        $r.Verified | Should -BeTrue
        $r.AlertDelivery | Should -Be 'Queued'
        $r.AlertMessageId | Should -BeNullOrEmpty
        $w | Should -Match 'queued'
        $delivered = { @(Get-KeyMgmtSandboxMessage | Where-Object { ($_.Message | ConvertFrom-Json).auditId -eq "$($r.AuditId)" }).Count }
        & $delivered | Should -Be 0
        $null = Sync-KeyAuditJournal
        & $delivered | Should -Be 1
        $null = Sync-KeyAuditJournal
        & $delivered | Should -Be 1
    }
}

Describe 'Outbox lines that are not an alert' {
    It 'Sync-KeyAuditJournal delivers the alerts around a bad line, quarantines it with its line number, and reports the file until it is deleted' {
        Connect-Emergency
        $null = Set-KeyMgmtSandboxFault -Operation SNS.Publish -Kind InternalError -Probability 1
        try {
            $queued = foreach ($alias in 'alias/al-5', 'alias/al-6') {
                Revoke-EncryptionKey $alias -IncidentId INC-2026-0042 -Reason 'sns down' -Force -WarningAction SilentlyContinue
            }
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
        $queued.AlertDelivery | Should -Be 'Queued', 'Queued'
        $outbox = Join-Path $Data 'BuzzKeyMgmt/outbox/sandbox.jsonl'
        $quarantine = Join-Path $Data 'BuzzKeyMgmt/outbox/sandbox.quarantine.jsonl'
        $lines = @(Get-Content $outbox)
        $lines.Count | Should -Be 2
        Set-Content -Path $outbox -Value @($lines[0], '{"alertId": "cut off by hand', $lines[1])   # line 2 is not an alert

        $check = Test-KeyMgmtEnvironment -Environment sandbox | Where-Object Name -eq 'Alert outbox'
        "$($check.Status)" | Should -Be 'Warn'
        $check.Detail | Should -Match '^2 alert\(s\) waiting in .*sandbox\.jsonl'
        $check.Detail | Should -Match '1 line\(s\) of .*sandbox\.jsonl are not an alert and will never be sent \(line 2: not JSON'

        $r = Sync-KeyAuditJournal -WarningVariable w -WarningAction SilentlyContinue
        $r.AlertsDelivered | Should -Be 2
        $r.AlertsWaiting | Should -Be 0
        $r.AlertsQuarantined | Should -Be 1
        $r.AlertQuarantinePath | Should -Be $quarantine
        "$w" | Should -Match ([regex]::Escape("1 unreadable outbox line(s) wait in $quarantine"))
        "$w" | Should -Match 'line 2: not JSON'
        foreach ($q in $queued) {
            @(Get-KeyMgmtSandboxMessage | Where-Object { ($_.Message | ConvertFrom-Json).alertId -eq $q.AlertId }).Count | Should -Be 1
        }
        $record = Get-Content $quarantine | ConvertFrom-Json
        $record.line | Should -Be 2
        $record.text | Should -Be '{"alertId": "cut off by hand'
        (Get-Item $outbox).Length | Should -Be 0

        $again = Sync-KeyAuditJournal -WarningVariable w2 -WarningAction SilentlyContinue
        ($again.AlertsDelivered, $again.AlertsQuarantined) | Should -Be 0, 1
        "$w2" | Should -Match 'then delete the file'
        $check = Test-KeyMgmtEnvironment -Environment sandbox | Where-Object Name -eq 'Alert outbox'
        "$($check.Status)" | Should -Be 'Warn'
        $check.Detail | Should -Match ([regex]::Escape("1 unreadable outbox line(s) were quarantined in $quarantine"))

        Remove-Item $quarantine
        "$((Test-KeyMgmtEnvironment -Environment sandbox | Where-Object Name -eq 'Alert outbox').Status)" | Should -Be 'Pass'
        (Sync-KeyAuditJournal -WarningVariable w3).AlertsQuarantined | Should -Be 0
        $w3 | Should -BeNullOrEmpty
    }
}

Describe 'Recovery alerts' {
    It 'a restore publishes its alert' {
        Connect-Emergency
        $null = Revoke-EncryptionKey alias/al-4 -IncidentId INC-2026-0042 -Reason 'drill' -Force
        Connect-KeyManagement -Environment sandbox -Role Recovery -MfaCode (Get-KeyMgmtSandboxMfaCode) -ChangeId CHG-2026-0107
        $req = Request-KeyRecovery alias/al-4 -ChangeId CHG-2026-0107 -Reason 'false alarm'
        foreach ($who in 'approver1', 'approver2') {
            Connect-KeyManagement -Environment "sandbox-$who" -Role None
            $null = Approve-KeyRecovery $req.RequestId
        }
        Connect-KeyManagement -Environment sandbox -Role Recovery -MfaCode (Get-KeyMgmtSandboxMfaCode) -ChangeId CHG-2026-0107
        $r = Restore-EncryptionKey alias/al-4 -ChangeId CHG-2026-0107 -Confirm:$false
        $r.AlertDelivery | Should -Be 'Published'
        $m = Get-KeyMgmtSandboxMessage -Last 1
        $m.MessageId | Should -Be $r.AlertMessageId
        $m.Attributes['operation'].Value | Should -Be 'RECOVER'
        ($m.Message | ConvertFrom-Json).changeId | Should -Be 'CHG-2026-0107'
    }
}
