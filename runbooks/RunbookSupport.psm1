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

$script:BadInput = 'ParameterArgumentValidationError', 'IncidentIdInvalid', 'ChangeIdInvalid', 'InvalidKeyReference',
    'EnvironmentNotFound', 'ConfigurationInvalid', 'KeyNotFound', 'RoleNotConfigured', 'PendingWindowWithoutDeletion',
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

Export-ModuleMember -Function Get-RunbookExitCode, Import-BuzzKeyMgmt, Write-RunbookResult -Variable ExitCodes
