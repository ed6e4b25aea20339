# Shared by the runbook scripts: reading their arguments, importing the module, the documented exit codes, the error
# id -> exit code table, and the one JSON line on standard output. Invoke-Runbook is the whole frame: whatever fails
# (an argument, the module, a cmdlet, the script itself, a stop), the caller gets one documented code and one JSON line.
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$script:ExitCodes = [ordered]@{
    Done         = 0   # done and verified
    BadInput     = 2   # the request itself is wrong: parameters, environment, configuration, unknown key, module missing
    Refused      = 3   # policy, approvals, recovery window, MFA, access denied, key state, audit store down for recovery
    AwsFailed    = 4   # an AWS action failed (after retries), a stop (Ctrl+C), or an unexpected error (any id not listed)
    NotVerified  = 5   # the change was made but could not be verified by reading the key back
    Journaled    = 6   # done and verified, but the audit rows went to the local journal (run Sync-KeyAuditJournal)
}

# Every error id the runbooks' own argument reading and the cmdlets they call (Connect-KeyManagement,
# Revoke-EncryptionKey, Get-KeyAuditLog, Request-KeyRecovery, Restore-EncryptionKey and its access test) can raise.
# runbooks/README.md documents the same table; an id not listed gives 4 with the id in the JSON line.
$script:ErrorCodes = [ordered]@{}
foreach ($id in @(
        # the runbook's arguments (the same ids PowerShell's parameter binder uses)
        'MissingMandatoryParameter', 'NamedParameterNotFound', 'PositionalParameterNotFound', 'MissingArgument',
        'AmbiguousParameter', 'ParameterAlreadyBound', 'ParameterArgumentTransformationError',
        'ParameterArgumentValidationError', 'ParameterArgumentValidationErrorEmptyStringNotAllowed',
        'ParameterArgumentValidationErrorNullNotAllowed',
        # the module and the configuration
        'ModuleNotFound', 'ModuleNotLoaded', 'EnvironmentNotFound', 'ConfigurationInvalid', 'SqlConnectionStringInvalid',
        'RoleNotConfigured', 'ProfileNotFound', 'InvalidPolicy', 'EndpointUrlInvalid', 'WrongServiceEndpoint', 'AuditDigestKeyUnsupported',
        # the request
        'IncidentIdInvalid', 'ChangeIdInvalid', 'ReasonInvalid', 'InvalidKeyReference', 'KeyNotFound', 'KeyNotInEnvironment', 'PendingWindowWithoutDeletion',
        'MfaCodeMalformed', 'InvalidTimeRange', 'InvalidRecoveryRequest', 'RecoveryRequestNotFound',
        'SessionNameInvalid', 'SessionNameInUse', 'RecoveryStatusUnknown', 'RequestIdInvalid', 'DrillNotFound', 'DrillFinished')) {
    $script:ErrorCodes[$id] = $script:ExitCodes.BadInput
}
foreach ($id in @(
        # identity and MFA
        'AccessDenied', 'EmergencyRoleRequired', 'RecoveryRoleRequired', 'MfaRequired', 'MfaCodeRejected',
        'NoCredentials', 'CredentialsRejected', 'NotConnected', 'SessionClosed', 'SessionExpired', 'SessionNotFound',
        # four eyes and the recovery window
        'ApprovalsMissing', 'NoRecoveryRequest', 'NoOpenRecoveryRequest', 'RecoveryRequestExpired', 'RecoveryRequestNotPending',
        'RecoveryWindowPassed', 'NoRevocationOnRecord', 'SelfApproval', 'DuplicateApproval',
        # the key's state
        'KeyDeleted', 'KeyNotRevoked', 'KeyMaterialNotIntact', 'InvalidKeyState',
        # recovery is only done with its audit record (revocation never waits for the store: it journals, code 6)
        'AuditStoreUnavailable')) {
    $script:ErrorCodes[$id] = $script:ExitCodes.Refused
}
foreach ($id in @(
        'AwsUnavailable', 'Throttled', 'LimitExceeded', 'EndpointUnreachable', 'AwsError', 'AwsErrorWithoutCode', 'UnexpectedFailure', 'OperationStopped', 'NoOutcome',
        'ResultNotWritten', 'ConnectFailed', 'EnvironmentReadFailed',
        'AuditStoreFailure', 'AuditChainConflict', 'AuditAppendOnlyViolation', 'InvalidAuditEntry', 'AuditJournalFailure')) {
    $script:ErrorCodes[$id] = $script:ExitCodes.AwsFailed
}
$script:ErrorCodes['VerificationFailed'] = $script:ExitCodes.NotVerified

# Characters that must not reach a terminal raw (C0/C1 controls, DEL, bidi and invisible format characters).
$script:Unsafe = '[\p{Cc}\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2069\uFEFF]'
$script:Stdout = $null
$script:Written = $false

function Get-RunbookExitCode([string] $ErrorId) {
    if ($script:ErrorCodes.Contains($ErrorId)) { return $script:ErrorCodes[$ErrorId] }
    $script:ExitCodes.AwsFailed
}

<#
.SYNOPSIS
    The stable error id of a failure: the module's own id (KeyMgmtException.ErrorId, an audit store's code), else the
    FullyQualifiedErrorId's first part when it is an identifier, else the exception's type name (a bare `throw 'text'`
    gives RuntimeException).
#>
function Get-RunbookErrorId([System.Management.Automation.ErrorRecord] $ErrorRecord) {
    for ($e = $ErrorRecord.Exception; $null -ne $e; $e = $e.InnerException) {
        if ($e.PSObject.Properties['ErrorId'] -and $e.PSObject.Properties['Kind'] -and $e.ErrorId -is [string]) { return $e.ErrorId }
        if ($e.GetType().Name -like 'AuditStore*Exception' -and $e.PSObject.Properties['Code']) { return [string]$e.Code }
        if ($e.GetType().Name -eq 'ConfigurationException') { return 'ConfigurationInvalid' }
    }
    $id = ($ErrorRecord.FullyQualifiedErrorId -split ',')[0]
    if ($id -cmatch '^[A-Za-z][A-Za-z0-9_]{0,99}$') { return $id }
    $ErrorRecord.Exception.GetType().Name
}

# A failure of the runbook's own, with a stable id (the catch of Invoke-Runbook maps it like any other).
function New-RunbookError([string] $ErrorId, [string] $Message, $Target = $null) {
    [System.Management.Automation.ErrorRecord]::new([System.ArgumentException]::new($Message), $ErrorId,
        [System.Management.Automation.ErrorCategory]::InvalidArgument, $Target)
}

# Text for standard error: every character that could drive the terminal (ESC, BEL, CR, bidi overrides…) shown escaped.
function Format-RunbookText([string] $Text) {
    [regex]::Replace($Text, $script:Unsafe, {
            param($m)
            switch ([int][char]$m.Value) {
                0x1B { '\e' } 0x07 { '\a' } 0x0A { '\n' } 0x0D { '\r' } 0x09 { '\t' }
                default { '\u{0:x4}' -f $_ }
            }
        })
}

# One line of JSON: ConvertTo-Json escapes quotes, backslashes and C0 controls; DEL, C1 controls and bidi/format
# characters are escaped here too, so the line is plain ASCII-safe for any terminal and any JSON reader.
function ConvertTo-RunbookJson($Data) {
    $json = $Data | ConvertTo-Json -Compress -Depth 5
    [regex]::Replace($json, $script:Unsafe, { param($m) '\u{0:x4}' -f [int][char]$m.Value })
}

<#
.SYNOPSIS
    The runbook's answer: the story on standard error, one JSON line (exitCode, errorId, message, then $Data) on
    standard output. Written once: a second call does nothing, so standard output never carries two lines.
#>
function Write-RunbookResult([int] $Code, [string] $Message, [string] $ErrorId = $null, [System.Collections.IDictionary] $Data = @{}) {
    if ($script:Written) { return }
    $line = [ordered]@{ exitCode = $Code; errorId = if ($ErrorId) { $ErrorId } else { $null }; message = $Message }
    foreach ($key in $Data.Keys) { if (-not $line.Contains($key)) { $line[$key] = $Data[$key] } }
    $json = try { ConvertTo-RunbookJson $line } catch { ConvertTo-RunbookJson ([ordered]@{ exitCode = $Code; errorId = $line.errorId; message = $Message }) }
    [Console]::Error.WriteLine((Format-RunbookText $Message))
    $out = if ($script:Stdout) { $script:Stdout } else { [Console]::Out }
    $script:Written = $true
    $out.WriteLine($json)
    $out.Flush()
}

# What the runbook's action returns: its code, message and the data for the JSON line.
function New-RunbookOutcome([string] $Code, [string] $Message, [System.Collections.IDictionary] $Data = @{}, [string] $ErrorId = $null) {
    if (-not $script:ExitCodes.Contains($Code)) { throw (New-RunbookError 'NoOutcome' "'$Code' is not an exit code name: $($script:ExitCodes.Keys -join ', ').") }
    [pscustomobject]@{ PSTypeName = 'BuzzKeyMgmt.RunbookOutcome'; Code = $script:ExitCodes[$Code]; Message = $Message; Data = $Data; ErrorId = $ErrorId }
}

<#
.SYNOPSIS
    Reads a runbook's arguments ($args of a script without a param block, so that nothing can fail before the
    runbook can answer): -Name value, -Name:value, switches (-Name, -Name:$false), unique prefixes, case-insensitive.
    $Parameters maps each name to Required, String, Int or Switch. Throws a runbook error with the binder's id.
#>
function ConvertFrom-RunbookArguments([object[]] $Arguments, [System.Collections.IDictionary] $Parameters) {
    $names = @($Parameters.Keys)
    $usage = ($names | ForEach-Object { if ($Parameters[$_] -eq 'Required') { "-$_ <value>" } elseif ($Parameters[$_] -eq 'Switch') { "[-$_]" } else { "[-$_ <value>]" } }) -join ' '
    $i = 0
    $Arguments = @($Arguments)
    while ($i -lt $Arguments.Count) {
        $token = $Arguments[$i]
        $i++
        if ($token -isnot [string] -or $token -notmatch '^-([A-Za-z?][A-Za-z0-9_?-]*)(:?)$') {
            throw (New-RunbookError 'PositionalParameterNotFound' "Unexpected argument '$token': every value follows its parameter name. Usage: $usage" $token)
        }
        $given = $Matches[1]
        $attached = $Matches[2] -eq ':'   # -Name:value from inside PowerShell (pwsh -File splits it into two arguments)
        $name = @($names | Where-Object { $_ -eq $given })
        if (-not $name) { $name = @($names | Where-Object { $_.StartsWith($given, [StringComparison]::OrdinalIgnoreCase) }) }
        if ($name.Count -eq 0) {
            throw (New-RunbookError 'NamedParameterNotFound' "A parameter cannot be found that matches parameter name '$given'. Usage: $usage" $given)
        }
        if ($name.Count -gt 1) {
            throw (New-RunbookError 'AmbiguousParameter' "The parameter name '$given' is ambiguous: -$($name -join ', -')." $given)
        }
        $name = $name[0]
        if ($bound.Contains($name)) {
            throw (New-RunbookError 'ParameterAlreadyBound' "-$name is given more than once." $name)
        }
        $kind = $Parameters[$name]
        if ($kind -eq 'Switch') {
            $value = $true
            if ($i -lt $Arguments.Count -and ($attached -or $Arguments[$i] -is [bool] -or $Arguments[$i] -is [switch])) {
                $raw = $Arguments[$i]
                $i++
                if ($raw -is [bool] -or $raw -is [switch]) { $value = [bool]$raw }
                elseif ("$raw" -in 'true', '$true', 'false', '$false') { $value = "$raw" -in 'true', '$true' }
                else { throw (New-RunbookError 'ParameterArgumentTransformationError' "-$name is a switch: '$raw' is not `$true or `$false." $name) }
            }
            $bound[$name] = $value
            continue
        }
        $next = if ($i -lt $Arguments.Count) { $Arguments[$i] } else { $null }
        $isName = -not $attached -and $next -is [string] -and $next -match '^-([A-Za-z][A-Za-z0-9_-]*):?$' -and
            @($names | Where-Object { $_ -eq $Matches[1] }).Count -gt 0
        if ($i -ge $Arguments.Count -or $isName) {
            throw (New-RunbookError 'MissingArgument' "Missing an argument for parameter '$name'. Usage: $usage" $name)
        }
        $i++
        if ($kind -eq 'Int') {
            $number = 0
            if ($next -is [int]) { $number = $next }
            elseif (-not ("$next" -match '^\s*[+-]?\d{1,10}\s*$' -and [int]::TryParse("$next", [Globalization.NumberStyles]::Integer, [Globalization.CultureInfo]::InvariantCulture, [ref]$number))) {
                throw (New-RunbookError 'ParameterArgumentTransformationError' "Cannot convert '$next' to a whole number for -$name." $name)
            }
            $bound[$name] = $number
        }
        else {
            $bound[$name] = [string]$next
        }
    }
    $missing = @($names | Where-Object { $Parameters[$_] -eq 'Required' -and [string]::IsNullOrWhiteSpace($bound[$_]) })
    if ($missing) {
        throw (New-RunbookError 'MissingMandatoryParameter' "Missing $(($missing | ForEach-Object { "-$_" }) -join ', '). Usage: $usage" ($missing -join ','))
    }
    foreach ($name in @($bound.Keys)) {
        if ($bound[$name] -is [string] -and $bound[$name] -match $script:Unsafe) {
            throw (New-RunbookError 'ParameterArgumentValidationError' "-$name contains control or invisible characters: '$(Format-RunbookText $bound[$name])'." $name)
        }
    }
}

<#
.SYNOPSIS
    The cmdlets' own checks of the incident or change id and the reason (the policy object's IsValidIncidentId,
    IsValidChangeId, IsValidReason), before connecting, so no MFA code is spent on a request that would be refused.
    When the audit store's policy cannot be read, nothing is checked here: the cmdlets check after connecting.
#>
function Assert-RunbookInput {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Environment, [string] $IncidentId, [string] $ChangeId, [Parameter(Mandatory)] [AllowEmptyString()] [string] $Reason)
    $policy = try { Get-KeyMgmtPolicy -Environment $Environment -ErrorAction Stop } catch { $null }
    if (-not $policy) { return }
    if ($PSBoundParameters.ContainsKey('IncidentId') -and -not $policy.IsValidIncidentId($IncidentId)) {
        throw (New-RunbookError 'IncidentIdInvalid' "-IncidentId is not an incident id: expected the policy's pattern $($policy.IncidentIdPattern), matched as a whole, in printable ASCII." $IncidentId)
    }
    if ($PSBoundParameters.ContainsKey('ChangeId') -and -not $policy.IsValidChangeId($ChangeId)) {
        throw (New-RunbookError 'ChangeIdInvalid' "-ChangeId is not a change id: expected the policy's pattern $($policy.ChangeIdPattern), matched as a whole, in printable ASCII." $ChangeId)
    }
    if (-not $policy.IsValidReason($Reason)) {
        throw (New-RunbookError 'ReasonInvalid' '-Reason has no visible character (only whitespace, control or formatting characters); say why, in words.' $Reason)
    }
}

function Import-BuzzKeyMgmt([string] $ModulePath) {
    # -Global: imported from inside this helper module, the cmdlets must still reach the runbook script.
    $name = if ($ModulePath) { $ModulePath } else { 'BuzzKeyMgmt' }
    try {
        Import-Module $name -Global -ErrorAction Stop
    }
    catch {
        $notFound = $_.FullyQualifiedErrorId -like 'Modules_ModuleNotFound*'
        $what = if ($ModulePath) { "-ModulePath '$ModulePath'" } else { "BuzzKeyMgmt (PSModulePath: $env:PSModulePath)" }
        $message = if ($notFound) { "The BuzzKeyMgmt module was not found: $what. Install it, or pass -ModulePath <folder of BuzzKeyMgmt.psd1>." }
                   else { "The BuzzKeyMgmt module could not be loaded from ${what}: $($_.Exception.Message)" }
        throw (New-RunbookError $(if ($notFound) { 'ModuleNotFound' } else { 'ModuleNotLoaded' }) $message $name)
    }
}

<#
.SYNOPSIS
    Runs a runbook and exits with its code. Reads $Arguments against $Parameters (plus -ModulePath and -Verbose),
    imports BuzzKeyMgmt, runs $Action with the bound parameters and writes its outcome; any failure on the way is
    mapped to its documented code; a stop (Ctrl+C) is code 4 (OperationStopped). While the action runs, standard
    output is standard error: warnings, verbose and host text and anything written to the console go there, so the
    JSON line is the only line on standard output. $Purpose names the runbook in failure messages ("Revocation").
#>
function Invoke-Runbook {
    param(
        [string] $Purpose,
        [object[]] $Arguments,
        [System.Collections.Specialized.OrderedDictionary] $Parameters,
        [scriptblock] $Action
    )
    $code = $null
    $spec = [ordered]@{}
    foreach ($key in $Parameters.Keys) { $spec[$key] = $Parameters[$key] }
    $spec['ModulePath'] = 'String'
    $spec['Verbose'] = 'Switch'
    $bound = [ordered]@{}
    function Get-Subject { if ($bound.Contains('KeyId')) { "$Purpose of $($bound['KeyId'])" } else { $Purpose } }
    $warnings = [System.Collections.Generic.List[string]]::new()
    $script:Stdout = [Console]::Out
    $script:Written = $false
    [Console]::SetOut([Console]::Error)
    try {
        ConvertFrom-RunbookArguments $Arguments $spec $bound
        Import-BuzzKeyMgmt $bound['ModulePath']
        $outcome = $null
        # Every parameter is present for the action (under strict mode a missing key cannot be read): $null when not
        # given, $false for a switch not given.
        $given = @{}
        foreach ($key in $spec.Keys) { $given[$key] = if ($bound.Contains($key)) { $bound[$key] } elseif ($spec[$key] -eq 'Switch') { $false } else { $null } }
        & $Action $given 3>&1 4>&1 5>&1 6>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.WarningRecord]) {
                $warnings.Add($_.Message)
                [Console]::Error.WriteLine((Format-RunbookText "WARNING: $($_.Message)"))
            }
            elseif ($_ -is [System.Management.Automation.VerboseRecord]) { [Console]::Error.WriteLine((Format-RunbookText "VERBOSE: $($_.Message)")) }
            elseif ($_ -is [System.Management.Automation.DebugRecord]) { }
            elseif ($_ -is [System.Management.Automation.InformationRecord]) { [Console]::Error.WriteLine((Format-RunbookText "$($_.MessageData)")) }
            elseif ($_ -is [psobject] -and $_.PSObject.TypeNames -contains 'BuzzKeyMgmt.RunbookOutcome') { $outcome = $_ }
            # anything else the action let through stays off standard output
        }
        if ($null -eq $outcome) { throw (New-RunbookError 'NoOutcome' "The $($Purpose.ToLowerInvariant()) runbook ended without an outcome.") }
        $data = [ordered]@{}
        foreach ($key in $outcome.Data.Keys) { $data[$key] = $outcome.Data[$key] }
        if ($warnings.Count) { $data['warnings'] = @($warnings) }
        $code = $outcome.Code
        Write-RunbookResult $code $outcome.Message $outcome.ErrorId $data
    }
    catch {
        $id = Get-RunbookErrorId $_
        $code = Get-RunbookExitCode $id
        if ($_.Exception -is [System.Management.Automation.ParameterBindingException]) { $code = $script:ExitCodes.BadInput }
        $data = [ordered]@{}
        if ($bound.Contains('KeyId')) { $data['keyId'] = $bound['KeyId'] }
        # An operation that failed after its audit rows: its Completed row, the key's last state, whether journaled.
        $failure = $_.Exception
        if ($failure.PSObject.Properties['AuditId'] -and $null -ne $failure.AuditId) { $data['auditId'] = "$($failure.AuditId)" }
        if ($failure.PSObject.Properties['State'] -and $null -ne $failure.State) { $data['state'] = "$($failure.State)" }
        if ($failure.PSObject.Properties['Journaled'] -and $failure.Journaled -is [bool]) { $data['journaled'] = $failure.Journaled }
        if ($_.ErrorDetails -and $_.ErrorDetails.RecommendedAction) { $data['recommendedAction'] = $_.ErrorDetails.RecommendedAction }
        if ($warnings.Count) { $data['warnings'] = @($warnings) }
        Write-RunbookResult $code "$(Get-Subject) failed ($id): $($_.Exception.Message)" $id $data
    }
    finally {
        [Console]::SetOut($script:Stdout)
        if ($null -eq $code) {
            # Only a stop gets here without a code (Ctrl+C: a PipelineStoppedException, which no catch sees).
            $code = $script:ExitCodes.AwsFailed
            Write-RunbookResult $code "$(Get-Subject) was stopped (OperationStopped) before it finished: check the key with Get-KeyStatus and the audit rows with Get-KeyAuditLog, then run the runbook again." 'OperationStopped' ([ordered]@{ keyId = $bound['KeyId'] })
        }
        elseif (-not $script:Written) {
            Write-RunbookResult $code "$(Get-Subject) ended with code $code, but its result could not be written in full." 'ResultNotWritten' ([ordered]@{ keyId = $bound['KeyId'] })
        }
        # Here, not after the finally: a stop, or a failure inside the catch, would otherwise end the script with 1.
        exit $code
    }
}

Export-ModuleMember -Function Invoke-Runbook, Assert-RunbookInput, New-RunbookOutcome, Get-RunbookExitCode, Get-RunbookErrorId, Write-RunbookResult,
    Format-RunbookText, ConvertTo-RunbookJson -Variable ExitCodes, ErrorCodes
