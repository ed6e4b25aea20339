<#
.SYNOPSIS
    Lists the cmdlets the built assembly defines and writes their MAML help from src/BuzzKeyMgmt/Help/<Name>.psd1.
.DESCRIPTION
    Runs in a child pwsh (build.ps1 starts it) because loading the assembly pins it in the process.
    Each help source file holds: Synopsis, Description, Parameters (name -> text, one per parameter), Examples
    (@{ Title; Code; Remarks }), Outputs, and optionally Inputs (text for INPUTS) and Related (more cmdlet or topic names
    for RELATED LINKS). Parameter types, positions, wildcards ([SupportsWildcards]) and pipeline input come from the
    assembly, as platyPS writes them: SYNTAX lists [-WhatIf] [-Confirm] for cmdlets that support ShouldProcess,
    Nullable<T> reads as T, INPUTS are the types of the pipeline-bound parameters, OUTPUTS the [OutputType]s, RELATED
    LINKS the cmdlets of the same capability (source folder) or noun and the about_BuzzKeyMgmt topics.
    The about topics (<HelpSource>/about_*.help.txt) are copied next to the MAML file.
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
$shouldProcess = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}
$aboutTopics = @(Get-ChildItem $HelpSource -Filter 'about_*.help.txt' | Sort-Object Name)
$aboutNames = @($aboutTopics | ForEach-Object { $_.Name -replace '\.help\.txt$' })
$problems = [System.Collections.Generic.List[string]]::new()
$esc = { param($text) [System.Security.SecurityElement]::Escape([string]$text) }
$paras = { param($text) (([string]$text -split "`n`n") | ForEach-Object { "<maml:para>$(& $esc $_.Trim())</maml:para>" }) -join '' }

# A type as platyPS shows it: Nullable<T> as T, generics without the `1, arrays as T[].
function Get-TypeText([type] $type, [switch] $Full) {
    $under = [Nullable]::GetUnderlyingType($type)
    if ($under) { $type = $under }
    if ($type.IsArray) { return (Get-TypeText $type.GetElementType() -Full:$Full) + '[]' }
    $name = if ($Full -and $type.Namespace) { "$($type.Namespace).$($type.Name)" } else { $type.Name }
    if ($type.IsGenericType) {
        $name = ($name -replace '`\d+$') + '[' + (($type.GetGenericArguments() | ForEach-Object { Get-TypeText $_ -Full:$Full }) -join ', ') + ']'
    }
    $name
}

function Test-Wildcards($p) { [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }) }

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
    $supportsShouldProcess = $cmd.Parameters.ContainsKey('WhatIf')
    foreach ($p in $parameters) { if (-not $help.Parameters[$p.Name]) { $problems.Add("$($cmd.Name): parameter -$($p.Name) has no help text") } }
    if (-not $help.Examples) { $problems.Add("$($cmd.Name): no example") }
    if (-not $help.Outputs) { $problems.Add("$($cmd.Name): no Outputs text") }

    [void]$sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    [void]$sb.AppendLine("<command:details><command:name>$($cmd.Name)</command:name><command:verb>$($cmd.Verb)</command:verb><command:noun>$($cmd.Noun)</command:noun><maml:description>$(& $paras $help.Synopsis)</maml:description></command:details>")
    [void]$sb.AppendLine("<maml:description>$(& $paras $help.Description)</maml:description>")
    [void]$sb.AppendLine('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        [void]$sb.Append("<command:syntaxItem><maml:name>$($cmd.Name)</maml:name>")
        $shown = @($set.Parameters | Where-Object { $_.Name -notin $common }) + @($set.Parameters | Where-Object { $_.Name -in 'WhatIf', 'Confirm' })
        foreach ($sp in $shown) {
            $pos = if ($sp.Position -ge 0) { $sp.Position + 1 } else { 'named' }
            $type = $sp.ParameterType
            $value = if ($type -eq [System.Management.Automation.SwitchParameter]) { '' } else { "<command:parameterValue required=`"true`">$(& $esc (Get-TypeText $type))</command:parameterValue>" }
            $globbing = (Test-Wildcards $cmd.Parameters[$sp.Name]).ToString().ToLower()
            [void]$sb.Append("<command:parameter required=`"$($sp.IsMandatory.ToString().ToLower())`" globbing=`"$globbing`" position=`"$pos`" pipelineInput=`"$(Get-PipelineText $sp)`"><maml:name>$($sp.Name)</maml:name>$value</command:parameter>")
        }
        [void]$sb.AppendLine('</command:syntaxItem>')
    }
    [void]$sb.AppendLine('</command:syntax><command:parameters>')
    $documented = @($parameters) + @(if ($supportsShouldProcess) { $cmd.Parameters['Confirm'], $cmd.Parameters['WhatIf'] })
    foreach ($p in $documented) {
        $attr = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $pos = if ($attr.Position -ge 0) { $attr.Position + 1 } else { 'named' }
        $pipe = if ($attr.ValueFromPipeline -or $attr.ValueFromPipelineByPropertyName) { Get-PipelineText $attr } else { 'False' }
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
        $text = if ($shouldProcess.ContainsKey($p.Name) -and $p.Name -notin $parameters.Name) { $shouldProcess[$p.Name] } else { $help.Parameters[$p.Name] }
        $globbing = (Test-Wildcards $p).ToString().ToLower()
        [void]$sb.AppendLine("<command:parameter required=`"$($attr.Mandatory.ToString().ToLower())`" globbing=`"$globbing`" pipelineInput=`"$pipe`" position=`"$pos`" aliases=`"$aliases`"><maml:name>$($p.Name)</maml:name><maml:description>$(& $paras $text)</maml:description><command:parameterValue required=`"true`">$(& $esc (Get-TypeText $p.ParameterType))</command:parameterValue><dev:type><maml:name>$(& $esc (Get-TypeText $p.ParameterType -Full))</maml:name></dev:type></command:parameter>")
    }
    [void]$sb.AppendLine('</command:parameters>')

    # INPUTS: the types of the parameters that take pipeline input, each naming the parameters that bind it.
    $piped = @($parameters | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } })
    [void]$sb.Append('<command:inputTypes>')
    if ($piped) {
        foreach ($group in $piped | Group-Object { Get-TypeText $_.ParameterType -Full }) {
            $how = ($group.Group | ForEach-Object {
                $a = @($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) })
                $kinds = @(if ($a | Where-Object ValueFromPipeline) { 'by value' }; if ($a | Where-Object ValueFromPipelineByPropertyName) { 'by property name' })
                "-$($_.Name) ($($kinds -join ', '))"
            }) -join '; '
            $text = "You can pipe values to $how." + $(if ($help.Inputs) { "`n`n$($help.Inputs)" })
            [void]$sb.Append("<command:inputType><dev:type><maml:name>$(& $esc $group.Name)</maml:name></dev:type><maml:description>$(& $paras $text)</maml:description></command:inputType>")
        }
    }
    else {
        [void]$sb.Append("<command:inputType><dev:type><maml:name>None</maml:name></dev:type><maml:description>$(& $paras 'This cmdlet takes no pipeline input.')</maml:description></command:inputType>")
    }
    [void]$sb.AppendLine('</command:inputTypes>')

    $outputs = @($cmd.OutputType | ForEach-Object { if ($_.Type) { Get-TypeText $_.Type -Full } else { $_.Name } } | Select-Object -Unique |
        ForEach-Object { if ($_ -eq 'System.Void') { 'None' } else { $_ } })
    if (-not $outputs) { $problems.Add("$($cmd.Name): no [OutputType]") }
    [void]$sb.AppendLine("<command:returnValues>$(($outputs | ForEach-Object { "<command:returnValue><dev:type><maml:name>$(& $esc $_)</maml:name></dev:type><maml:description>$(& $paras $help.Outputs)</maml:description></command:returnValue>" }) -join '')</command:returnValues>")
    [void]$sb.AppendLine('<command:examples>')
    $n = 0
    foreach ($ex in $help.Examples) {
        $n++
        [void]$sb.AppendLine("<command:example><maml:title>-------------------------- Example ${n}: $(& $esc $ex.Title) --------------------------</maml:title><dev:code>$(& $esc $ex.Code)</dev:code><dev:remarks>$(& $paras $ex.Remarks)</dev:remarks></command:example>")
    }
    [void]$sb.AppendLine('</command:examples>')

    # RELATED LINKS: what the help source names, the cmdlets of the same capability (folder) or noun, the about topics.
    $related = @(@($help.Related) + @($commands | Where-Object {
        $_.Name -ne $cmd.Name -and ($_.ImplementingType.Namespace -eq $cmd.ImplementingType.Namespace -or $_.Noun -eq $cmd.Noun) } | ForEach-Object Name) +
        $aboutNames | Where-Object { $_ } | Select-Object -Unique)
    foreach ($name in @($help.Related)) { if ($name -and $name -notin @($commands.Name) + $aboutNames) { $problems.Add("$($cmd.Name): related '$name' is neither a cmdlet nor an about topic") } }
    [void]$sb.AppendLine("<maml:relatedLinks>$(($related | ForEach-Object { "<maml:navigationLink><maml:linkText>$(& $esc $_)</maml:linkText><maml:uri /></maml:navigationLink>" }) -join '')</maml:relatedLinks>")
    [void]$sb.AppendLine('</command:command>')
}
[void]$sb.AppendLine('</helpItems>')
if (-not $aboutNames) { $problems.Add("no about_*.help.txt in $HelpSource") }
if ($problems.Count) { throw "Help is incomplete:`n  " + ($problems -join "`n  ") }
New-Item -ItemType Directory -Force -Path (Split-Path $HelpFile) | Out-Null
Set-Content -Path $HelpFile -Value $sb.ToString() -Encoding utf8NoBOM
$aboutTopics | Copy-Item -Destination (Split-Path $HelpFile)
