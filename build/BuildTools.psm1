# Build steps behind build.ps1. Each function does one step; build.ps1 strings them together.
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

function New-BuildContext([string] $Root, [string] $Configuration) {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    $version = @($props.Project.PropertyGroup | ForEach-Object { $_.SelectSingleNode('Version') } | Where-Object { $_ })[0].InnerText
    $out = Join-Path $Root 'out'
    [pscustomobject]@{
        Root          = $Root
        Configuration = $Configuration
        Version       = $version
        Out           = $out
        ModuleDir     = Join-Path $out 'BuzzKeyMgmt'
        PackageDir    = Join-Path $out 'package'
        ResultsDir    = Join-Path $out 'test-results'
        NuGetPackages = Get-NuGetPackagesFolder
    }
}

function Get-NuGetPackagesFolder {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
}

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

# The command line that starts a fresh pwsh like this one (the dotnet tool runs as 'dotnet pwsh.dll').
function Get-PwshCommand {
    $exe = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { return @($exe, (Join-Path $PSHOME 'pwsh.dll')) }
    @($exe)
}

function Invoke-ChildPwsh([string[]] $Arguments) {
    $cmd = Get-PwshCommand
    $rest = @($cmd | Select-Object -Skip 1)
    & $cmd[0] @rest -NoProfile -NonInteractive @Arguments | Out-Host
    $LASTEXITCODE
}

function Invoke-ModuleBuild($ctx) {
    Write-Host "==> Build $($ctx.Version) ($($ctx.Configuration))"
    if (Test-Path $ctx.ModuleDir) { Remove-Item -Recurse -Force $ctx.ModuleDir }
    $src = Join-Path $ctx.Root 'src'
    Invoke-Dotnet build (Join-Path $src 'BuzzKeyMgmt/BuzzKeyMgmt.csproj') -c $ctx.Configuration --nologo -v quiet '-clp:ErrorsOnly'
    Invoke-Dotnet publish (Join-Path $src 'BuzzKeyMgmt.Engine/BuzzKeyMgmt.Engine.csproj') -c $ctx.Configuration `
        -o (Join-Path $ctx.ModuleDir 'lib') --nologo -v quiet '-clp:ErrorsOnly'
    Remove-ForeignRuntime (Join-Path $ctx.ModuleDir 'lib/runtimes')
    Copy-Item (Join-Path $src "BuzzKeyMgmt/bin/$($ctx.Configuration)/net8.0/BuzzKeyMgmt.dll") $ctx.ModuleDir
    $formats = Get-ChildItem (Join-Path $src 'BuzzKeyMgmt/Formats') -Filter *.format.ps1xml | Sort-Object Name
    $formats | Copy-Item -Destination $ctx.ModuleDir
    Copy-Item (Join-Path $ctx.Root 'README.md') $ctx.ModuleDir
    Write-ModuleManifestAndHelp $ctx @($formats.Name)
}

# Native and RID-specific assets are kept for the platforms PowerShell 7 runs on; the resolver picks the
# current platform's from the engine's deps.json and never looks at the others.
$script:SupportedRuntimes = 'unix', 'win', 'linux-x64', 'linux-arm64', 'linux-musl-x64', 'linux-musl-arm64',
    'osx-x64', 'osx-arm64', 'win-x64', 'win-x86', 'win-arm64'

function Remove-ForeignRuntime([string] $runtimesDir) {
    Get-ChildItem $runtimesDir -Directory | Where-Object Name -notin $script:SupportedRuntimes | Remove-Item -Recurse -Force
}

# Loads the built assembly in a child pwsh to list the cmdlets it defines and to write MAML help from
# src/BuzzKeyMgmt/Help/*.psd1, then stamps the output manifest.
function Write-ModuleManifestAndHelp($ctx, [string[]] $formatFiles) {
    $listing = Join-Path $ctx.Out 'cmdlets.txt'
    $code = Invoke-ChildPwsh @('-File', (Join-Path $ctx.Root 'build/New-ModuleHelp.ps1'),
        '-ModuleDll', (Join-Path $ctx.ModuleDir 'BuzzKeyMgmt.dll'),
        '-HelpSource', (Join-Path $ctx.Root 'src/BuzzKeyMgmt/Help'),
        '-HelpFile', (Join-Path $ctx.ModuleDir 'en-US/BuzzKeyMgmt.dll-Help.xml'),
        '-CmdletListFile', $listing)
    if ($code -ne 0) { throw "Writing help failed (exit code $code)" }
    $cmdlets = @(Get-Content $listing | Where-Object { $_ })
    $quote = { param($items) '@(' + (($items | ForEach-Object { "'$_'" }) -join ', ') + ')' }
    $manifest = Get-Content -Raw (Join-Path $ctx.Root 'BuzzKeyMgmt.psd1')
    $manifest = $manifest -replace "ModuleVersion(\s*)= '0\.0\.0'", "ModuleVersion`$1= '$($ctx.Version)'"
    $manifest = $manifest -replace 'CmdletsToExport(\s*)= @\(\)', "CmdletsToExport`$1= $(& $quote $cmdlets)"
    $manifest = $manifest -replace 'FormatsToProcess(\s*)= @\(\)', "FormatsToProcess`$1= $(& $quote $formatFiles)"
    Set-Content -Path (Join-Path $ctx.ModuleDir 'BuzzKeyMgmt.psd1') -Value $manifest -Encoding utf8NoBOM
    Remove-Item $listing
    Write-Host "    module: $($ctx.ModuleDir) ($($cmdlets.Count) cmdlets)"
}

function Invoke-ModulePackage($ctx) {
    Write-Host "==> Package"
    if (Test-Path $ctx.PackageDir) { Remove-Item -Recurse -Force $ctx.PackageDir }
    New-Item -ItemType Directory -Path $ctx.PackageDir | Out-Null
    $code = Invoke-ChildPwsh @('-Command',
        "Compress-PSResource -Path '$($ctx.ModuleDir)' -DestinationPath '$($ctx.PackageDir)'; exit [int](-not `$?)")
    if ($code -ne 0) { throw "Compress-PSResource failed (exit code $code)" }
    $nupkg = Get-ChildItem $ctx.PackageDir -Filter '*.nupkg' | Select-Object -First 1
    if (-not $nupkg) { throw "No .nupkg was written to $($ctx.PackageDir)" }
    Write-Host "    package: $($nupkg.FullName)"
    $nupkg.FullName
}

function Invoke-Drill($ctx) {
    Write-Host "==> Drill"
    $drill = Join-Path $ctx.Root 'tests/Drills/Invoke-Drill.ps1'
    Invoke-ChildPwsh @('-File', $drill, '-ModulePath', $ctx.ModuleDir)
}

function Invoke-Benchmarks($ctx) {
    $failed = 0
    foreach ($bench in Get-ChildItem (Join-Path $ctx.Root 'bench') -Filter *.ps1 | Sort-Object Name) {
        Write-Host "==> Bench $($bench.Name)"
        if ((Invoke-ChildPwsh @('-File', $bench.FullName)) -ne 0) { $failed++ }
    }
    [int]($failed -gt 0)
}

Export-ModuleMember -Function New-BuildContext, Invoke-ModuleBuild, Invoke-ModulePackage, Invoke-Drill,
    Invoke-Benchmarks, Invoke-ChildPwsh, Invoke-Dotnet, Get-PwshCommand
