# Source manifest. build.ps1 writes the copy in out/BuzzKeyMgmt/, stamping ModuleVersion (from Directory.Build.props,
# the one place the version lives), CmdletsToExport (the cmdlets the built assembly defines) and FormatsToProcess.
@{
    RootModule           = 'BuzzKeyMgmt.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = '6b0f7c1e-2f4e-4b9a-9d8e-5a3c1f0b7e21'
    Author               = 'BuzzKeyMgmt contributors'
    CompanyName          = 'BuzzKeyMgmt'
    Copyright            = '(c) BuzzKeyMgmt contributors. All rights reserved.'
    Description          = 'Operate AWS KMS encryption keys under pressure: emergency revocation, dual-approved recovery, rotation, status, compliance evidence and drills, each change audited and alerted.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    CmdletsToExport      = @()
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    FormatsToProcess     = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('AWS', 'KMS', 'Encryption', 'KeyManagement', 'Security', 'Audit', 'IncidentResponse')
        }
    }
}
