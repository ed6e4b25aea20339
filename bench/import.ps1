<#
.SYNOPSIS
    What importing the module and running its first cmdlet adds to a fresh pwsh start.
.DESCRIPTION
    Median over -Runs (default 10) of `pwsh -NoProfile -c 'Import-Module <out/BuzzKeyMgmt>; Test-KeyMgmtEnvironment'`
    minus the median of bare `pwsh -NoProfile -c 'exit'`, measured interleaved in the same run. Goal: at most 250 ms.
    Run after `./build.ps1 -Task Build` (or through `./build.ps1 -Task Bench`).
#>
param([int] $Runs = 10, [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot) 'out/BuzzKeyMgmt'))
$ErrorActionPreference = 'Stop'
if (-not (Test-Path (Join-Path $ModulePath 'BuzzKeyMgmt.psd1'))) { throw "Build the module first: $ModulePath has no manifest." }

$exe = [Environment]::ProcessPath
[string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
function Measure-Pwsh([string] $command) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $exe @prefix -NoProfile -NonInteractive -Command $command | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "pwsh -c '$command' exited with $LASTEXITCODE" }
    $sw.Elapsed.TotalMilliseconds
}
function Get-Median([double[]] $values) {
    $sorted = $values | Sort-Object
    $mid = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

$withModule = "Import-Module '$ModulePath'; `$null = Test-KeyMgmtEnvironment"
Measure-Pwsh 'exit' | Out-Null; Measure-Pwsh $withModule | Out-Null   # warm the disk cache
$bare = [System.Collections.Generic.List[double]]::new()
$module = [System.Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $Runs; $i++) {
    $bare.Add((Measure-Pwsh 'exit'))
    $module.Add((Measure-Pwsh $withModule))
}
$bareMedian = Get-Median $bare
$moduleMedian = Get-Median $module
$added = $moduleMedian - $bareMedian
'bare pwsh start:            {0,7:N0} ms (median of {1})' -f $bareMedian, $Runs
'import + first cmdlet:      {0,7:N0} ms (median of {1})' -f $moduleMedian, $Runs
'added by the module:        {0,7:N0} ms (goal <= 250 ms)' -f $added
'ratio with/without module:  {0,7:N2}' -f ($moduleMedian / $bareMedian)
if ($added -gt 250) { Write-Warning "import plus first cmdlet adds $([int]$added) ms, over the 250 ms goal" }
