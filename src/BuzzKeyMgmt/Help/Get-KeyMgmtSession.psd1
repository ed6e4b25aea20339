@{
    Synopsis    = 'Shows the current session, the sessions of given names, or every open session (-All).'
    Description = @'
Without parameters writes the current session (the one cmdlets use without -Session), with a warning when it expires
within 5 minutes or has expired; nothing when none is current. -Name (wildcards allowed) writes the open sessions of
those names; -All writes every open session of this PowerShell session, IsCurrent marking the current one.

PromptText is a short plain-text tag for a prompt function: the session's name, PRODUCTION for a production
environment, and the minutes left (or "expired"/"closed"), e.g. "production/Emergency PRODUCTION 42m"; IsProduction
says whether to colour it. See the README ("Showing the session in the prompt").
'@
    Parameters  = @{
        Name = 'Session names (default <environment>/<role>, see Connect-KeyManagement -Name); wildcards allowed. A plain name that is not open is an error naming the open ones.'
        All  = 'Every open session of this PowerShell session.'
    }
    Outputs     = 'KeyMgmtSession: Name, Environment, Role, Operator, CallerArn, ExpiresAt, TimeLeft, IsCurrent, IsProduction, PromptText.'
    Examples    = @(
        @{ Title = 'Who am I, with which role, until when'; Code = 'Get-KeyMgmtSession'; Remarks = 'Shows the name, role, operator, expiry, minutes left and the caller ARN.'; Setup = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox' }
        @{ Title = 'Every open session; the current one is marked'; Code = 'Get-KeyMgmtSession -All | Format-Table Name, IsCurrent, Role, Operator, TimeLeft'; Remarks = 'Sessions opened with -NoSwitch are listed beside the current one.'; Setup = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox; $null = Connect-KeyManagement -Environment sandbox-approver1 -NoSwitch' }
        @{ Title = 'A prompt tag'; Code = '(Get-KeyMgmtSession).PromptText'; Remarks = 'e.g. "sandbox/Admin 60m"; a production session reads "production/Emergency PRODUCTION 42m".'; Setup = 'Start-KeyMgmtSandbox; Connect-KeyManagement -Environment sandbox' }
    )
}
