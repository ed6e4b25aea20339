# The runbook scripts (issue 6, point 6): pwsh -File, non-interactive, each documented exit code asserted; every way a
# runbook can fail (arguments, the module, a stop, exceptions, throws) gives a documented code and one JSON line.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-BuiltModulePath) -Force
    $script:Root = Get-RepoRoot
    $script:SavedConfig = $env:BUZZKEYMGMT_CONFIG
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-runbook-$([guid]::NewGuid().ToString('n'))")).FullName
    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    $null = Add-KeyMgmtSandboxKey -Count 16 -AliasPrefix 'alias/rb-'
    $script:Operator = $Sandbox.Users | Where-Object Name -eq operator
    $env:BUZZKEYMGMT_CONFIG = Join-Path $Dir 'environments.json'
    @{ environments = @{ lab = @{ region = $Sandbox.Region; accountId = $Sandbox.AccountId; endpointUrl = $Sandbox.Endpoint; mfaSerialNumber = $Operator.MfaSerial
        roles = @{ admin = $Sandbox.AdminRoleArn; emergency = $Sandbox.EmergencyRoleArn; recovery = $Sandbox.RecoveryRoleArn }
        auditStore = @{ provider = 'Sqlite'; path = (Join-Path $Dir 'store/audit.db') } } } } | ConvertTo-Json -Depth 5 | Set-Content $env:BUZZKEYMGMT_CONFIG
    $null = Initialize-KeyAuditStore -Environment lab

    # The shapes automation uses. Without -NonInteractive a prompt would wait on standard input (kept open and empty
    # here), so a prompt ends in the timeout below and fails the test instead of hanging it.
    $script:Shapes = @{ 'pwsh -NoProfile -NonInteractive -File' = @('-NoProfile', '-NonInteractive', '-File'); 'pwsh -File' = @('-File') }

    <#
        Runs a runbook as the operator would from automation: its own pwsh, the operator's credentials in the environment,
        standard input open and never written, a 120 s guard. -WhileRunning gets the process while it runs (to interrupt
        it); it is started with SIGINT at its default, even when this process inherited it ignored (a background job).
    #>
    function Invoke-RunbookScript {
        param(
            [string] $Name,
            [string[]] $Arguments = @(),
            [string] $Shape = 'pwsh -NoProfile -NonInteractive -File',
            [hashtable] $Environment = @{},
            [string] $ModulePath = (Get-BuiltModulePath),
            [switch] $NoModulePath,
            [string] $ScriptPath,
            [scriptblock] $WhileRunning
        )
        $command = @([Environment]::ProcessPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $command += Join-Path $PSHOME 'pwsh.dll' }
        if ($WhileRunning) { $command = @('env', '--default-signal=INT') + $command }
        $psi = [System.Diagnostics.ProcessStartInfo]::new($command[0])
        $file = if ($ScriptPath) { $ScriptPath } else { Join-Path $Root "runbooks/$Name" }
        $all = @($command | Select-Object -Skip 1) + $Shapes[$Shape] + @($file) + $Arguments
        if (-not $NoModulePath) { $all += @('-ModulePath', $ModulePath) }
        foreach ($a in $all) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.RedirectStandardInput = $true; $psi.UseShellExecute = $false
        $psi.Environment['BUZZKEYMGMT_CONFIG'] = $env:BUZZKEYMGMT_CONFIG
        $psi.Environment['XDG_DATA_HOME'] = $Dir
        $psi.Environment['XDG_CONFIG_HOME'] = $Dir   # no profile of this machine runs in the 'pwsh -File' shape
        $psi.Environment['AWS_ACCESS_KEY_ID'] = $Operator.AccessKeyId
        $psi.Environment['AWS_SECRET_ACCESS_KEY'] = $Operator.SecretAccessKey
        $psi.Environment['AWS_CONFIG_FILE'] = '/dev/null'; $psi.Environment['AWS_SHARED_CREDENTIALS_FILE'] = '/dev/null'; $psi.Environment['AWS_EC2_METADATA_DISABLED'] = 'true'
        foreach ($key in $Environment.Keys) {
            if ($null -eq $Environment[$key]) { [void]$psi.Environment.Remove($key) } else { $psi.Environment[$key] = [string]$Environment[$key] }
        }
        $p = [System.Diagnostics.Process]::Start($psi)
        try {
            $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
            if ($WhileRunning) { & $WhileRunning $p }
            if (-not $p.WaitForExit(120000)) { $p.Kill($true); throw "$Name did not finish within 120 s (waiting on a prompt?)" }
            $p.WaitForExit()
            $text = $out.Result
            $lines = @(if ($text.Length) { $text.TrimEnd("`n") -split "`n" })
            $result = $null
            if ($lines.Count -eq 1) { try { $result = $lines[0] | ConvertFrom-Json } catch { $result = $null } }
            [pscustomobject]@{ ExitCode = $p.ExitCode; Result = $result; Lines = $lines; Error = $err.Result; Output = $text }
        }
        finally { $p.Dispose() }
    }

    # The answer every runbook run must give: the code, and standard output exactly one JSON line with exitCode,
    # errorId and message (the same code), whatever happened.
    function Assert-RunbookAnswer {
        param($Run, [int] $Code, [AllowNull()] [AllowEmptyString()] [string] $ErrorId)
        $because = "stdout: $($Run.Output)`nstderr: $($Run.Error)"
        $Run.Lines.Count | Should -Be 1 -Because "standard output carries exactly one line`n$because"
        $Run.Result | Should -Not -BeNullOrEmpty -Because "the line is JSON`n$because"
        foreach ($field in 'exitCode', 'errorId', 'message') { $Run.Result.PSObject.Properties.Name | Should -Contain $field -Because $because }
        $Run.ExitCode | Should -Be $Code -Because $because
        $Run.Result.exitCode | Should -Be $Code
        $Run.Result.message | Should -Not -BeNullOrEmpty
        if ($PSBoundParameters.ContainsKey('ErrorId')) {
            if ($ErrorId) { $Run.Result.errorId | Should -BeExactly $ErrorId -Because $because } else { $Run.Result.errorId | Should -BeNullOrEmpty }
        }
    }

    function Revocation([string] $key, [string] $incident = 'INC-2026-0042', [string] $mfa = (Get-KeyMgmtSandboxMfaCode), [string[]] $extra = @(),
        [string] $Shape = 'pwsh -NoProfile -NonInteractive -File', [scriptblock] $WhileRunning) {
        Invoke-RunbookScript 'Invoke-EmergencyRevocation.ps1' (@('-Environment', 'lab', '-KeyId', $key, '-IncidentId', $incident, '-Reason', 'runbook test', '-MfaCode', $mfa) + $extra) -Shape $Shape -WhileRunning $WhileRunning
    }
    function Recovery([string] $key, [string] $change = 'CHG-2026-0107', [string[]] $extra = @()) {
        Invoke-RunbookScript 'Invoke-KeyRecovery.ps1' (@('-Environment', 'lab', '-KeyId', $key, '-ChangeId', $change, '-Reason', 'false alarm', '-MfaCode', (Get-KeyMgmtSandboxMfaCode)) + $extra)
    }

    # A stand-in for BuzzKeyMgmt (passed as -ModulePath): the ways a cmdlet can fail or misbehave, chosen by BKM_FAKE.
    $script:FakeModule = Join-Path $Dir 'fake/BuzzKeyMgmt.psm1'
    $null = New-Item -ItemType Directory (Split-Path $FakeModule)
    Set-Content -Path $FakeModule -Encoding utf8NoBOM -Value @'
function Connect-KeyManagement {
    switch ($env:BKM_FAKE) {
        'dotnet' { [System.IO.File]::ReadAllText('/nonexistent-bkm-folder/none.txt') }
        'unknownId' { throw [System.Management.Automation.ErrorRecord]::new([InvalidOperationException]::new('Something no runbook has seen.'), 'BrandNewFailure', 'NotSpecified', $null) }
        'throwText' { throw 'the stand-in module gave up' }
        'hostile' { throw [System.Management.Automation.ErrorRecord]::new([InvalidOperationException]::new("He said `"stop`"`nsecond line`r`n`e]0;pwned`a back\slash `u{9b}31m `u{202e}end"), 'HostileMessage', 'NotSpecified', $null) }
        'noisy' {
            'noise on the success stream'
            Write-Host 'noise from Write-Host'
            Write-Warning 'noise from Write-Warning'
            Write-Verbose 'noise from Write-Verbose' -Verbose
            Write-Information 'noise from Write-Information' -InformationAction Continue
            [Console]::Out.WriteLine('noise from Console.Out')
            [Console]::WriteLine('noise from Console.WriteLine')
            $Host.UI.WriteLine('noise from Host.UI')
        }
    }
}
function Revoke-EncryptionKey {
    if ($env:BKM_FAKE -eq 'bare') { return [pscustomobject]@{ Unexpected = $true } }
    [pscustomobject]@{ KeyId = 'fake-key'; Alias = 'alias/fake'; PreviousState = 'Enabled'; State = 'Disabled'; AuditId = [guid]::NewGuid()
        Journaled = $false; DurationMs = [long]5 }
}
'@
    function Fake([string] $behaviour, [string] $Name = 'Invoke-EmergencyRevocation.ps1') {
        $arguments = if ($Name -eq 'Invoke-KeyRecovery.ps1') { @('-Environment', 'lab', '-KeyId', 'alias/fake', '-ChangeId', 'CHG-2026-0107', '-Reason', 'fake', '-MfaCode', '123456') }
                     else { @('-Environment', 'lab', '-KeyId', 'alias/fake', '-IncidentId', 'INC-2026-0042', '-Reason', 'fake', '-MfaCode', '123456') }
        Invoke-RunbookScript $Name $arguments -ModulePath $FakeModule -Environment @{ BKM_FAKE = $behaviour }
    }
}
AfterAll {
    Stop-KeyMgmtSandbox
    $env:BUZZKEYMGMT_CONFIG = $SavedConfig
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'Invoke-EmergencyRevocation.ps1' {
    It 'exits 0 when the key is revoked and verified, with one JSON line for automation' {
        $r = Revocation 'alias/rb-1'
        Assert-RunbookAnswer $r 0 $null
        $r.Result.state | Should -Be 'Disabled'
        $r.Result.auditId | Should -Match '^[0-9a-f-]{36}$'
        (Get-KeyStatus -KeyId alias/rb-1 -Session (Connect-KeyManagement -Environment sandbox -PassThru)).State | Should -Be 'Disabled'
    }

    It 'exits 2 on bad input: an incident id off the policy, an unknown key' {
        Assert-RunbookAnswer (Revocation 'alias/rb-2' 'incident 42') 2
        Assert-RunbookAnswer (Revocation 'alias/rb-missing') 2 'KeyNotFound'
    }

    It 'exits 2 before connecting for an incident id with a trailing newline or full-width digits, or a blank reason: the policy check of the cmdlet' {
        $assumed = $Sandbox.RequestCount('STS.AssumeRole')
        # A newline is refused by the runbook's own argument reading (no control characters in any value); full-width
        # digits by the policy check the cmdlet applies. Either way: code 2, before connecting.
        foreach ($case in @(@("INC-2026-0042`n", 'ParameterArgumentValidationError'), @('INC-２０２６-0042', 'IncidentIdInvalid'))) {
            $r = Revocation 'alias/rb-10' $case[0]
            $r.ExitCode | Should -Be 2 -Because "$($r.Error)"
            $r.Result.errorId | Should -Be $case[1]
        }
        $blank = Invoke-RunbookScript 'Invoke-EmergencyRevocation.ps1' @('-Environment', 'lab', '-KeyId', 'alias/rb-10', '-IncidentId', 'INC-2026-0042', '-Reason', " `t ", '-MfaCode', (Get-KeyMgmtSandboxMfaCode))
        $blank.ExitCode | Should -Be 2
        $blank.Result.errorId | Should -Be 'MissingMandatoryParameter' -Because 'the runbook reads a blank value as a missing one'
        $Sandbox.RequestCount('STS.AssumeRole') | Should -Be $assumed -Because 'no MFA code is spent on input the policy refuses'
        (Get-KeyStatus -KeyId alias/rb-10 -Session (Connect-KeyManagement -Environment sandbox -PassThru)).State | Should -Be 'Enabled'
    }

    It 'exits 3 when refused: a wrong MFA code' {
        $wrong = '{0:D6}' -f (([int](Get-KeyMgmtSandboxMfaCode) + 500000) % 1000000)
        Assert-RunbookAnswer (Revocation 'alias/rb-3' -mfa $wrong) 3 'MfaCodeRejected'
    }

    It 'exits 4 when the AWS action keeps failing' {
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind InternalError -Count 50
        try { Assert-RunbookAnswer (Revocation 'alias/rb-4') 4 'AwsUnavailable' } finally { Set-KeyMgmtSandboxFault -Clear }
    }

    It 'exits 5 when the change does not show when the key is read back' {
        $null = Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind SilentNoOp -Count 1
        try { Assert-RunbookAnswer (Revocation 'alias/rb-5') 5 'VerificationFailed' } finally { Set-KeyMgmtSandboxFault -Clear }
    }

    It 'exits 6 when done but the audit store was down (rows journaled)' {
        Rename-Item (Join-Path $Dir 'store') 'store-away'
        try {
            $r = Revocation 'alias/rb-6'
            Assert-RunbookAnswer $r 6 $null
            $r.Result.journaled | Should -BeTrue
            $r.Result.state | Should -Be 'Disabled'
        }
        finally { Rename-Item (Join-Path $Dir 'store-away') 'store' }
    }
}

Describe 'Production' {
    It '-Force never skips the MFA step in an environment marked production' {
        $cfg = Get-Content -Raw $env:BUZZKEYMGMT_CONFIG | ConvertFrom-Json -AsHashtable
        $cfg.environments['prod'] = $cfg.environments.lab.Clone(); $cfg.environments['prod'].production = $true
        $cfg | ConvertTo-Json -Depth 5 | Set-Content $env:BUZZKEYMGMT_CONFIG
        $env:AWS_ACCESS_KEY_ID = $Operator.AccessKeyId; $env:AWS_SECRET_ACCESS_KEY = $Operator.SecretAccessKey
        try {
            $s = Connect-KeyManagement -Environment prod -Role Admin -PassThru
            $s.IsProduction | Should -BeTrue
            Revoke-EncryptionKey alias/rb-9 -IncidentId INC-2026-0042 -Reason 'force without mfa' -Force -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'EmergencyRoleRequired,*'
            (Get-KeyStatus alias/rb-9).State | Should -Be 'Enabled'
            (Revoke-EncryptionKey alias/rb-9 -IncidentId INC-2026-0042 -Reason 'with mfa' -MfaCode (Get-KeyMgmtSandboxMfaCode) -Force).State | Should -Be 'Disabled'
        }
        finally { Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY; Disconnect-KeyManagement }
    }
}

Describe 'Invoke-KeyRecovery.ps1' {
    It 'files a request and exits 3 without approvals, then exits 0 once two others approved' {
        $null = Revocation 'alias/rb-7'
        $first = Recovery 'alias/rb-7'
        Assert-RunbookAnswer $first 3 'ApprovalsMissing'
        $requestId = [guid]$first.Result.requestId
        # Approvers connect to the same store as themselves; the approver environments point at it.
        foreach ($who in 'approver1', 'approver2') {
            $u = $Sandbox.Users | Where-Object Name -eq $who
            $cfg = Get-Content -Raw $env:BUZZKEYMGMT_CONFIG | ConvertFrom-Json -AsHashtable
            $cfg.environments[$who] = $cfg.environments.lab.Clone(); $cfg.environments[$who].mfaSerialNumber = $u.MfaSerial
            $cfg | ConvertTo-Json -Depth 5 | Set-Content $env:BUZZKEYMGMT_CONFIG
            $env:AWS_ACCESS_KEY_ID = $u.AccessKeyId; $env:AWS_SECRET_ACCESS_KEY = $u.SecretAccessKey
            try { $null = Connect-KeyManagement -Environment $who -Role None; $null = Approve-KeyRecovery -RequestId $requestId }
            finally { Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY }
        }
        $second = Recovery 'alias/rb-7'
        Assert-RunbookAnswer $second 0 $null
        $second.Result.state | Should -Be 'Enabled'
    }

    It 'exits 2 on a change id off the policy' {
        Assert-RunbookAnswer (Recovery 'alias/rb-8' 'change 7') 2
    }

    It 'exits 3 (AuditStoreUnavailable) when the audit store is down: recovery waits for its record' {
        Rename-Item (Join-Path $Dir 'store') 'store-away'
        try { Assert-RunbookAnswer (Recovery 'alias/rb-8') 3 'AuditStoreUnavailable' }
        finally { Rename-Item (Join-Path $Dir 'store-away') 'store' }
    }
}

Describe 'Runbook exit codes: arguments (read by the script, so binding cannot end it first)' {
    BeforeDiscovery {
        $revocation = [ordered]@{ Environment = 'lab'; KeyId = 'alias/rb-13'; IncidentId = 'INC-2026-0042'; Reason = 'argument test' }
        $recovery = [ordered]@{ Environment = 'lab'; KeyId = 'alias/rb-13'; ChangeId = 'CHG-2026-0107'; Reason = 'argument test' }
        $shapes = 'pwsh -NoProfile -NonInteractive -File', 'pwsh -File'
        $MissingCases = foreach ($runbook in @(@{ Name = 'Invoke-EmergencyRevocation.ps1'; Required = $revocation }, @{ Name = 'Invoke-KeyRecovery.ps1'; Required = $recovery })) {
            foreach ($missing in $runbook.Required.Keys) {
                $arguments = @(foreach ($k in $runbook.Required.Keys) { if ($k -ne $missing) { "-$k"; $runbook.Required[$k] } })
                foreach ($shape in $shapes) { @{ Script = $runbook.Name; Missing = $missing; Arguments = $arguments; Shape = $shape } }
            }
        }
        $all = @(foreach ($k in $revocation.Keys) { "-$k"; $revocation[$k] })
        $allRecovery = @(foreach ($k in $recovery.Keys) { "-$k"; $recovery[$k] })
        $ArgumentCases = foreach ($shape in $shapes) {
            @{ Script = 'Invoke-EmergencyRevocation.ps1'; Case = 'an unknown parameter'; Arguments = $all + @('-Bogus', 'x'); ErrorId = 'NamedParameterNotFound'; Names = "'Bogus'"; Shape = $shape }
            @{ Script = 'Invoke-KeyRecovery.ps1'; Case = 'an unknown parameter'; Arguments = $allRecovery + @('-IncidentId', 'INC-2026-0042'); ErrorId = 'NamedParameterNotFound'; Names = "'IncidentId'"; Shape = $shape }
            @{ Script = 'Invoke-EmergencyRevocation.ps1'; Case = '-PendingWindowDays abc'; Arguments = $all + @('-ScheduleDeletion', '-PendingWindowDays', 'abc'); ErrorId = 'ParameterArgumentTransformationError'; Names = "'abc'"; Shape = $shape }
            @{ Script = 'Invoke-EmergencyRevocation.ps1'; Case = 'a parameter given twice'; Arguments = $all + @('-KeyId', 'alias/rb-14'); ErrorId = 'ParameterAlreadyBound'; Names = '-KeyId'; Shape = $shape }
            @{ Script = 'Invoke-EmergencyRevocation.ps1'; Case = 'a parameter without its value'; Arguments = $all + @('-MfaCode'); ErrorId = 'MissingArgument'; Names = "'MfaCode'"; Shape = $shape }
            @{ Script = 'Invoke-EmergencyRevocation.ps1'; Case = 'an ambiguous short name'; Arguments = $all + @('-M', '123456'); ErrorId = 'AmbiguousParameter'; Names = "'M'"; Shape = $shape }
            @{ Script = 'Invoke-KeyRecovery.ps1'; Case = 'a value without a name'; Arguments = @('stray') + $allRecovery; ErrorId = 'PositionalParameterNotFound'; Names = "'stray'"; Shape = $shape }
            @{ Script = 'Invoke-EmergencyRevocation.ps1'; Case = 'a switch given a value'; Arguments = $all + @('-ScheduleDeletion:maybe'); ErrorId = 'PositionalParameterNotFound'; Names = "'maybe'"; Shape = $shape }
        }
    }

    It '<Script> without -<Missing> exits 2 (MissingMandatoryParameter) naming it, as <Shape>' -ForEach $MissingCases {
        $r = Invoke-RunbookScript $Script $Arguments -Shape $Shape
        Assert-RunbookAnswer $r 2 'MissingMandatoryParameter'
        $r.Result.message | Should -Match "\(MissingMandatoryParameter\): Missing -$Missing\. "
    }

    It '<Script>: <Case> exits 2 (<ErrorId>) naming <Names>, as <Shape>' -ForEach $ArgumentCases {
        $r = Invoke-RunbookScript $Script $Arguments -Shape $Shape
        Assert-RunbookAnswer $r 2 $ErrorId
        $r.Result.message | Should -BeLike "*($ErrorId): *$Names*"
    }

    It 'a value a cmdlet refuses exits 2 (ParameterArgumentValidationError): -PendingWindowDays 3, a malformed key for recovery' {
        Assert-RunbookAnswer (Revocation 'alias/rb-13' -extra '-ScheduleDeletion', '-PendingWindowDays', '3') 2 'ParameterArgumentValidationError'
        Assert-RunbookAnswer (Recovery 'not a key!') 2 'ParameterArgumentValidationError'
        (Get-KeyStatus -KeyId alias/rb-13 -Session (Connect-KeyManagement -Environment sandbox -PassThru)).State | Should -Be 'Enabled'
    }

    It 'the module''s own bad-input ids exit 2: PendingWindowWithoutDeletion, EnvironmentNotFound' {
        Assert-RunbookAnswer (Revocation 'alias/rb-13' -extra '-PendingWindowDays', '10') 2 'PendingWindowWithoutDeletion'
        $r = Invoke-RunbookScript 'Invoke-EmergencyRevocation.ps1' @('-Environment', 'nowhere', '-KeyId', 'alias/rb-13', '-IncidentId', 'INC-2026-0042', '-Reason', 'x', '-MfaCode', '123456')
        Assert-RunbookAnswer $r 2 'EnvironmentNotFound'
    }

    It 'no -MfaCode for the Emergency role exits 3 (MfaRequired)' {
        $r = Invoke-RunbookScript 'Invoke-EmergencyRevocation.ps1' @('-Environment', 'lab', '-KeyId', 'alias/rb-13', '-IncidentId', 'INC-2026-0042', '-Reason', 'x')
        Assert-RunbookAnswer $r 3 'MfaRequired'
        $r.Result.recommendedAction | Should -Match 'MfaCode'
    }
}

Describe 'Runbook exit codes: the module missing' {
    It '<Script> with a -ModulePath that does not exist exits 2 (ModuleNotFound), as <Shape>' -ForEach @(
        @{ Script = 'Invoke-EmergencyRevocation.ps1'; Shape = 'pwsh -NoProfile -NonInteractive -File' }
        @{ Script = 'Invoke-EmergencyRevocation.ps1'; Shape = 'pwsh -File' }
        @{ Script = 'Invoke-KeyRecovery.ps1'; Shape = 'pwsh -NoProfile -NonInteractive -File' }
    ) {
        $arguments = if ($Script -eq 'Invoke-KeyRecovery.ps1') { @('-Environment', 'lab', '-KeyId', 'alias/rb-13', '-ChangeId', 'CHG-2026-0107', '-Reason', 'x') }
                     else { @('-Environment', 'lab', '-KeyId', 'alias/rb-13', '-IncidentId', 'INC-2026-0042', '-Reason', 'x') }
        $r = Invoke-RunbookScript $Script $arguments -Shape $Shape -ModulePath (Join-Path $Dir 'no-such-folder/BuzzKeyMgmt')
        Assert-RunbookAnswer $r 2 'ModuleNotFound'
        $r.Result.message | Should -Match 'no-such-folder'
    }

    It 'exits 2 (ModuleNotFound) when BuzzKeyMgmt is not installed (PSModulePath without it), as <Shape>' -ForEach @(
        @{ Shape = 'pwsh -NoProfile -NonInteractive -File' }, @{ Shape = 'pwsh -File' }
    ) {
        $empty = (New-Item -ItemType Directory -Force (Join-Path $Dir 'empty-modules')).FullName
        $r = Invoke-RunbookScript 'Invoke-EmergencyRevocation.ps1' @('-Environment', 'lab', '-KeyId', 'alias/rb-13', '-IncidentId', 'INC-2026-0042', '-Reason', 'x') -Shape $Shape -NoModulePath -Environment @{ PSModulePath = $empty }
        Assert-RunbookAnswer $r 2 'ModuleNotFound'
        $r.Result.message | Should -Match 'BuzzKeyMgmt module was not found'
    }

    It '<Script> copied without RunbookSupport.psm1 still exits 2 (ModuleNotFound) with one JSON line' -ForEach @(
        @{ Script = 'Invoke-EmergencyRevocation.ps1' }, @{ Script = 'Invoke-KeyRecovery.ps1' }
    ) {
        $alone = (New-Item -ItemType Directory -Force (Join-Path $Dir "alone-$Script")).FullName
        Copy-Item (Join-Path $Root "runbooks/$Script") $alone
        $r = Invoke-RunbookScript $Script @('-Environment', 'lab') -ScriptPath (Join-Path $alone $Script)
        Assert-RunbookAnswer $r 2 'ModuleNotFound'
        $r.Result.message | Should -Match 'RunbookSupport\.psm1'
    }
}

Describe 'Runbook exit codes: stops, exceptions and throws' {
    It 'Ctrl+C (SIGINT) while the key is being read exits 4 (OperationStopped) with one JSON line, and the key is left Enabled' {
        if (-not $IsLinux) { Set-ItResult -Skipped -Because 'SIGINT is sent with kill(1) and env --default-signal'; return }
        # The sandbox holds the runbook's DescribeKey for a minute; once it holds it (Applied), the runbook gets SIGINT.
        $rule = Set-KeyMgmtSandboxFault -Operation KMS.DescribeKey -Kind Latency -Latency '00:01:00' -Count 1
        try {
            $interrupt = {
                param($process)
                $guard = [DateTime]::UtcNow.AddMinutes(2)   # a guard against a hang, not a measurement
                while ($rule.Applied -lt 1 -and -not $process.HasExited -and [DateTime]::UtcNow -lt $guard) { Start-Sleep -Milliseconds 50 }
                if (-not $process.HasExited) { [System.Diagnostics.Process]::Start('kill', [string[]]@('-INT', "$($process.Id)")).WaitForExit() }
            }.GetNewClosure()
            $r = Revocation 'alias/rb-10' -WhileRunning $interrupt
            $rule.Applied | Should -Be 1 -Because 'the runbook was interrupted inside DescribeKey'
            Assert-RunbookAnswer $r 4 'OperationStopped'
            $r.Result.keyId | Should -Be 'alias/rb-10'
        }
        finally { Set-KeyMgmtSandboxFault -Clear }
        (Get-KeyStatus -KeyId alias/rb-10 -Session (Connect-KeyManagement -Environment sandbox -PassThru)).State | Should -Be 'Enabled'
    }

    It 'an unexpected .NET exception in a cmdlet exits 4 with its type name as errorId (<Script>)' -ForEach @(
        @{ Script = 'Invoke-EmergencyRevocation.ps1' }, @{ Script = 'Invoke-KeyRecovery.ps1' }
    ) {
        $r = Fake 'dotnet' $Script
        Assert-RunbookAnswer $r 4 'DirectoryNotFoundException'
        $r.Result.message | Should -Match 'nonexistent-bkm-folder'
    }

    It 'a throw in the runbook script itself (a result without the expected properties, under strict mode) exits 4' {
        $r = Fake 'bare'
        Assert-RunbookAnswer $r 4 'PropertyNotFoundStrict'
    }

    It 'a bare throw of text exits 4 (RuntimeException), the text in the message' {
        $r = Fake 'throwText'
        Assert-RunbookAnswer $r 4 'RuntimeException'
        $r.Result.message | Should -Match 'the stand-in module gave up'
    }

    It 'an error id the runbooks do not know exits 4 with that id' {
        Assert-RunbookAnswer (Fake 'unknownId') 4 'BrandNewFailure'
    }
}

Describe 'Runbook exit codes: standard output and escaping' {
    It 'a message with quotes, newlines, backslashes and escape sequences is one JSON line that reads back exactly; standard error shows them escaped' {
        $r = Fake 'hostile'
        Assert-RunbookAnswer $r 4 'HostileMessage'
        $r.Result.message | Should -Match ([regex]::Escape("He said `"stop`"`nsecond line`r`n`e]0;pwned`a back\slash `u{9b}31m `u{202e}end") + '$')
        $r.Output | Should -Not -Match '[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]' -Because 'no control or bidi character reaches standard output raw'
        $r.Error | Should -Not -Match '[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]' -Because 'nor standard error'
        $r.Error | Should -Match ([regex]::Escape('second line\r\n\e]0;pwned\a back\slash \u009b31m \u202eend'))
    }

    It 'a pasted key id with a terminal escape sequence exits 2 for <Script>: encoded in the JSON line, escaped on standard error' -ForEach @(
        @{ Script = 'Invoke-EmergencyRevocation.ps1'; Arguments = @('-IncidentId', 'INC-2026-0042') }
        @{ Script = 'Invoke-KeyRecovery.ps1'; Arguments = @('-ChangeId', 'CHG-2026-0107') }
    ) {
        $hostile = "`e]0;pwned`a"
        $r = Invoke-RunbookScript $Script (@('-Environment', 'lab', '-KeyId', $hostile, '-Reason', 'x', '-MfaCode', '123456') + $Arguments)
        Assert-RunbookAnswer $r 2 'ParameterArgumentValidationError'
        $r.Result.keyId | Should -BeExactly $hostile
        $r.Lines[0] | Should -Match ([regex]::Escape('"keyId":"\u001b]0;pwned\u0007"'))
        $r.Output + $r.Error | Should -Not -Match "[`e`a]"
        $r.Error | Should -Match ([regex]::Escape('\e]0;pwned\a'))
    }

    It 'nothing a cmdlet writes (output, host, warnings, verbose, information, the console) reaches standard output' {
        $r = Fake 'noisy'
        Assert-RunbookAnswer $r 0 $null
        $r.Result.keyId | Should -Be 'fake-key'
        $r.Result.warnings | Should -Contain 'noise from Write-Warning'
        foreach ($noise in 'Write-Host', 'Write-Warning', 'Write-Verbose', 'Write-Information', 'Console.Out', 'Console.WriteLine', 'Host.UI') {
            $r.Error | Should -Match "noise from $noise" -Because 'the story goes to standard error'
        }
    }

    It '-Verbose shows the module''s steps on standard error only' {
        $r = Revocation 'alias/rb-11' -extra '-Verbose'
        Assert-RunbookAnswer $r 0 $null
        $r.Error | Should -Match 'VERBOSE: .*DisableKey'
    }

    It 'a revocation as plain ''pwsh -File'' (no -NonInteractive, standard input open) does not prompt: exit 0, one JSON line' {
        $r = Revocation 'alias/rb-12' -Shape 'pwsh -File'
        Assert-RunbookAnswer $r 0 $null
        $r.Result.state | Should -Be 'Disabled'
    }
}

Describe 'Runbook exit codes: the error id table' {
    BeforeAll {
        $script:Support = Import-Module (Join-Path $Root 'runbooks/RunbookSupport.psm1') -PassThru -Force -Function @() -Variable @()
        $script:Codes = & $Support { $script:ErrorCodes }
    }
    AfterAll { Remove-Module $Support -ErrorAction SilentlyContinue }

    It 'runbooks/README.md lists exactly the error ids RunbookSupport.psm1 maps, each with the same code' {
        $documented = [ordered]@{}
        foreach ($line in Get-Content (Join-Path $Root 'runbooks/README.md')) {
            if ($line -match '^\|\s*`([A-Za-z]+)`\s*\|\s*(\d)\s*\|') { $documented[$Matches[1]] = [int]$Matches[2] }
        }
        $documented.Count | Should -BeGreaterThan 50
        @($documented.Keys | Where-Object { -not $Codes.Contains($_) }) | Should -BeNullOrEmpty -Because 'every documented id is mapped'
        @($Codes.Keys | Where-Object { -not $documented.Contains($_) }) | Should -BeNullOrEmpty -Because 'every mapped id is documented'
        foreach ($id in $documented.Keys) { $Codes[$id] | Should -Be $documented[$id] -Because "$id has one code" }
        & $Support { Get-RunbookExitCode 'AnIdNobodyKnows' } | Should -Be 4
    }

    It 'maps every error id the cmdlets the runbooks call can raise (a scan of their sources)' {
        $src = Join-Path $Root 'src'
        # The engine minus what only other cmdlets use (rotation, drills, compliance, reports, diagnostics, the TLS probe).
        $files = @(Get-ChildItem (Join-Path $src 'BuzzKeyMgmt.Engine') -Recurse -Filter *.cs |
            Where-Object { $_.FullName -notmatch '[\\/](obj|bin|Rotation|Training|Compliance|Reporting|Diagnostics)[\\/]' -and $_.Name -ne 'ConnectionEncryptionProbe.cs' })
        $cmdlets = Join-Path $src 'BuzzKeyMgmt'
        $files += @(Get-Item (Join-Path $cmdlets 'KeyMgmtCmdlet.cs'), (Join-Path $cmdlets 'Cmdlets/Identity/ConnectKeyManagementCommand.cs'),
            (Join-Path $cmdlets 'Cmdlets/Audit/AuditCmdlet.cs'), (Join-Path $cmdlets 'Cmdlets/Audit/GetKeyAuditLogCommand.cs'))
        $files += @(Get-ChildItem (Join-Path $cmdlets 'Cmdlets/Revocation'), (Join-Path $cmdlets 'Cmdlets/Recovery') -Filter *.cs)
        $ids = @(foreach ($file in $files) {
                $text = Get-Content -Raw $file.FullName
                foreach ($pattern in '"([A-Z][A-Za-z]+)"\s*,\s*(?:FailureKind|ErrorCategory)\.', 'Refused\(\s*"([A-Z][A-Za-z]+)"', 'const string \w*ErrorId = "([A-Z][A-Za-z]+)"') {
                    [regex]::Matches($text, $pattern) | ForEach-Object { $_.Groups[1].Value }
                }
                if ($file.Name -eq 'AuditStoreException.cs') { [regex]::Matches($text, 'const string \w+ = "([A-Z][A-Za-z]+)"') | ForEach-Object { $_.Groups[1].Value } }
                if ($text.Contains('{role}RoleRequired')) { 'EmergencyRoleRequired', 'RecoveryRoleRequired' }   # only these roles need MFA
            }) | Sort-Object -Unique
        $ids | Should -Contain 'KeyNotFound'
        $ids | Should -Contain 'AuditStoreUnavailable'
        $ids.Count | Should -BeGreaterThan 40 -Because 'the scan finds the ids'
        @($ids | Where-Object { -not $Codes.Contains($_) }) | Should -BeNullOrEmpty
    }

    It 'exits 2 before connecting on a change id with a trailing newline or full-width digits' {
        $assumed = $Sandbox.RequestCount('STS.AssumeRole')
        foreach ($case in @(@("CHG-2026-0107`n", 'ParameterArgumentValidationError'), @('CHG-２０２６-0107', 'ChangeIdInvalid'))) {
            $r = Invoke-RunbookScript 'Invoke-KeyRecovery.ps1' @('-Environment', 'lab', '-KeyId', 'alias/rb-8', '-ChangeId', $case[0], '-Reason', 'x', '-MfaCode', (Get-KeyMgmtSandboxMfaCode))
            $r.ExitCode | Should -Be 2 -Because "$($r.Error)"
            $r.Result.errorId | Should -Be $case[1]
        }
        $Sandbox.RequestCount('STS.AssumeRole') | Should -Be $assumed
    }
}
