@{
    Synopsis    = 'Connects to an environment with a role (Admin, Emergency or Recovery), using MFA where the role requires it.'
    Description = @'
Takes base credentials from the standard AWS chain (-ProfileName, environment variables, instance role; the sandbox
supplies its own), then assumes the environment's role through STS: Emergency and Recovery require -MfaCode, the
session lasts at most 3600 seconds, SourceIdentity is the operator and the session name carries the incident or
change id, so CloudTrail shows who acted and why. The caller identity is read back with GetCallerIdentity. The
session is used by every later cmdlet unless -Session passes another one. A wrong MFA code gives an error that says
so. Role None keeps the base credentials as they are.

Sessions are kept per PowerShell runspace under a name, by default <environment>/<role> (e.g. production/Emergency);
Get-KeyMgmtSession -All lists them. Connecting again under a name replaces (and closes) the session of that name. The
new session becomes the current one, whether or not -PassThru is given (-PassThru only also writes it). With
-NoSwitch it is written and kept but does not become current: the session you work in stays current, so an approver
session opened beside it never replaces it. A -NoSwitch session whose default name is the current session's is named
<environment>/<role>/<operator> instead; an explicit -Name that is the current session's is refused before any AWS
call. Use it with -Session, or make it current with Select-KeyMgmtSession.
'@
    Parameters  = @{
        Environment     = 'The environment to connect to (see Get-KeyMgmtEnvironment).'
        Role            = 'Admin (read, rotation; the default), Emergency (read, disable, schedule deletion), Recovery (read, enable, cancel deletion, access test) or None (the base credentials).'
        MfaCode         = 'The current 6-digit code of your MFA device; required for Emergency and Recovery.'
        MfaSerialNumber = 'The MFA device serial or ARN, when the environment does not name yours.'
        ProfileName     = 'An AWS shared-config profile to take the base credentials from.'
        Region          = 'Overrides the environment''s Region.'
        EndpointUrl     = 'Overrides the environment''s endpoint (e.g. a VPC endpoint or the sandbox): https, or plain http only to loopback, without credentials, query or fragment.'
        IncidentId      = 'The incident this session works on (2-48 ASCII letters, digits, ''.'', ''_'' or ''-''); it appears in the STS session name and in CloudTrail.'
        ChangeId        = 'The change this session works on (instead of an incident).'
        PassThru        = 'Also write the session object. The session becomes current with or without -PassThru; to keep the current one, use -NoSwitch.'
        NoSwitch        = 'Write the session and keep it without making it current (for an approver''s session beside yours; pass it with -Session, or switch with Select-KeyMgmtSession).'
        Name            = 'The session''s name in this PowerShell session (default <environment>/<role>); 1-100 ASCII letters, digits, ''.'', ''_'', ''/'', ''@'', ''+'' or ''-''. Connecting again under a name replaces the session of that name.'
    }
    Outputs     = 'With -PassThru or -NoSwitch, the KeyMgmtSession: Name, Environment, Role, CallerArn, Operator, ExpiresAt, TimeLeft, IsCurrent, IsProduction, PromptText. Without either, nothing in the pipeline: one line (Connected to <environment> as <role> (<caller ARN>), until <time>Z.) on the information stream, shown like Write-Host output, captured with 6>&1 or -InformationVariable, silenced with -InformationAction Ignore.'

    Examples    = @(
        @{ Title = 'Emergency role for an incident'; Code = 'Connect-KeyManagement -Environment production -Role Emergency -MfaCode 123456 -IncidentId INC-2026-0042'; Remarks = 'Assumes the Emergency role with MFA; the session name carries INC-2026-0042.'; Run = $false }
        @{ Title = 'Practise in the sandbox'; Code = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -PassThru'; Remarks = 'The sandbox registers the environment "sandbox" and gives the current MFA code of its virtual device.' }
        @{ Title = 'An approver session beside yours'; Code = '$approver = Connect-KeyManagement -Environment sandbox-approver1 -Role Recovery -MfaCode (Get-KeyMgmtSandboxMfaCode -UserName approver1) -ChangeId CHG-2026-0107 -NoSwitch; (Get-KeyMgmtSession).Name; $approver.Name'; Remarks = 'The operator''s sandbox/Admin session stays current; the approver''s is used with -Session $approver or selected with Select-KeyMgmtSession.'; Setup = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox' }
    )
}
