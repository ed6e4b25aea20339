@{
    Synopsis    = 'Shows the key-management policy in force.'
    Description = 'The policy lives in the audit store''s KeyManagementConfig table so every administrator applies the same rules: rotation period (90 days), recovery window (7 days), minimum RSA key size (3072 bits), approvals required (2), MTTR target (10 minutes), recovery request expiry (24 hours), and the incident and change id patterns.'
    Parameters  = @{ Environment = 'The environment whose policy to show; default: the current session''s, else the embedded default.'; Session = 'A session whose environment''s store to use (unless -Environment names another), instead of the current one.' }
    Outputs     = 'PolicySettings.'
    Examples    = @( @{ Title = 'The rules in force'; Code = 'Get-KeyMgmtPolicy | Format-List'; Remarks = 'Shows each policy value.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName' } )
}
