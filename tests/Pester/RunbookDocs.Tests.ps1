# The operator runbooks as executable documentation (issue 13, point 4): every ```powershell block of each runbook in
# runbooks/*.md runs, in order, against the sandbox posing as the environment `production`, so a runbook whose commands
# stop working fails here, naming the runbook and the block.
#
# What the runbooks may assume, and how this file provides it (runbooks/README.md, "How the runbooks are tested"):
# - `production` in an environments.json named by BUZZKEYMGMT_CONFIG: the sandbox's endpoint, account, role ARNs, the
#   operator's MFA serial, its alert topic, a SQLite audit store in a temp folder and a digest folder beside it;
# - the operator's base credentials in the standard AWS chain (environment variables), the approvers' as the profiles
#   approver1 and approver2 of an AWS credentials file;
# - `Import-Module BuzzKeyMgmt` finds the built module (its folder is put first on PSModulePath);
# - `Read-Host` is shadowed by a function (functions win over cmdlets) that answers an MFA prompt with a fresh sandbox
#   code for whoever's turn it is (the shell's identity, or the approver the prompt names) and refuses any other prompt;
# - `Start-Sleep` is shadowed by a function that moves the sandbox clock instead of waiting.
# Block kinds (the fence's info string): `powershell` runs in the operator's shell (one fresh runspace per runbook);
# `powershell approver` runs once in each approver's own shell (approver1, then approver2: their machines), after the
# runbook's first block ("Set these first") with $ApproverProfile and $ApproverMfaSerial set to theirs and $RequestId
# handed over from the operator's shell; `powershell sandbox` ("Practise it") runs alone in a fresh shell with no
# shadowed prompt. `text` blocks are sample output: when one follows a powershell block, each of its `Name : Value` lines
# whose value is a stable word (State, Verified, Status …) must appear in that block's real output.
BeforeDiscovery {
    $script:RunbookNames = @('emergency-key-revocation', 'key-recovery', 'key-rotation', 'quarterly-drill')
    # BUZZKEYMGMT_RUNBOOK=key-recovery (or a comma-separated list) runs only those runbooks; BUZZKEYMGMT_RUNBOOK_TRACE=1
    # prints each block's output.
    if ($env:BUZZKEYMGMT_RUNBOOK) { $script:RunbookNames = @($RunbookNames | Where-Object { $_ -in ($env:BUZZKEYMGMT_RUNBOOK -split ',').Trim() }) }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-BuiltModulePath
    Import-Module $ModulePath -Force
    $script:RunbookDir = Join-Path (Get-RepoRoot) 'runbooks'
    $script:Dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bkm-rbdocs-$([guid]::NewGuid().ToString('n'))")).FullName

    $script:SavedEnv = @{}
    foreach ($name in 'BUZZKEYMGMT_CONFIG', 'XDG_DATA_HOME', 'PSModulePath', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
        'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_REGION', 'AWS_DEFAULT_REGION') {
        $SavedEnv[$name] = [Environment]::GetEnvironmentVariable($name)
    }

    $script:Sandbox = Start-KeyMgmtSandbox -PassThru
    # The keys the runbooks name (aliases are <prefix>1..N): alias/CEK_User_41-42, alias/CEK_Tenant7_1-3 (revocation),
    # alias/CEK_User_11-17 (recovery), alias/CEK_Payments_1-6 in the rotation mix (rotation).
    $null = Add-KeyMgmtSandboxKey -Count 2 -AliasPrefix 'alias/CEK_User_4'
    $null = Add-KeyMgmtSandboxKey -Count 3 -AliasPrefix 'alias/CEK_Tenant7_'
    $null = Add-KeyMgmtSandboxKey -Count 7 -AliasPrefix 'alias/CEK_User_1'
    $null = Add-KeyMgmtSandboxKey -Count 6 -AliasPrefix 'alias/CEK_Payments_' -RotationMix
    $script:Serials = @{}
    foreach ($who in 'operator', 'approver1', 'approver2') { $Serials[$who] = $Sandbox.User($who).MfaSerial }

    $env:XDG_DATA_HOME = Join-Path $Dir 'data'
    $env:BUZZKEYMGMT_CONFIG = Join-Path $Dir 'environments.json'
    @{ environments = @{ production = @{
                region = $Sandbox.Region; accountId = $Sandbox.AccountId; production = $true; endpointUrl = $Sandbox.Endpoint
                roles = @{ admin = $Sandbox.AdminRoleArn; emergency = $Sandbox.EmergencyRoleArn; recovery = $Sandbox.RecoveryRoleArn }
                mfaSerialNumber = $Serials.operator; alertTopicArn = $Sandbox.AlertTopicArn
                auditStore = @{ provider = 'Sqlite'; path = (Join-Path $Dir 'store/audit.db') }
                auditDigests = @{ path = (Join-Path $Dir 'digests'); keyId = $Sandbox.AuditDigestKeyAlias }
            } } } | ConvertTo-Json -Depth 5 | Set-Content $env:BUZZKEYMGMT_CONFIG
    $credentials = Join-Path $Dir 'credentials'
    $profiles = foreach ($who in 'approver1', 'approver2') {
        $u = $Sandbox.User($who)
        "[$who]`naws_access_key_id = $($u.AccessKeyId)`naws_secret_access_key = $($u.SecretAccessKey)`n"
    }
    Set-Content -Path $credentials -Value ($profiles -join "`n")
    $operator = $Sandbox.User('operator')
    $env:AWS_ACCESS_KEY_ID = $operator.AccessKeyId
    $env:AWS_SECRET_ACCESS_KEY = $operator.SecretAccessKey
    $env:AWS_SHARED_CREDENTIALS_FILE = $credentials
    $env:AWS_CONFIG_FILE = Join-Path $Dir 'no-config'
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    foreach ($name in 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION') { [Environment]::SetEnvironmentVariable($name, $null) }
    $moduleFolder = if (Test-Path -LiteralPath $ModulePath -PathType Leaf) { Split-Path $ModulePath } else { $ModulePath }
    if ((Split-Path $moduleFolder -Leaf) -ne 'BuzzKeyMgmt') {
        $link = Join-Path $Dir 'modules/BuzzKeyMgmt'
        $null = New-Item -ItemType Directory (Split-Path $link)
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $moduleFolder
        $moduleFolder = $link
    }
    $env:PSModulePath = (Split-Path $moduleFolder) + [IO.Path]::PathSeparator + $env:PSModulePath
    # The store exists before anyone uses it, as the DBA's Initialize-KeyAuditStore leaves it in production.
    $null = Initialize-KeyAuditStore -Environment production

    # What the harness puts in every shell before the runbook's blocks.
    $script:ShellPrelude = @'
function global:Read-Host {
    param([Parameter(Position = 0, ValueFromRemainingArguments = $true)] $Prompt, [switch] $AsSecureString, [switch] $MaskInput)
    $text = "$Prompt"
    if ($null -eq $RunbookTestIdentity) { throw "Read-Host '$text' in a practise block: the sandbox gives codes with Get-KeyMgmtSandboxMfaCode" }
    if ($text -notmatch 'MFA') { throw "Read-Host '$text': the runbook test answers MFA prompts only" }
    $who = $RunbookTestIdentity
    foreach ($name in $RunbookTestSerials.Keys) { if ($name -ne 'operator' -and $text -match "\b$name\b") { $who = $name } }
    $RunbookTestPrompts.Add("$who|$text")
    $RunbookTestSandbox.GetMfaCode($RunbookTestSerials[$who])
}
function global:Start-Sleep {
    param([Parameter(Position = 0)] [double] $Seconds, [int] $Milliseconds, [timespan] $Duration)
    $span = if ($PSBoundParameters.ContainsKey('Duration')) { $Duration } elseif ($PSBoundParameters.ContainsKey('Milliseconds')) { [timespan]::FromMilliseconds($Milliseconds) } else { [timespan]::FromSeconds($Seconds) }
    $RunbookTestSandbox.Clock.Advance($span)
}
'@

    # A fresh runspace for one person (operator, approver1, approver2), or for a practise block ($null: no answers).
    function New-RunbookShell([AllowNull()] [string] $Identity) {
        $ps = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
        $proxy = $ps.Runspace.SessionStateProxy
        $proxy.SetVariable('RunbookTestSandbox', $(if ($Identity) { $Sandbox } else { $null }))
        $proxy.SetVariable('RunbookTestSerials', $Serials)
        $proxy.SetVariable('RunbookTestIdentity', $(if ($Identity) { $Identity } else { $null }))
        $proxy.SetVariable('RunbookTestPrompts', [System.Collections.Generic.List[string]]::new())
        # Files a runbook writes (./key-compliance-….html) land in a folder of this run, not in the repository.
        $work = New-Item -ItemType Directory -Force (Join-Path $Dir "work-$(if ($Identity) { $Identity } else { 'practice' })")
        $null = $proxy.Path.SetLocation([System.Management.Automation.WildcardPattern]::Escape($work.FullName))
        if ($Identity) { $null = $ps.AddScript($ShellPrelude, $false).Invoke() }
        else { $null = $ps.AddScript(($ShellPrelude -replace '(?s)function global:Start-Sleep.*$', ''), $false).Invoke() }
        if ($ps.HadErrors) { throw "the shell prelude failed: $($ps.Streams.Error)" }
        $ps.Commands.Clear()
        $ps
    }

    # The fenced blocks of a runbook, in order: Lang, Tag, Line, Code; each powershell block numbered, with the text block
    # that follows it (its sample output) when the next fence is one.
    function Get-RunbookBlocks([string] $Path) {
        $lines = @(Get-Content -LiteralPath $Path)
        $fences = [System.Collections.Generic.List[object]]::new()
        $open = $null
        for ($i = 0; $i -lt $lines.Count; $i++) {
            $line = $lines[$i]
            if ($null -eq $open) {
                if ($line -match '^\s+```') { throw "$(Split-Path $Path -Leaf) line $($i + 1): an indented fence; write blocks at the start of the line so the test sees them" }
                if ($line -match '^```\s*([\w-]*)\s*(.*?)\s*$') {
                    $open = @{ Lang = $Matches[1].ToLowerInvariant(); Tag = $Matches[2]; Line = $i + 1; Body = [System.Collections.Generic.List[string]]::new() }
                }
            }
            elseif ($line -match '^```\s*$') {
                $fences.Add([pscustomobject]@{ Lang = $open.Lang; Tag = $open.Tag; Line = $open.Line; Code = ($open.Body -join "`n"); Number = 0; Sample = $null })
                $open = $null
            }
            else { $open.Body.Add($line) }
        }
        if ($open) { throw "$(Split-Path $Path -Leaf) line $($open.Line): a fence that is never closed" }
        $n = 0
        for ($i = 0; $i -lt $fences.Count; $i++) {
            $f = $fences[$i]
            if ($f.Lang -in 'pwsh', 'ps1', 'ps', 'posh') { throw "$(Split-Path $Path -Leaf) line $($f.Line): write ``````powershell so the test runs the block" }
            if ($f.Lang -ne 'powershell') { continue }
            if ($f.Tag -notin '', 'approver', 'sandbox') { throw "$(Split-Path $Path -Leaf) line $($f.Line): unknown block kind '$($f.Tag)' (approver, sandbox or none)" }
            $f.Number = ++$n
            if ($i + 1 -lt $fences.Count -and $fences[$i + 1].Lang -eq 'text') { $f.Sample = $fences[$i + 1].Code }
        }
        $fences | Where-Object Lang -eq 'powershell'
    }

    # Runs one block in a shell: its output as text (Out-String), its errors and warnings; throws naming the runbook and
    # block on a terminating error, any error record, a timeout, or a sample line missing from the output.
    function Invoke-RunbookBlock($Shell, $Block, [string] $Runbook, [string] $As) {
        $where = "runbooks/$Runbook.md block $($Block.Number) (line $($Block.Line), as $As)"
        $Shell.Commands.Clear()
        $Shell.Streams.ClearStreams()
        $null = $Shell.AddScript($Block.Code, $false).AddCommand('Out-String').AddParameter('Width', 250)
        $async = $Shell.BeginInvoke()
        if (-not $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(180))) {
            $Shell.Stop()
            throw "$where did not finish within 180 s (a prompt, or a wait?)"
        }
        $failure = $null
        $output = ''
        try { $output = -join @($Shell.EndInvoke($async)) }
        catch { $failure = $_.Exception.InnerException ?? $_.Exception }
        $errors = @($Shell.Streams.Error)
        $warnings = @($Shell.Streams.Warning | ForEach-Object Message)
        if ($failure -or $errors.Count) {
            $what = @(if ($failure) { "terminating: $($failure.Message)" }) + @($errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
            throw "$where failed:`n$($what -join "`n")`nwarnings: $($warnings -join ' | ')`noutput:`n$output"
        }
        # BUZZKEYMGMT_RUNBOOK_TRACE=1 prints what each block printed (to write or check a sample).
        if ($env:BUZZKEYMGMT_RUNBOOK_TRACE) { Write-Host "----- $where`n$output$(if ($warnings) { "warnings: $($warnings -join ' | ')" })" }
        if ($Block.Sample) {
            foreach ($line in $Block.Sample -split "`n") {
                if ($line -match '^\s*([A-Za-z][\w]*)\s+:\s+(True|False|Enabled|Disabled|PendingDeletion|Pending|Approved|Passed|Failed|Succeeded|Published|InProgress|WaitingForApprovals)\s*$') {
                    $pattern = '(?m)^\s*' + [regex]::Escape($Matches[1]) + '\s+:\s+' + [regex]::Escape($Matches[2]) + '\s*$'
                    if ($output -notmatch $pattern) { throw "$where printed no '$($Matches[1]) : $($Matches[2])' as its sample output says:`n$output" }
                }
            }
        }
        [pscustomobject]@{ Output = $output; Warnings = $warnings }
    }

    # Runs a runbook's blocks in order: the operator's in one shell, each approver block in approver1's then approver2's
    # shell, each practise block in a fresh one. -Seed runs first in the operator's shell (what the situation needs).
    function Invoke-Runbook([string] $Name, [string] $Seed) {
        $blocks = @(Get-RunbookBlocks (Join-Path $RunbookDir "$Name.md"))
        $blocks.Count | Should -BeGreaterThan 2 -Because "$Name.md is a runbook with commands"
        $first = $blocks[0]
        $first.Tag | Should -Be '' -Because "block 1 of $Name.md is the operator's 'Set these first'"
        $first.Code | Should -Match '\$Environment\s*=' -Because "block 1 of $Name.md sets the variables the other blocks use"
        $shells = @{}
        $results = [System.Collections.Generic.List[object]]::new()
        try {
            $shells.operator = New-RunbookShell 'operator'
            if ($Seed) { $null = Invoke-RunbookBlock $shells.operator ([pscustomobject]@{ Number = 0; Line = 0; Code = $Seed; Sample = $null }) $Name 'the test seeding the situation' }
            foreach ($block in $blocks) {
                switch ($block.Tag) {
                    '' { $results.Add((Invoke-RunbookBlock $shells.operator $block $Name 'operator')) }
                    'sandbox' {
                        $practice = New-RunbookShell $null
                        try { $results.Add((Invoke-RunbookBlock $practice $block $Name 'a trainee in a fresh pwsh')) }
                        finally { $practice.Dispose() }
                    }
                    'approver' {
                        foreach ($who in 'approver1', 'approver2') {
                            if (-not $shells.ContainsKey($who)) {
                                $shells[$who] = New-RunbookShell $who
                                $null = Invoke-RunbookBlock $shells[$who] $first $Name $who
                                $proxy = $shells[$who].Runspace.SessionStateProxy
                                $proxy.SetVariable('ApproverProfile', $who)
                                $proxy.SetVariable('ApproverMfaSerial', $Serials[$who])
                            }
                            $handed = $shells.operator.Runspace.SessionStateProxy.GetVariable('RequestId')
                            if ($null -ne $handed) { $shells[$who].Runspace.SessionStateProxy.SetVariable('RequestId', $handed) }
                            $results.Add((Invoke-RunbookBlock $shells[$who] $block $Name $who))
                        }
                    }
                }
            }
            [pscustomobject]@{
                Blocks  = $blocks
                Results = $results
                Prompts = @($shells.Values | ForEach-Object { $_.Runspace.SessionStateProxy.GetVariable('RunbookTestPrompts') })
            }
        }
        finally {
            foreach ($shell in $shells.Values) { $shell.Dispose() }
        }
    }

    # The situation each runbook is for, set up in the operator's shell before its blocks.
    $script:Seeds = @{
        # A key revoked two days ago under an incident that turned out a false alarm.
        'key-recovery' = @'
Import-Module BuzzKeyMgmt
$seedSession = Connect-KeyManagement -Environment production -Role Emergency -MfaCode (Read-Host 'MFA code') -IncidentId INC-2026-0041 -PassThru
$null = Revoke-EncryptionKey -KeyId alias/CEK_User_17 -IncidentId INC-2026-0041 -Reason 'suspected leak (seeded by the runbook test)' -Session $seedSession -Force
Disconnect-KeyManagement
Remove-Variable seedSession
'@
    }

    # Read the keys afterwards as the sandbox's own administrator (not through the runbooks' environment).
    $script:Admin = Connect-KeyManagement -Environment sandbox -Role Admin -PassThru
    function Get-State([string] $Key) { (Get-KeyStatus -KeyId $Key -Session $Admin).State.ToString() }
}

AfterAll {
    Disconnect-KeyManagement
    Stop-KeyMgmtSandbox
    foreach ($name in $SavedEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $SavedEnv[$name]) }
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'Runbooks: every PowerShell block runs against the sandbox' {
    It '<_>.md runs in order, each block without an error' -ForEach $RunbookNames {
        $name = $_
        $run = Invoke-Runbook $name $Seeds[$name]
        $run.Results.Count | Should -Be (@($run.Blocks | ForEach-Object { if ($_.Tag -eq 'approver') { 2 } else { 1 } }) | Measure-Object -Sum).Sum
        switch ($name) {
            'emergency-key-revocation' {
                Get-State alias/CEK_User_42 | Should -Be 'PendingDeletion'
                foreach ($n in 1..3) { Get-State "alias/CEK_Tenant7_$n" | Should -Be 'Disabled' }
                Get-State alias/CEK_User_41 | Should -Be 'Enabled' -Because 'only the named keys are revoked'
                @($run.Prompts | Where-Object { $_ -like 'operator|*' }).Count | Should -Be 1 -Because 'one MFA code serves the whole revocation'
            }
            'key-recovery' {
                Get-State alias/CEK_User_17 | Should -Be 'Enabled'
                @($run.Prompts | Where-Object { $_ -like 'approver1|*' }).Count | Should -Be 1
                @($run.Prompts | Where-Object { $_ -like 'approver2|*' }).Count | Should -Be 1
            }
            'key-rotation' {
                @(Get-KeyRotationDue -Alias 'alias/CEK_Payments_*' -Within 0 -Session $Admin | Where-Object Action -ne 'None') | Should -BeNullOrEmpty
            }
            'quarterly-drill' {
                $last = Get-KeyDrillHistory -Environment production -Last 1
                "$($last.Status)" | Should -Be 'Passed'
                "$($last.Scenario)" | Should -Be 'All'
                Get-State $last.KeyId | Should -Be 'PendingDeletion' -Because 'the drill retires its own key'
                @($run.Prompts | Where-Object { $_ -like 'operator|*' }).Count | Should -Be 2 -Because 'the driller types an Emergency and a Recovery code'
            }
        }
    }
}

Describe 'Runbooks: what every runbook holds' {
    It '<_>.md has each section the issue asks for and names its compliance requirements' -ForEach $RunbookNames {
        $text = Get-Content -Raw -LiteralPath (Join-Path $RunbookDir "$_.md")
        $missing = @(
            foreach ($heading in 'When to use it', 'Prerequisites', 'Set these first', 'Steps', 'Rollback', 'Escalation', 'Compliance mapping') {
                if ($text -notmatch "(?m)^##+ $heading\s*$") { "a '$heading' section" }
            }
            if ($text -notmatch '\*\*(MTTR )?[Tt]arget') { 'the MTTR target, in bold, up front' }
            foreach ($action in 'disable', 'schedule deletion', 'rotate', 'recover') { if ($text -notmatch "\*\*$action\*\*") { "the decision matrix's **$action**" } }
            foreach ($requirement in 'PCI DSS 4.0.1 3.6', 'PCI DSS 4.0.1 3.7', 'SC-12', 'IR-4', '164.312') {
                if (-not $text.Contains($requirement)) { "the compliance requirement $requirement" }
            }
            foreach ($prerequisite in 'Roles?', 'MFA', 'Approvals') { if ($text -notmatch "\*\*$($prerequisite):\*\*") { "the prerequisite **$($prerequisite -replace '\?'):**" } }
            if ($text -notmatch '<[a-z-]+-(pager|contact|url)>') { 'escalation contacts as placeholders (<…-pager>, <…-contact>)' }
        )
        $missing | Should -BeNullOrEmpty -Because "$_.md is a runbook the issue describes"
    }

    It '<_>.md: every PowerShell block parses, and the production blocks use no sandbox cmdlet' -ForEach $RunbookNames {
        foreach ($block in @(Get-RunbookBlocks (Join-Path $RunbookDir "$_.md"))) {
            $tokens = $null; $errors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseInput($block.Code, [ref] $tokens, [ref] $errors)
            $errors | Should -BeNullOrEmpty -Because "$_.md block $($block.Number) (line $($block.Line)) must parse"
            if ($block.Tag -ne 'sandbox') {
                $block.Code | Should -Not -Match 'KeyMgmtSandbox|-Environment\s+sandbox' -Because "$_.md block $($block.Number) is typed in production; the sandbox belongs in 'Practise it'"
                $block.Code | Should -Not -Match '\b\d{6}\b' -Because "$_.md block $($block.Number): MFA codes are typed (Read-Host 'MFA code'), never written down"
            }
        }
    }
}
