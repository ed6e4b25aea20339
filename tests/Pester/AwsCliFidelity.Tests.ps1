# Fidelity with a second, independent client (issue 3, point 8): the AWS CLI (Debian's awscli package) against the
# sandbox, over the real wire protocols with SigV4. The same scenarios run with the AWS SDK for .NET in
# tests/BuzzKeyMgmt.Sandbox.Tests/Fidelity.
BeforeDiscovery {
    $script:NoCli = -not (Test-Path '/usr/bin/aws')
    if ($NoCli) { Write-Host 'AWS CLI fidelity tests skipped: /usr/bin/aws is not installed (.ci/run installs the awscli package).' }
    # Debian's AWS CLI (2.9) predates RotateKeyOnDemand, ListKeyRotations and RotationPeriodInDays (2024): the rotation
    # calls it lacks run with another AWS CLI on PATH that knows them (e.g. AWS CLI v1 from pip), when there is one.
    $script:RotationCli = @(@('/usr/bin/aws') + @(Get-Command aws -All -CommandType Application -ErrorAction SilentlyContinue | ForEach-Object Source)) |
        Select-Object -Unique | Where-Object {
            (Test-Path $_) -and $(& $_ kms rotate-key-on-demand --generate-cli-skeleton *> $null; $LASTEXITCODE -eq 0)
        } | Select-Object -First 1
    $script:NoRotationCli = -not $RotationCli
    if ($NoRotationCli) { Write-Host 'AWS CLI rotation tests (on-demand, list, periods) skipped: no AWS CLI on PATH knows rotate-key-on-demand.' }
    # Sign, Verify and GetPublicKey (2019) and GenerateMac, VerifyMac (2022): a CLI that lacks a command skips its tests.
    $script:NoSignCli = $NoCli -or -not $(& /usr/bin/aws kms sign --generate-cli-skeleton *> $null; $LASTEXITCODE -eq 0)
    if (-not $NoCli -and $NoSignCli) { Write-Host 'AWS CLI sign/verify/get-public-key tests skipped: /usr/bin/aws does not know kms sign.' }
    $script:NoMacCli = $NoCli -or -not $(& /usr/bin/aws kms generate-mac --generate-cli-skeleton *> $null; $LASTEXITCODE -eq 0)
    if (-not $NoCli -and $NoMacCli) { Write-Host 'AWS CLI generate-mac/verify-mac tests skipped: /usr/bin/aws does not know kms generate-mac (added to the CLI in 2022).' }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force

    # Runs the AWS CLI (/usr/bin/aws unless -Cli) as a principal of the sandbox; returns exit code, parsed JSON (when
    # any) and stderr. -ConfigFile replaces the empty config (e.g. to turn the CLI's own parameter validation off);
    # -Region and -EndpointUrl replace the sandbox's primary Region and main endpoint.
    function Invoke-Aws {
        [CmdletBinding(PositionalBinding = $false)]
        param([Parameter(Mandatory, Position = 0)] $Principal, [Parameter(Mandatory, Position = 1, ValueFromRemainingArguments)] [string[]] $Arguments,
              [string] $Cli = '/usr/bin/aws', [string] $ConfigFile = '/dev/null', [string] $Region, [string] $EndpointUrl)
        $psi = [System.Diagnostics.ProcessStartInfo]::new($Cli)
        $url = if ($EndpointUrl) { $EndpointUrl } else { $Sandbox.Endpoint }
        foreach ($a in @('--endpoint-url', $url, '--region', $(if ($Region) { $Region } else { $Sandbox.Region }), '--output', 'json') + $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $envs = @{ AWS_ACCESS_KEY_ID = $Principal.AccessKeyId; AWS_SECRET_ACCESS_KEY = $Principal.SecretAccessKey; AWS_SESSION_TOKEN = $Principal.SessionToken
                   AWS_CONFIG_FILE = $ConfigFile; AWS_SHARED_CREDENTIALS_FILE = '/dev/null'; AWS_EC2_METADATA_DISABLED = 'true'; AWS_PAGER = ''; AWS_MAX_ATTEMPTS = '1' }
        foreach ($k in $envs.Keys) { if ($envs[$k]) { $psi.Environment[$k] = $envs[$k] } else { [void]$psi.Environment.Remove($k) } }
        $p = [System.Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Json = if ($out.Result.Trim()) { $out.Result | ConvertFrom-Json } else { $null }; Error = $err.Result }
    }
}

Describe 'AWS CLI against the sandbox' -Skip:$NoCli {
    BeforeAll {
        $script:Sandbox = Start-KeyMgmtSandbox -PassThru -NoQuotas
        $script:Root = [pscustomobject]@{ AccessKeyId = $Sandbox.Root.AccessKeyId; SecretAccessKey = $Sandbox.Root.SecretAccessKey; SessionToken = $null }
        $script:Operator = $Sandbox.Users | Where-Object Name -eq operator | ForEach-Object { [pscustomobject]@{ AccessKeyId = $_.AccessKeyId; SecretAccessKey = $_.SecretAccessKey; SessionToken = $null } }
        function New-CliKey { (Invoke-Aws $Root kms create-key --description 'cli fidelity').Json.KeyMetadata.KeyId }
        function Get-CliState($id) { (Invoke-Aws $Root kms describe-key --key-id $id).Json.KeyMetadata.KeyState }
    }
    AfterAll { Stop-KeyMgmtSandbox }

    It 'lifecycle: create, disable, schedule deletion (7 days), cancel (stays Disabled), enable' {
        $id = New-CliKey
        Get-CliState $id | Should -Be 'Enabled'
        (Invoke-Aws $Root kms disable-key --key-id $id).ExitCode | Should -Be 0
        Get-CliState $id | Should -Be 'Disabled'
        $s = Invoke-Aws $Root kms schedule-key-deletion --key-id $id --pending-window-in-days 7
        $s.ExitCode | Should -Be 0 -Because $s.Error
        $s.Json.KeyState | Should -Be 'PendingDeletion'
        $s.Json.PendingWindowInDays | Should -Be 7
        ([datetimeoffset]$s.Json.DeletionDate - $Sandbox.Clock.GetUtcNow()).TotalDays | Should -BeGreaterThan 6.9
        (Invoke-Aws $Root kms cancel-key-deletion --key-id $id).Json.KeyId | Should -Match ":key/$id$"
        Get-CliState $id | Should -Be 'Disabled'
        (Invoke-Aws $Root kms enable-key --key-id $id).ExitCode | Should -Be 0
        Get-CliState $id | Should -Be 'Enabled'
    }

    It 'cancel on a key not pending deletion is KMSInvalidStateException' {
        $r = Invoke-Aws $Root kms cancel-key-deletion --key-id (New-CliKey)
        $r.ExitCode | Should -Not -Be 0
        $r.Error | Should -Match 'KMSInvalidStateException'
        $r.Error | Should -Match 'is not pending deletion'
    }

    It 'disable and enable on a key pending deletion are KMSInvalidStateException' {
        $id = New-CliKey
        $null = Invoke-Aws $Root kms schedule-key-deletion --key-id $id --pending-window-in-days 7
        foreach ($op in 'disable-key', 'enable-key') {
            $r = Invoke-Aws $Root kms $op --key-id $id
            $r.ExitCode | Should -Not -Be 0
            $r.Error | Should -Match 'KMSInvalidStateException.*is pending deletion'
        }
    }

    It 'decrypt with a disabled key is DisabledException' {
        $id = New-CliKey
        $blob = (Invoke-Aws $Root kms encrypt --key-id $id --plaintext 'aGVsbG8=').Json.CiphertextBlob
        $null = Invoke-Aws $Root kms disable-key --key-id $id
        $r = Invoke-Aws $Root kms decrypt --ciphertext-blob $blob
        $r.ExitCode | Should -Not -Be 0
        $r.Error | Should -Match 'DisabledException'
        $r.Error | Should -Match "key/$id is disabled"
    }

    It 'a pending window of 6 days is a ValidationException' {
        $r = Invoke-Aws $Root kms schedule-key-deletion --key-id (New-CliKey) --pending-window-in-days 6
        $r.ExitCode | Should -Not -Be 0
        $r.Error | Should -Match 'ValidationException'
        $r.Error | Should -Match 'greater than or equal to 7'
    }

    It 'assume-role with a wrong MFA code is AccessDenied' {
        $serial = ($Sandbox.Users | Where-Object Name -eq operator).MfaSerial
        $code = Get-KeyMgmtSandboxMfaCode
        $wrong = '{0:D6}' -f (([int]$code + 500000) % 1000000)
        $r = Invoke-Aws $Operator sts assume-role --role-arn $Sandbox.EmergencyRoleArn --role-session-name cli-test --serial-number $serial --token-code $wrong
        $r.ExitCode | Should -Not -Be 0
        $r.Error | Should -Match 'AccessDenied'
        $r.Error | Should -Match 'MultiFactorAuthentication failed with invalid MFA one time pass code'
        $ok = Invoke-Aws $Operator sts assume-role --role-arn $Sandbox.EmergencyRoleArn --role-session-name cli-test --serial-number $serial --token-code (Get-KeyMgmtSandboxMfaCode)
        $ok.ExitCode | Should -Be 0 -Because $ok.Error
        $ok.Json.AssumedRoleUser.Arn | Should -Match 'assumed-role/BuzzKeyMgmtEmergency/cli-test$'
        $ok.Json.Credentials.SessionToken | Should -Not -BeNullOrEmpty
    }

    It 'old ciphertext still decrypts after the key rotates' {
        $id = New-CliKey
        $old = (Invoke-Aws $Root kms encrypt --key-id $id --plaintext 'b2xkIHNlY3JldA==').Json.CiphertextBlob
        (Invoke-Aws $Root kms enable-key-rotation --key-id $id).ExitCode | Should -Be 0
        Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Days 366)
        $new = (Invoke-Aws $Root kms encrypt --key-id $id --plaintext 'bmV3').Json.CiphertextBlob
        $new | Should -Not -Be $old
        $r = Invoke-Aws $Root kms decrypt --ciphertext-blob $old
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Json.Plaintext | Should -Be 'b2xkIHNlY3JldA=='
        $r.Json.KeyId | Should -Match ":key/$id$"
    }

    It 'SNS publish is read back' {
        $r = Invoke-Aws $Operator sns publish --topic-arn $Sandbox.AlertTopicArn --subject 'CLI fidelity' --message '{"event":"test"}' `
            --message-attributes '{"severity":{"DataType":"String","StringValue":"high"}}'
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $m = Get-KeyMgmtSandboxMessage -Last 1
        $m.MessageId | Should -Be $r.Json.MessageId
        $m.Subject | Should -Be 'CLI fidelity'
        $m.Message | Should -Be '{"event":"test"}'
        $m.Attributes['severity'].Value | Should -Be 'high'
    }

    It 'Regions: a key made in eu-west-2 is not seen from us-east-1; publish reaches only the signing Region''s topics' {
        $made = Invoke-Aws $Root kms create-key --description 'london' -Region eu-west-2
        $made.ExitCode | Should -Be 0 -Because $made.Error
        $made.Json.KeyMetadata.Arn | Should -BeLike "arn:aws:kms:eu-west-2:$($Sandbox.AccountId):key/*"
        $east = Invoke-Aws $Root kms describe-key --key-id $made.Json.KeyMetadata.KeyId -Region us-east-1
        $east.ExitCode | Should -Not -Be 0
        $east.Error | Should -Match 'NotFoundException'
        (Invoke-Aws $Root kms describe-key --key-id $made.Json.KeyMetadata.KeyId -Region eu-west-2).Json.KeyMetadata.Description | Should -Be 'london'

        $westTopic = $Sandbox.AlertTopicArnIn('eu-west-2')
        $wrong = Invoke-Aws $Operator sns publish --topic-arn $westTopic --message 'signed for us-east-1' -Region us-east-1
        $wrong.ExitCode | Should -Not -Be 0
        $wrong.Error | Should -Match 'An error occurred \(InvalidParameter\) when calling the Publish operation.*: Invalid parameter: TopicArn'
        $ok = Invoke-Aws $Operator sns publish --topic-arn $westTopic --message 'signed for eu-west-2' -Region eu-west-2
        $ok.ExitCode | Should -Be 0 -Because $ok.Error
        $m = Get-KeyMgmtSandboxMessage -Last 1
        $m.MessageId | Should -Be $ok.Json.MessageId
        $m.Region | Should -Be 'eu-west-2'
        @(Get-KeyMgmtSandboxMessage | Where-Object Message -eq 'signed for us-east-1').Count | Should -Be 0

        $unserved = Invoke-Aws $Root kms list-keys -Region ap-south-1
        $unserved.ExitCode | Should -Not -Be 0
        $unserved.Error | Should -Match "InvalidSignatureException.*Credential should be scoped to a valid region, not 'ap-south-1'"
    }

    It 'the KMS-only endpoint serves kms and leaves the CLI unable to read an sts or sns answer' {
        $id = New-CliKey
        $d = Invoke-Aws $Root kms describe-key --key-id $id -EndpointUrl $Sandbox.KmsOnlyEndpoint
        $d.ExitCode | Should -Be 0 -Because $d.Error
        $d.Json.KeyMetadata.KeyId | Should -Be $id
        foreach ($call in @(@('sts', 'get-caller-identity'), @('sns', 'list-topics'))) {
            $r = Invoke-Aws $Root @call -EndpointUrl $Sandbox.KmsOnlyEndpoint
            $r.ExitCode | Should -Not -Be 0
            $r.Error | Should -Match 'invalid XML received'
            $r.Error | Should -Match ([regex]::Escape('{"__type":"UnknownOperationException"}'))
        }
    }

    It 'a key is gone once the clock passes its deletion date' {
        $id = New-CliKey
        $null = Invoke-Aws $Root kms schedule-key-deletion --key-id $id --pending-window-in-days 7
        Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Days 8)
        $r = Invoke-Aws $Root kms describe-key --key-id $id
        $r.ExitCode | Should -Not -Be 0
        $r.Error | Should -Match 'NotFoundException'
        (Invoke-Aws $Root kms list-keys).Json.Keys.KeyId | Should -Not -Contain $id
    }
}

# The rotation calls the module makes (Get-KeyRotationDue, Set-KeyRotationPolicy, Invoke-KeyRotation), as the CLIs
# print them. Debian's CLI 2.9 knows enable/disable-key-rotation and get-key-rotation-status (KeyRotationEnabled only).
Describe 'AWS CLI 2.9 rotation calls against the sandbox' -Skip:$NoCli {
    BeforeAll {
        $script:Sandbox = Start-KeyMgmtSandbox -PassThru -NoQuotas
        $script:Root = [pscustomobject]@{ AccessKeyId = $Sandbox.Root.AccessKeyId; SecretAccessKey = $Sandbox.Root.SecretAccessKey; SessionToken = $null }
    }
    AfterAll { Stop-KeyMgmtSandbox }

    It 'enable-key-rotation without a period, get-key-rotation-status, disable-key-rotation' {
        $id = (Invoke-Aws $Root kms create-key).Json.KeyMetadata.KeyId
        (Invoke-Aws $Root kms get-key-rotation-status --key-id $id).Json.KeyRotationEnabled | Should -BeFalse
        $on = Invoke-Aws $Root kms enable-key-rotation --key-id $id
        $on.ExitCode | Should -Be 0 -Because $on.Error
        $on.Json | Should -BeNullOrEmpty   # no output
        (Invoke-Aws $Root kms get-key-rotation-status --key-id $id).Json.KeyRotationEnabled | Should -BeTrue
        $facts = $Sandbox.Kms.KeyFacts() | Where-Object KeyId -eq $id
        $facts.RotationPeriodInDays | Should -Be 365
        ($facts.NextRotationDate - $Sandbox.Clock.GetUtcNow()).TotalDays | Should -BeGreaterThan 364.9
        (Invoke-Aws $Root kms disable-key-rotation --key-id $id).ExitCode | Should -Be 0
        (Invoke-Aws $Root kms get-key-rotation-status --key-id $id).Json.KeyRotationEnabled | Should -BeFalse
    }

    It 'enable-key-rotation on an asymmetric key is UnsupportedOperationException; its status reads false' {
        $id = (Invoke-Aws $Root kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY).Json.KeyMetadata.KeyId
        $id | Should -Not -BeNullOrEmpty
        $r = Invoke-Aws $Root kms enable-key-rotation --key-id $id
        $r.ExitCode | Should -Not -Be 0
        $r.Error | Should -Match 'UnsupportedOperationException'
        $r.Error | Should -Match "key/$id"
        $s = Invoke-Aws $Root kms get-key-rotation-status --key-id $id
        $s.ExitCode | Should -Be 0 -Because $s.Error
        $s.Json.KeyRotationEnabled | Should -BeFalse
    }

    It 'a disabled key keeps its rotation status and cannot change it (DisabledException)' {
        $id = (Invoke-Aws $Root kms create-key).Json.KeyMetadata.KeyId
        $null = Invoke-Aws $Root kms enable-key-rotation --key-id $id
        $null = Invoke-Aws $Root kms disable-key --key-id $id
        (Invoke-Aws $Root kms get-key-rotation-status --key-id $id).Json.KeyRotationEnabled | Should -BeTrue
        $r = Invoke-Aws $Root kms disable-key-rotation --key-id $id
        $r.ExitCode | Should -Not -Be 0
        $r.Error | Should -Match "DisabledException.*key/$id is disabled"
    }
}

# The 2024 rotation API (periods, on-demand rotation, the rotation list) with a CLI that knows it.
Describe 'AWS CLI <RotationCli> rotation calls against the sandbox' -Skip:$NoRotationCli -ForEach @(@{ RotationCli = $RotationCli }) {
    BeforeAll {
        $script:Sandbox = Start-KeyMgmtSandbox -PassThru -NoQuotas
        $script:Root = [pscustomobject]@{ AccessKeyId = $Sandbox.Root.AccessKeyId; SecretAccessKey = $Sandbox.Root.SecretAccessKey; SessionToken = $null }
        $script:Cli = $RotationCli
        function Kms { Invoke-Aws -Cli $Cli $Root kms @args }
        function New-CliKey { (Kms create-key @args).Json.KeyMetadata.KeyId }
        # The CLI prints timestamps as epoch seconds (v1) or ISO 8601 (v2).
        function ConvertTo-Time($v) { if ($v -is [string]) { [datetimeoffset]$v } else { [datetimeoffset]::FromUnixTimeMilliseconds([long]([double]$v * 1000)) } }
        $script:NoValidation = Join-Path ([IO.Path]::GetTempPath()) "cli-no-validation-$PID.ini"
        Set-Content -Path $NoValidation -Value "[default]`nparameter_validation = false"
    }
    AfterAll {
        Stop-KeyMgmtSandbox
        Remove-Item $NoValidation -ErrorAction SilentlyContinue
    }

    It 'enable-key-rotation --rotation-period-in-days 180: get-key-rotation-status prints the period and the next date' {
        $id = New-CliKey
        $on = Kms enable-key-rotation --key-id $id --rotation-period-in-days 180
        $on.ExitCode | Should -Be 0 -Because $on.Error
        $s = (Kms get-key-rotation-status --key-id $id).Json
        $s.KeyRotationEnabled | Should -BeTrue
        $s.KeyId | Should -Match ":key/$id$"
        $s.RotationPeriodInDays | Should -Be 180
        ((ConvertTo-Time $s.NextRotationDate) - $Sandbox.Clock.GetUtcNow()).TotalDays | Should -BeGreaterThan 179.9
        ((ConvertTo-Time $s.NextRotationDate) - $Sandbox.Clock.GetUtcNow()).TotalDays | Should -BeLessOrEqual 180
        $s.PSObject.Properties.Name | Should -Not -Contain 'OnDemandRotationStartDate'
        (Kms disable-key-rotation --key-id $id).ExitCode | Should -Be 0
        $off = (Kms get-key-rotation-status --key-id $id).Json
        $off.KeyRotationEnabled | Should -BeFalse
        $off.PSObject.Properties.Name | Should -Not -Contain 'NextRotationDate'
    }

    It 'a period outside 90-2560 is refused by the CLI, and by the sandbox (ValidationException) when the CLI does not check' {
        $id = New-CliKey
        $client = Kms enable-key-rotation --key-id $id --rotation-period-in-days 89
        $client.ExitCode | Should -Not -Be 0
        $client.Error | Should -Match 'RotationPeriodInDays'
        foreach ($case in @{ Days = '89'; Constraint = 'greater than or equal to 90' }, @{ Days = '2561'; Constraint = 'less than or equal to 2560' }) {
            $r = Invoke-Aws -Cli $Cli -ConfigFile $NoValidation $Root kms enable-key-rotation --key-id $id --rotation-period-in-days $case.Days
            $r.ExitCode | Should -Not -Be 0
            $r.Error | Should -Match 'ValidationException'
            $r.Error | Should -Match "Value '$($case.Days)' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value $($case.Constraint)"
        }
        (Kms get-key-rotation-status --key-id $id).Json.KeyRotationEnabled | Should -BeFalse
    }

    It 'rotate-key-on-demand runs in the background: OnDemandRotationStartDate, ConflictException, then an ON_DEMAND entry' {
        $Sandbox.Kms.OnDemandRotationDuration = [TimeSpan]::FromMinutes(10)   # longer than a few CLI calls
        try {
            $id = New-CliKey
            $before = $Sandbox.Clock.GetUtcNow()
            $r = Kms rotate-key-on-demand --key-id $id
            $r.ExitCode | Should -Be 0 -Because $r.Error
            $r.Json.KeyId | Should -Be $id
            $running = (Kms get-key-rotation-status --key-id $id).Json
            $started = ConvertTo-Time $running.OnDemandRotationStartDate
            ($started - $before).TotalSeconds | Should -BeGreaterOrEqual -0.001
            ($started - $before).TotalSeconds | Should -BeLessThan 60
            $again = Kms rotate-key-on-demand --key-id $id
            $again.ExitCode | Should -Not -Be 0
            $again.Error | Should -Match 'ConflictException'
            $again.Error | Should -Match 'in progress'
            @((Kms list-key-rotations --key-id $id).Json.Rotations).Count | Should -Be 0
            Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Minutes 10)
            (Kms get-key-rotation-status --key-id $id).Json.PSObject.Properties.Name | Should -Not -Contain 'OnDemandRotationStartDate'
            $list = @((Kms list-key-rotations --key-id $id).Json.Rotations)
            $list.Count | Should -Be 1
            $list[0].RotationType | Should -Be 'ON_DEMAND'
            $list[0].KeyMaterialState | Should -Be 'CURRENT'
            ((ConvertTo-Time $list[0].RotationDate) - $started).TotalMinutes | Should -Be 10   # dated when it completed
        }
        finally { $Sandbox.Kms.OnDemandRotationDuration = [TimeSpan]::FromSeconds(2) }
    }

    It 'list-key-rotations lists AUTOMATIC and ON_DEMAND in date order and pages with --page-size, --max-items, --starting-token' {
        $Sandbox.Kms.OnDemandRotationDuration = [TimeSpan]::Zero
        try {
            $id = New-CliKey
            $null = Kms enable-key-rotation --key-id $id --rotation-period-in-days 90
            foreach ($n in 1, 2) {
                (Kms rotate-key-on-demand --key-id $id).ExitCode | Should -Be 0
                Set-KeyMgmtSandboxClock -Advance (New-TimeSpan -Days 91)   # then an automatic rotation
            }
            $all = @((Kms list-key-rotations --key-id $id).Json.Rotations)
            @($all.RotationType) | Should -Be @('ON_DEMAND', 'AUTOMATIC', 'ON_DEMAND', 'AUTOMATIC')
            @($all.KeyMaterialState) | Should -Be @('NON_CURRENT', 'NON_CURRENT', 'NON_CURRENT', 'CURRENT')
            @($all.KeyMaterialId | Select-Object -Unique).Count | Should -Be 4

            $requests = $Sandbox.RequestCount('KMS.ListKeyRotations')
            $paged = @((Kms list-key-rotations --key-id $id --page-size 1).Json.Rotations)
            @($paged.KeyMaterialId) | Should -Be @($all.KeyMaterialId)
            $Sandbox.RequestCount('KMS.ListKeyRotations') - $requests | Should -Be 4   # one request per page (Limit 1, Marker)

            $first = (Kms list-key-rotations --key-id $id --max-items 3).Json
            @($first.Rotations).Count | Should -Be 3
            $first.NextToken | Should -Not -BeNullOrEmpty
            $rest = (Kms list-key-rotations --key-id $id --max-items 3 --starting-token $first.NextToken).Json
            @($rest.Rotations.KeyMaterialId) | Should -Be @($all[3].KeyMaterialId)
            $rest.PSObject.Properties.Name | Should -Not -Contain 'NextToken'

            # One page as the API answers it (Limit, Truncated, NextMarker, then Marker)
            $page = (Kms list-key-rotations --no-paginate --cli-input-json (@{ KeyId = $id; Limit = 3 } | ConvertTo-Json -Compress)).Json
            @($page.Rotations.KeyMaterialId) | Should -Be @($all[0..2].KeyMaterialId)
            $page.Truncated | Should -BeTrue
            $page.NextMarker | Should -Not -BeNullOrEmpty
            $last = (Kms list-key-rotations --no-paginate --cli-input-json (@{ KeyId = $id; Limit = 3; Marker = $page.NextMarker } | ConvertTo-Json -Compress)).Json
            @($last.Rotations.KeyMaterialId) | Should -Be @($all[3].KeyMaterialId)
            $last.Truncated | Should -BeFalse
        }
        finally { $Sandbox.Kms.OnDemandRotationDuration = [TimeSpan]::FromSeconds(2) }
    }

    It 'rotate-key-on-demand and list-key-rotations on an asymmetric key are UnsupportedOperationException' {
        $id = New-CliKey --key-spec RSA_3072 --key-usage SIGN_VERIFY
        $id | Should -Not -BeNullOrEmpty
        foreach ($op in 'rotate-key-on-demand', 'list-key-rotations', 'disable-key-rotation') {
            $r = Kms $op --key-id $id
            $r.ExitCode | Should -Not -Be 0 -Because $op
            $r.Error | Should -Match 'UnsupportedOperationException'
            $r.Error | Should -Match "key/$id"
        }
        (Kms get-key-rotation-status --key-id $id).Json.KeyRotationEnabled | Should -BeFalse
    }
}

# The IAM and SNS reads Test-KeyMgmtEnvironment makes (iam get-role, iam list-mfa-devices, sns get-topic-attributes), as
# the CLI sends and prints them: IAM signed for us-east-1 (the sandbox's Region here), its URL-encoded trust policy
# decoded by the CLI, AWS's error codes and messages.
Describe 'AWS CLI IAM and SNS reads against the sandbox' -Skip:$NoCli {
    BeforeAll {
        $script:Sandbox = Start-KeyMgmtSandbox -PassThru -NoQuotas
        function ConvertTo-CliPrincipal($p) { [pscustomobject]@{ AccessKeyId = $p.AccessKeyId; SecretAccessKey = $p.SecretAccessKey; SessionToken = $null } }
        $script:Root = ConvertTo-CliPrincipal $Sandbox.Root
        $script:OperatorUser = $Sandbox.Users | Where-Object Name -eq operator
        $script:Operator = ConvertTo-CliPrincipal $OperatorUser
        $script:TraineeUser = $Sandbox.Users | Where-Object Name -eq trainee
        $script:Trainee = ConvertTo-CliPrincipal $TraineeUser
    }
    AfterAll { Stop-KeyMgmtSandbox }

    It 'iam get-role prints the role and its trust policy, decoded: the account may assume it, with MFA for Emergency' {
        $r = Invoke-Aws $Operator iam get-role --role-name BuzzKeyMgmtEmergency
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Json.Role.Arn | Should -Be $Sandbox.EmergencyRoleArn
        $r.Json.Role.RoleName | Should -Be 'BuzzKeyMgmtEmergency'
        $r.Json.Role.Path | Should -Be '/'
        $r.Json.Role.RoleId | Should -Match '^AROA'
        $r.Json.Role.MaxSessionDuration | Should -Be 3600
        $r.Json.Role.CreateDate | Should -Not -BeNullOrEmpty
        $statement = @($r.Json.Role.AssumeRolePolicyDocument.Statement)[0]   # the CLI decodes IAM's URL-encoded policy
        $statement.Effect | Should -Be 'Allow'
        $statement.Principal.AWS | Should -Be "arn:aws:iam::$($Sandbox.AccountId):root"
        $statement.Action | Should -Contain 'sts:AssumeRole'
        $statement.Condition.Bool.'aws:MultiFactorAuthPresent' | Should -Be 'true'
        $admin = Invoke-Aws $Operator iam get-role --role-name BuzzKeyMgmtAdmin
        @($admin.Json.Role.AssumeRolePolicyDocument.Statement)[0].PSObject.Properties.Name | Should -Not -Contain 'Condition'
    }

    It 'iam get-role of an unknown role is NoSuchEntity; trainee is AccessDenied' {
        $r = Invoke-Aws $Operator iam get-role --role-name BuzzKeyMgmtNope
        $r.ExitCode | Should -Not -Be 0
        $r.Error | Should -Match 'NoSuchEntity'
        $r.Error | Should -Match 'The role with name BuzzKeyMgmtNope cannot be found\.'
        $t = Invoke-Aws $Trainee iam get-role --role-name BuzzKeyMgmtAdmin
        $t.ExitCode | Should -Not -Be 0
        $t.Error | Should -Match '\(AccessDenied\)'
        $t.Error | Should -Match ([regex]::Escape("User: $($TraineeUser.Arn) is not authorized to perform: iam:GetRole on resource: role BuzzKeyMgmtAdmin"))
    }

    It 'iam list-mfa-devices lists the caller''s own device; another user''s is AccessDenied, except for the root' {
        $r = Invoke-Aws $Operator iam list-mfa-devices
        $r.ExitCode | Should -Be 0 -Because $r.Error
        @($r.Json.MFADevices).Count | Should -Be 1
        $r.Json.MFADevices[0].UserName | Should -Be 'operator'
        $r.Json.MFADevices[0].SerialNumber | Should -Be $OperatorUser.MfaSerial
        $r.Json.MFADevices[0].EnableDate | Should -Not -BeNullOrEmpty
        $other = Invoke-Aws $Operator iam list-mfa-devices --user-name approver1
        $other.ExitCode | Should -Not -Be 0
        $other.Error | Should -Match 'AccessDenied.*iam:ListMFADevices on resource: user approver1'
        $byRoot = Invoke-Aws $Root iam list-mfa-devices --user-name approver1
        $byRoot.ExitCode | Should -Be 0 -Because $byRoot.Error
        $byRoot.Json.MFADevices[0].SerialNumber | Should -Be ($Sandbox.Users | Where-Object Name -eq approver1).MfaSerial
    }

    It 'sns get-topic-attributes prints the topic''s attributes; an unknown topic is NotFound; trainee is AuthorizationError' {
        $r = Invoke-Aws $Operator sns get-topic-attributes --topic-arn $Sandbox.AlertTopicArn
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Json.Attributes.TopicArn | Should -Be $Sandbox.AlertTopicArn
        $r.Json.Attributes.Owner | Should -Be $Sandbox.AccountId
        $r.Json.Attributes.SubscriptionsConfirmed | Should -Be '0'
        ($r.Json.Attributes.Policy | ConvertFrom-Json).Statement[0].Action | Should -Contain 'SNS:Publish'
        $missing = Invoke-Aws $Operator sns get-topic-attributes --topic-arn "arn:aws:sns:$($Sandbox.Region):$($Sandbox.AccountId):no-such-topic"
        $missing.ExitCode | Should -Not -Be 0
        $missing.Error | Should -Match '\(NotFound\).*Topic does not exist'
        $t = Invoke-Aws $Trainee sns get-topic-attributes --topic-arn $Sandbox.AlertTopicArn
        $t.ExitCode | Should -Not -Be 0
        $t.Error | Should -Match '\(AuthorizationError\).*SNS:GetTopicAttributes'
    }
}

# The calls audit chain digests are signed and checked with (Start-KeyMgmtSandbox makes alias/buzzkeymgmt-audit-digest):
# blobs go in as fileb:// files, so the CLI's v1 and v2 blob rules read them alike; what the CLI prints is base64.
Describe 'AWS CLI signing and MAC calls against the sandbox' -Skip:$NoSignCli {
    BeforeAll {
        $script:Sandbox = Start-KeyMgmtSandbox -PassThru -NoQuotas
        function ConvertTo-CliPrincipal($p) { [pscustomobject]@{ AccessKeyId = $p.AccessKeyId; SecretAccessKey = $p.SecretAccessKey; SessionToken = $null } }
        $script:Root = ConvertTo-CliPrincipal $Sandbox.Root
        $script:Operator = ConvertTo-CliPrincipal ($Sandbox.Users | Where-Object Name -eq operator)
        $script:Trainee = ConvertTo-CliPrincipal ($Sandbox.Users | Where-Object Name -eq trainee)
        $script:Files = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-cli-sign-$([guid]::NewGuid().ToString('n'))")).FullName
        $script:MessageFile = Join-Path $Files 'message.bin'
        [IO.File]::WriteAllBytes($MessageFile, [Text.Encoding]::UTF8.GetBytes('d1|7:sandbox|1:1|1:1|1:2'))
        function Save-Blob([string] $base64, [string] $name) { $path = Join-Path $Files $name; [IO.File]::WriteAllBytes($path, [Convert]::FromBase64String($base64)); "fileb://$path" }
    }
    AfterAll {
        Stop-KeyMgmtSandbox
        Remove-Item -Recurse -Force $Files -ErrorAction SilentlyContinue
    }

    It 'sign with the digest key, verify it, and check it offline with get-public-key' {
        $s = Invoke-Aws $Root kms sign --key-id alias/buzzkeymgmt-audit-digest --message "fileb://$MessageFile" --message-type RAW --signing-algorithm ECDSA_SHA_256
        $s.ExitCode | Should -Be 0 -Because $s.Error
        $s.Json.KeyId | Should -Be $Sandbox.AuditDigestKeyArn
        $s.Json.SigningAlgorithm | Should -Be 'ECDSA_SHA_256'
        $signature = Save-Blob $s.Json.Signature 'signature.der'
        $v = Invoke-Aws $Operator kms verify --key-id alias/buzzkeymgmt-audit-digest --message "fileb://$MessageFile" --message-type RAW --signature $signature --signing-algorithm ECDSA_SHA_256
        $v.ExitCode | Should -Be 0 -Because $v.Error
        $v.Json.SignatureValid | Should -BeTrue
        $p = Invoke-Aws $Operator kms get-public-key --key-id alias/buzzkeymgmt-audit-digest
        $p.ExitCode | Should -Be 0 -Because $p.Error
        $p.Json.KeySpec | Should -Be 'ECC_NIST_P256'
        $p.Json.KeyUsage | Should -Be 'SIGN_VERIFY'
        @($p.Json.SigningAlgorithms) | Should -Be @('ECDSA_SHA_256')
        $ecdsa = [System.Security.Cryptography.ECDsa]::Create()
        $read = 0
        $ecdsa.ImportSubjectPublicKeyInfo([Convert]::FromBase64String($p.Json.PublicKey), [ref] $read)
        $ecdsa.VerifyData([IO.File]::ReadAllBytes($MessageFile), [Convert]::FromBase64String($s.Json.Signature), 'SHA256', 'Rfc3279DerSequence') | Should -BeTrue
    }

    It 'a signature that does not match is KMSInvalidSignatureException; a symmetric key is InvalidKeyUsageException; a disabled one DisabledException' {
        $other = (Invoke-Aws $Root kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY).Json.KeyMetadata.KeyId
        $signed = (Invoke-Aws $Root kms sign --key-id $other --message "fileb://$MessageFile" --signing-algorithm ECDSA_SHA_256).Json.Signature
        $r = Invoke-Aws $Root kms verify --key-id alias/buzzkeymgmt-audit-digest --message "fileb://$MessageFile" --signature (Save-Blob $signed 'other.der') --signing-algorithm ECDSA_SHA_256
        $r.ExitCode | Should -Not -Be 0
        $r.Error | Should -Match 'An error occurred \(KMSInvalidSignatureException\) when calling the Verify operation'
        $symmetric = (Invoke-Aws $Root kms create-key).Json.KeyMetadata.KeyId
        $u = Invoke-Aws $Root kms sign --key-id $symmetric --message "fileb://$MessageFile" --signing-algorithm ECDSA_SHA_256
        $u.Error | Should -Match "InvalidKeyUsageException.*key/$symmetric key usage is ENCRYPT_DECRYPT which is not valid for Sign"
        $null = Invoke-Aws $Root kms disable-key --key-id $other
        $d = Invoke-Aws $Root kms sign --key-id $other --message "fileb://$MessageFile" --signing-algorithm ECDSA_SHA_256
        $d.Error | Should -Match "DisabledException.*key/$other is disabled"
        $k = Invoke-Aws $Root kms get-public-key --key-id $symmetric
        $k.Error | Should -Match 'UnsupportedOperationException'
    }

    It 'the operator may verify but not sign with a key other than the digest key; trainee may do neither' {
        $other = (Invoke-Aws $Root kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY).Json.KeyMetadata.KeyId
        $r = Invoke-Aws $Operator kms sign --key-id $other --message "fileb://$MessageFile" --signing-algorithm ECDSA_SHA_256
        $r.Error | Should -Match "AccessDeniedException.*not authorized to perform: kms:Sign on resource: arn:aws:kms:$($Sandbox.Region):$($Sandbox.AccountId):key/$other"
        (Invoke-Aws $Operator kms sign --key-id alias/buzzkeymgmt-audit-digest --message "fileb://$MessageFile" --signing-algorithm ECDSA_SHA_256).ExitCode | Should -Be 0
        $t = Invoke-Aws $Trainee kms get-public-key --key-id alias/buzzkeymgmt-audit-digest
        $t.Error | Should -Match 'AccessDeniedException.*kms:GetPublicKey'
    }

    It 'generate-mac and verify-mac with an HMAC_256 key; a wrong MAC is KMSInvalidMacException' -Skip:$NoMacCli {
        $id = (Invoke-Aws $Root kms create-key --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC).Json.KeyMetadata.KeyId
        $g = Invoke-Aws $Root kms generate-mac --key-id $id --message "fileb://$MessageFile" --mac-algorithm HMAC_SHA_256
        $g.ExitCode | Should -Be 0 -Because $g.Error
        $g.Json.MacAlgorithm | Should -Be 'HMAC_SHA_256'
        [Convert]::FromBase64String($g.Json.Mac).Length | Should -Be 32
        $v = Invoke-Aws $Root kms verify-mac --key-id $id --message "fileb://$MessageFile" --mac (Save-Blob $g.Json.Mac 'mac.bin') --mac-algorithm HMAC_SHA_256
        $v.ExitCode | Should -Be 0 -Because $v.Error
        $v.Json.MacValid | Should -BeTrue
        $wrong = [Convert]::FromBase64String($g.Json.Mac); $wrong[0] = $wrong[0] -bxor 1
        $w = Invoke-Aws $Root kms verify-mac --key-id $id --message "fileb://$MessageFile" --mac (Save-Blob ([Convert]::ToBase64String($wrong)) 'wrong.bin') --mac-algorithm HMAC_SHA_256
        $w.ExitCode | Should -Not -Be 0
        $w.Error | Should -Match 'An error occurred \(KMSInvalidMacException\) when calling the VerifyMac operation'
    }
}
