# Fidelity with a second, independent client (issue 3, point 8): the AWS CLI (Debian's awscli package) against the
# sandbox, over the real wire protocols with SigV4. The same scenarios run with the AWS SDK for .NET in
# tests/BuzzKeyMgmt.Sandbox.Tests/Fidelity.
BeforeDiscovery {
    $script:NoCli = -not (Test-Path '/usr/bin/aws')
    if ($NoCli) { Write-Host 'AWS CLI fidelity tests skipped: /usr/bin/aws is not installed (.ci/run installs the awscli package).' }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force

    # Runs /usr/bin/aws as a principal of the sandbox; returns exit code, parsed JSON (when any) and stderr.
    function Invoke-Aws {
        param([Parameter(Mandatory)] $Principal, [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Arguments)
        $psi = [System.Diagnostics.ProcessStartInfo]::new('/usr/bin/aws')
        foreach ($a in @('--endpoint-url', $Sandbox.Endpoint, '--region', $Sandbox.Region, '--output', 'json') + $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $envs = @{ AWS_ACCESS_KEY_ID = $Principal.AccessKeyId; AWS_SECRET_ACCESS_KEY = $Principal.SecretAccessKey; AWS_SESSION_TOKEN = $Principal.SessionToken
                   AWS_CONFIG_FILE = '/dev/null'; AWS_SHARED_CREDENTIALS_FILE = '/dev/null'; AWS_EC2_METADATA_DISABLED = 'true'; AWS_PAGER = ''; AWS_MAX_ATTEMPTS = '1' }
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
