# Environments set up as real accounts are (issue 11, points 1-2): a KMS VPC endpoint that answers KMS only, endpoints
# per service, and an alert topic in another Region than the keys. The sandbox serves KMS alone on its KMS-only
# endpoint and several Regions on its main one. One fresh pwsh (the SDK's credential chain sees only that process's
# environment variables) runs every scenario and reports them as one JSON line; the tests read that report.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-endpoints-$([guid]::NewGuid().ToString('n'))")).FullName
    $script:Run = Invoke-FreshPwsh -TimeoutSeconds 240 -Environment @{ AWS_CONFIG_FILE = '/dev/null'; AWS_SHARED_CREDENTIALS_FILE = '/dev/null'
        AWS_EC2_METADATA_DISABLED = 'true'; AWS_PROFILE = $null; AWS_SESSION_TOKEN = $null; XDG_DATA_HOME = $Dir } @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$ModulePath'
`$s = Start-KeyMgmtSandbox -PassThru
`$null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix 'alias/ep-'
`$null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix 'alias/eu-' -Region eu-west-2
`$op = `$s.Users | Where-Object Name -eq operator
`$env:AWS_ACCESS_KEY_ID = `$op.AccessKeyId; `$env:AWS_SECRET_ACCESS_KEY = `$op.SecretAccessKey
`$env:BUZZKEYMGMT_CONFIG = Join-Path '$Dir' 'environments.json'
`$roles = @{ admin = `$s.AdminRoleArn; emergency = `$s.EmergencyRoleArn; recovery = `$s.RecoveryRoleArn }
@{ environments = @{
    staging = @{ region = 'us-east-1'; accountId = `$s.AccountId; roles = `$roles; mfaSerialNumber = `$op.MfaSerial; endpointUrl = `$s.KmsOnlyEndpoint }
    split   = @{ region = 'us-east-1'; accountId = `$s.AccountId; roles = `$roles; mfaSerialNumber = `$op.MfaSerial; alertTopicArn = `$s.AlertTopicArn
                 endpoints = @{ kms = `$s.KmsOnlyEndpoint; sts = `$s.Endpoint; sns = `$s.Endpoint } }
    london  = @{ region = 'eu-west-2'; accountId = `$s.AccountId; roles = `$roles; mfaSerialNumber = `$op.MfaSerial; endpointUrl = `$s.Endpoint
                 alertTopicArn = `$s.AlertTopicArnIn('us-east-1') }
} } | ConvertTo-Json -Depth 5 | Set-Content `$env:BUZZKEYMGMT_CONFIG
`$out = [ordered]@{}

# The README's staging shape: one endpointUrl that is a KMS VPC endpoint.
try { Connect-KeyManagement -Environment staging -Role None; `$out.staging = 'connected' }
catch { `$out.stagingId = (`$_.FullyQualifiedErrorId -split ',')[0]; `$out.stagingMessage = `$_.Exception.Message; `$out.stagingAction = `$_.ErrorDetails.RecommendedAction }
`$out.stagingEndpoints = "`$((Get-KeyMgmtEnvironment -Name staging).Endpoints)"

# Endpoints per service: KMS at the KMS-only endpoint, STS and SNS at theirs.
Connect-KeyManagement -Environment split -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode -UserName operator) -IncidentId INC-2026-0042
`$out.splitStatus = (Get-KeyStatus alias/ep-2).State
`$r = Revoke-EncryptionKey alias/ep-1 -IncidentId INC-2026-0042 -Reason 'vpc endpoint' -Force
`$out.splitState = `$r.State; `$out.splitAlert = "`$(`$r.AlertDelivery)"
`$out.splitTopic = (`$s.Messages | Select-Object -Last 1).TopicArn

# Keys in eu-west-2, the alert topic in us-east-1.
Connect-KeyManagement -Environment london -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode -UserName operator) -IncidentId INC-2026-0042
`$r = Revoke-EncryptionKey alias/eu-1 -IncidentId INC-2026-0042 -Reason 'cross-Region topic' -Force
`$out.londonKeyArn = (Get-KeyAuditLog -KeyId alias/eu-1 -Last 1).KeyArn; `$out.londonAlert = "`$(`$r.AlertDelivery)"
`$m = `$s.Messages | Select-Object -Last 1
`$out.londonTopic = `$m.TopicArn; `$out.londonRegion = `$m.Region; `$out.londonAlertId = (`$m.Message | ConvertFrom-Json).alertId; `$out.londonAlertIdResult = `$r.AlertId

# SNS down while revoking: queued; Sync-KeyAuditJournal then delivers it to the topic's Region.
`$null = Set-KeyMgmtSandboxFault -Operation SNS.Publish -Kind InternalError -Probability 1
`$r = Revoke-EncryptionKey alias/eu-2 -IncidentId INC-2026-0042 -Reason 'sns down' -Force -WarningAction SilentlyContinue
`$null = Set-KeyMgmtSandboxFault -Clear
`$out.queued = "`$(`$r.AlertDelivery)"; `$out.queuedAlertId = `$r.AlertId
`$before = `$s.Messages.Count
`$null = Sync-KeyAuditJournal
`$late = @(`$s.Messages | Select-Object -Skip `$before)
`$out.syncedCount = `$late.Count
`$out.syncedRegion = (`$late | Select-Object -First 1).Region
`$out.syncedAlertId = ((`$late | Select-Object -First 1).Message | ConvertFrom-Json).alertId
`$out | ConvertTo-Json -Compress
"@
    $script:Report = if ($Run.ExitCode -eq 0) { $Run.Output[-1] | ConvertFrom-Json } else { $null }
}
AfterAll { Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue }

Describe 'Endpoints per service' {
    It 'ran every scenario' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Error
    }

    It 'a single endpointUrl that is a KMS VPC endpoint fails to connect with an error naming STS and the HTTP status, never ": :"' {
        $Report.stagingId | Should -Be 'WrongServiceEndpoint'
        $Report.stagingMessage | Should -Not -Match ': :'
        $Report.stagingMessage | Should -Match 'GetCallerIdentity: the STS endpoint answered HTTP 400 \(BadRequest\) without an AWS error code'
        $Report.stagingAction | Should -Match 'endpoints\.sts'
    }

    It 'endpoints per service connect through STS and act through the KMS-only endpoint' {
        $Report.splitStatus | Should -Be 'Enabled'
        $Report.splitState | Should -Be 'Disabled'
        $Report.splitAlert | Should -Be 'Published'
        $Report.stagingEndpoints | Should -Match '^http://127\.0\.0\.1:\d+$'
    }
}

Describe 'Alerts go to the topic''s Region' {
    It 'a revocation in eu-west-2 publishes to the us-east-1 topic' {
        $Report.londonKeyArn | Should -Match '^arn:aws:kms:eu-west-2:'
        $Report.londonAlert | Should -Be 'Published'
        $Report.londonTopic | Should -Match '^arn:aws:sns:us-east-1:'
        $Report.londonRegion | Should -Be 'us-east-1'
        $Report.londonAlertId | Should -Be $Report.londonAlertIdResult
    }

    It 'an alert queued while SNS was down is delivered by Sync-KeyAuditJournal to the topic''s Region, once' {
        $Report.queued | Should -Be 'Queued'
        $Report.syncedCount | Should -Be 1
        $Report.syncedRegion | Should -Be 'us-east-1'
        $Report.syncedAlertId | Should -Be $Report.queuedAlertId
    }
}
