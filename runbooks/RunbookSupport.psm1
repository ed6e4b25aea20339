# Shared by the runbook scripts: importing the module, the documented exit codes, and mapping an error to its code.
Set-StrictMode -Version 3.0

$script:ExitCodes = [ordered]@{
    Done         = 0   # done and verified
    BadInput     = 2   # the request itself is wrong: parameters, environment, configuration, unknown key
    Refused      = 3   # policy, approvals, recovery window, MFA or access denied
    AwsFailed    = 4   # an AWS action failed (after retries)
    NotVerified  = 5   # the change was made but could not be verified by reading the key back
    Journaled    = 6   # done and verified, but the audit rows went to the local journal (run Sync-KeyAuditJournal)
}

$script:BadInput = 'ParameterArgumentValidationError', 'IncidentIdInvalid', 'ChangeIdInvalid', 'ReasonInvalid', 'InvalidKeyReference',
    'EnvironmentNotFound', 'ConfigurationInvalid', 'EndpointUrlInvalid', 'KeyNotFound', 'RoleNotConfigured', 'PendingWindowWithoutDeletion',
    'MfaCodeMalformed', 'ProfileNotFound', 'MissingMandatoryParameter'
$script:Refused = 'AccessDenied', 'EmergencyRoleRequired', 'RecoveryRoleRequired', 'MfaCodeRejected', 'MfaRequired',
    'NotConnected', 'SessionExpired', 'CredentialsRejected', 'NoCredentials', 'ApprovalsMissing', 'NoRecoveryRequest',
    'NoOpenRecoveryRequest', 'RecoveryRequestExpired', 'RecoveryWindowPassed', 'KeyDeleted', 'KeyNotRevoked',
    'KeyMaterialNotIntact', 'NoRevocationOnRecord', 'SelfApproval', 'DuplicateApproval', 'AuditStoreUnavailable'

function Get-RunbookExitCode([System.Management.Automation.ErrorRecord] $ErrorRecord) {
    $id = ($ErrorRecord.FullyQualifiedErrorId -split ',')[0]
    if ($id -in $script:BadInput) { return $script:ExitCodes.BadInput }
    if ($id -in $script:Refused) { return $script:ExitCodes.Refused }
    if ($id -eq 'VerificationFailed') { return $script:ExitCodes.NotVerified }
    $script:ExitCodes.AwsFailed
}

# Checks the runbook's id and reason with the engine's own rules (the policy object's IsValidIncidentId, IsValidChangeId
# and IsValidReason: the same methods Revoke-EncryptionKey and Request-KeyRecovery call), before anything is connected
# or sent. The policy is the environment's audit store's; when the store cannot be read, nothing is checked here and
# the cmdlets apply the seeded default policy themselves (an emergency revocation never waits for the store).
function Assert-RunbookInput {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Environment, [string] $IncidentId, [string] $ChangeId, [Parameter(Mandatory)] [AllowEmptyString()] [string] $Reason)
    $policy = try { Get-KeyMgmtPolicy -Environment $Environment -ErrorAction Stop } catch { $null }
    if (-not $policy) { return }
    if ($PSBoundParameters.ContainsKey('IncidentId') -and -not $policy.IsValidIncidentId($IncidentId)) {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [ArgumentException]::new("-IncidentId is not an incident id: expected the policy's pattern $($policy.IncidentIdPattern), matched as a whole, in printable ASCII."),
            'IncidentIdInvalid', 'InvalidArgument', $IncidentId))
    }
    if ($PSBoundParameters.ContainsKey('ChangeId') -and -not $policy.IsValidChangeId($ChangeId)) {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [ArgumentException]::new("-ChangeId is not a change id: expected the policy's pattern $($policy.ChangeIdPattern), matched as a whole, in printable ASCII."),
            'ChangeIdInvalid', 'InvalidArgument', $ChangeId))
    }
    if (-not $policy.IsValidReason($Reason)) {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [ArgumentException]::new('-Reason has no visible character (only whitespace, control or formatting characters); say why, in words.'),
            'ReasonInvalid', 'InvalidArgument', $Reason))
    }
}

function Import-BuzzKeyMgmt([string] $ModulePath) {
    # -Global: imported from inside this helper module, the cmdlets must still reach the runbook script.
    if ($ModulePath) { Import-Module $ModulePath -Global -ErrorAction Stop } else { Import-Module BuzzKeyMgmt -Global -ErrorAction Stop }
}

# One JSON line on standard output for the automation that called the runbook, the story on standard error.
function Write-RunbookResult([int] $Code, [string] $Message, [hashtable] $Data = @{}) {
    [Console]::Error.WriteLine($Message)
    $Data.exitCode = $Code
    $Data.message = $Message
    [Console]::Out.WriteLine(($Data | ConvertTo-Json -Compress -Depth 5))
}

Export-ModuleMember -Function Assert-RunbookInput, Get-RunbookExitCode, Import-BuzzKeyMgmt, Write-RunbookResult -Variable ExitCodes
