# Shared by the Pester suites: where the built module is, and how to run a fresh pwsh and read what it printed.
Set-StrictMode -Version 3.0

function Get-BuiltModulePath {
    if ($env:BUZZKEYMGMT_MODULE) { return $env:BUZZKEYMGMT_MODULE }
    Join-Path (Split-Path (Split-Path $PSScriptRoot)) 'out/BuzzKeyMgmt'
}

# A [powershell] on a new runspace with the built module already imported. Not a two-statement batch (Import-Module;
# the command): PowerShell runs a batch's statements on a thread-pool item that, after Stop() and Dispose(), can still
# touch the closed runspace and crash the whole process (InvalidRunspaceStateException, unhandled).
function New-ModulePowerShell([string] $ModulePath = (Get-BuiltModulePath)) {
    $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
    $state.ImportPSModule([string[]]@($ModulePath))
    [powershell]::Create($state)
}

function Get-RepoRoot { Split-Path (Split-Path $PSScriptRoot) }

function Get-NuGetCache {
    if ($env:BUZZKEYMGMT_NUGET) { return $env:BUZZKEYMGMT_NUGET }
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
}

<#
.SYNOPSIS
    Runs a script in a fresh `pwsh -NoProfile` and returns its exit code, standard output lines and standard error.
    -Environment sets (or, with $null values, removes) variables for the child only.
#>
function Invoke-FreshPwsh {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{},
        [int] $TimeoutSeconds = 120
    )
    $file = Join-Path ([IO.Path]::GetTempPath()) ("bkm-child-{0}.ps1" -f [guid]::NewGuid().ToString('n'))
    Set-Content -Path $file -Value $Script -Encoding utf8NoBOM
    try {
        $psi = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
            $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
        }
        foreach ($a in '-NoProfile', '-NonInteractive', '-File', $file) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.Environment['NO_COLOR'] = '1'   # plain text: error messages without terminal escape codes
        foreach ($key in $Environment.Keys) {
            if ($null -eq $Environment[$key]) { [void]$psi.Environment.Remove($key) } else { $psi.Environment[$key] = [string]$Environment[$key] }
        }
        $process = [System.Diagnostics.Process]::Start($psi)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "child pwsh did not finish within $TimeoutSeconds s"
        }
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            Output   = @($stdout.Result -split "`r?`n" | Where-Object { $_ -ne '' })
            Error    = $stderr.Result
        }
    }
    finally {
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

# A loopback TCP port nothing listens on (bound, then released).
function Get-ClosedLoopbackPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()
    $port
}

<#
.SYNOPSIS
    A real AWS SDK KMS client for the sandbox's root, for test set-up the module itself does not do (the SDK of the
    module's lib/ folder, loaded into this session's default load context).
#>
function New-SandboxKmsClient($Sandbox) {
    $lib = Join-Path (Get-BuiltModulePath) 'lib'
    Add-Type -Path (Join-Path $lib 'AWSSDK.Core.dll'), (Join-Path $lib 'AWSSDK.KeyManagementService.dll')
    $config = [Amazon.KeyManagementService.AmazonKeyManagementServiceConfig]::new()
    $config.ServiceURL = $Sandbox.Endpoint
    $config.AuthenticationRegion = $Sandbox.Region
    [Amazon.KeyManagementService.AmazonKeyManagementServiceClient]::new(
        [Amazon.Runtime.BasicAWSCredentials]::new($Sandbox.Root.AccessKeyId, $Sandbox.Root.SecretAccessKey), $config)
}

# Script text for a fresh pwsh (Invoke-FreshPwsh) that has started the sandbox into $s: writes an environments file
# ($ConfigPath) with one environment, $Name, pointing at the sandbox as a real environment would (its endpoint, account,
# roles, the operator's MFA device; optionally its own SQLite store and the alert topic), and gives the operator's base
# credentials through the standard AWS chain (environment variables, no credential files). A config-file environment is
# not the sandbox's own: the drill and the cmdlets treat it as a real one.
function Get-SandboxEnvironmentScript([string] $Name, [string] $ConfigPath, [string] $StorePath, [switch] $AlertTopic) {
    $store = if ($StorePath) { "; auditStore = @{ provider = 'Sqlite'; path = '$StorePath' }" } else { '' }
    $topic = if ($AlertTopic) { '; alertTopicArn = $s.AlertTopicArn' } else { '' }
    @"
`$op = `$s.Users | Where-Object Name -eq operator
`$env:BUZZKEYMGMT_CONFIG = '$ConfigPath'
@{ environments = @{ '$Name' = @{ region = `$s.Region; accountId = `$s.AccountId; endpointUrl = `$s.Endpoint; mfaSerialNumber = `$op.MfaSerial
   roles = @{ admin = `$s.AdminRoleArn; emergency = `$s.EmergencyRoleArn; recovery = `$s.RecoveryRoleArn }$store$topic } } } |
   ConvertTo-Json -Depth 5 | Set-Content `$env:BUZZKEYMGMT_CONFIG
`$env:AWS_ACCESS_KEY_ID = `$op.AccessKeyId; `$env:AWS_SECRET_ACCESS_KEY = `$op.SecretAccessKey
`$env:AWS_CONFIG_FILE = '/dev/null'; `$env:AWS_SHARED_CREDENTIALS_FILE = '/dev/null'; `$env:AWS_EC2_METADATA_DISABLED = 'true'
"@
}

Export-ModuleMember -Function Get-SandboxEnvironmentScript, New-SandboxKmsClient, New-ModulePowerShell, Get-BuiltModulePath, Get-RepoRoot, Get-NuGetCache, Invoke-FreshPwsh, Get-ClosedLoopbackPort
