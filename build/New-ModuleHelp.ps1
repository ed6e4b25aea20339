<#
.SYNOPSIS
    Lists the cmdlets the built assembly defines and writes their MAML help from src/BuzzKeyMgmt/Help/<Name>.psd1.
.DESCRIPTION
    Runs in a child pwsh (build.ps1 starts it) because loading the assembly pins it in the process.
    Each help source file holds: Synopsis, Description, Parameters (name -> text, one per parameter), Examples
    (@{ Title; Code; Remarks }), Outputs. Parameter types, positions and pipeline input come from the assembly.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleDll,
    [Parameter(Mandatory)] [string] $HelpSource,
    [Parameter(Mandatory)] [string] $HelpFile,
    [Parameter(Mandatory)] [string] $CmdletListFile
)
$ErrorActionPreference = 'Stop'
$module = Import-Module $ModuleDll -PassThru
$commands = @($module.ExportedCmdlets.Values | Sort-Object Name)
Set-Content -Path $CmdletListFile -Value ($commands.Name -join "`n")

$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
$problems = [System.Collections.Generic.List[string]]::new()
$esc = { param($text) [System.Security.SecurityElement]::Escape([string]$text) }
$paras = { param($text) (([string]$text -split "`n`n") | ForEach-Object { "<maml:para>$(& $esc $_.Trim())</maml:para>" }) -join '' }

function Get-PipelineText($p) {
    $kinds = @()
    if ($p.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($p.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

$sb = [System.Text.StringBuilder]::new()
[void]$sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
[void]$sb.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
foreach ($cmd in $commands) {
    $sourcePath = Join-Path $HelpSource "$($cmd.Name).psd1"
    if (-not (Test-Path $sourcePath)) { $problems.Add("$($cmd.Name): no help source $sourcePath"); continue }
    $help = Import-PowerShellDataFile $sourcePath
    $parameters = @($cmd.Parameters.Values | Where-Object { $_.Name -notin $common } | Sort-Object Name)
    foreach ($p in $parameters) { if (-not $help.Parameters[$p.Name]) { $problems.Add("$($cmd.Name): parameter -$($p.Name) has no help text") } }
    if (-not $help.Examples) { $problems.Add("$($cmd.Name): no example") }

    [void]$sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    [void]$sb.AppendLine("<command:details><command:name>$($cmd.Name)</command:name><command:verb>$($cmd.Verb)</command:verb><command:noun>$($cmd.Noun)</command:noun><maml:description>$(& $paras $help.Synopsis)</maml:description></command:details>")
    [void]$sb.AppendLine("<maml:description>$(& $paras $help.Description)</maml:description>")
    [void]$sb.AppendLine('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        [void]$sb.Append("<command:syntaxItem><maml:name>$($cmd.Name)</maml:name>")
        foreach ($sp in $set.Parameters | Where-Object { $_.Name -notin $common }) {
            $pos = if ($sp.Position -ge 0) { $sp.Position + 1 } else { 'named' }
            $type = $sp.ParameterType
            $value = if ($type -eq [System.Management.Automation.SwitchParameter]) { '' } else { "<command:parameterValue required=`"true`">$($type.Name)</command:parameterValue>" }
            [void]$sb.Append("<command:parameter required=`"$($sp.IsMandatory.ToString().ToLower())`" position=`"$pos`" pipelineInput=`"$(Get-PipelineText $sp)`"><maml:name>$($sp.Name)</maml:name>$value</command:parameter>")
        }
        [void]$sb.AppendLine('</command:syntaxItem>')
    }
    [void]$sb.AppendLine('</command:syntax><command:parameters>')
    foreach ($p in $parameters) {
        $attr = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $pos = if ($attr.Position -ge 0) { $attr.Position + 1 } else { 'named' }
        $pipe = if ($attr.ValueFromPipeline -or $attr.ValueFromPipelineByPropertyName) { Get-PipelineText $attr } else { 'False' }
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
        [void]$sb.AppendLine("<command:parameter required=`"$($attr.Mandatory.ToString().ToLower())`" globbing=`"false`" pipelineInput=`"$pipe`" position=`"$pos`" aliases=`"$aliases`"><maml:name>$($p.Name)</maml:name><maml:description>$(& $paras $help.Parameters[$p.Name])</maml:description><command:parameterValue required=`"true`">$($p.ParameterType.Name)</command:parameterValue><dev:type><maml:name>$($p.ParameterType.FullName)</maml:name></dev:type></command:parameter>")
    }
    [void]$sb.AppendLine('</command:parameters>')
    $outputs = @($cmd.OutputType | ForEach-Object { $_.Name })
    [void]$sb.AppendLine("<command:returnValues>$(($outputs | ForEach-Object { "<command:returnValue><dev:type><maml:name>$(& $esc $_)</maml:name></dev:type><maml:description>$(& $paras $help.Outputs)</maml:description></command:returnValue>" }) -join '')</command:returnValues>")
    [void]$sb.AppendLine('<command:examples>')
    $n = 0
    foreach ($ex in $help.Examples) {
        $n++
        [void]$sb.AppendLine("<command:example><maml:title>-------------------------- Example ${n}: $(& $esc $ex.Title) --------------------------</maml:title><dev:code>$(& $esc $ex.Code)</dev:code><dev:remarks>$(& $paras $ex.Remarks)</dev:remarks></command:example>")
    }
    [void]$sb.AppendLine('</command:examples></command:command>')
}
[void]$sb.AppendLine('</helpItems>')
if ($problems.Count) { throw "Help is incomplete:`n  " + ($problems -join "`n  ") }
New-Item -ItemType Directory -Force -Path (Split-Path $HelpFile) | Out-Null
Set-Content -Path $HelpFile -Value $sb.ToString() -Encoding utf8NoBOM
