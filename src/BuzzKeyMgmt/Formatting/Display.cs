using System.Management.Automation;
using BuzzKeyMgmt.Engine;

namespace BuzzKeyMgmt;

/// <summary>
/// For the format views (Formats/*.ps1xml): text from the audit trail as it may be shown on a terminal. Control
/// characters (ESC, CR, LF, NUL, BEL, C1 …) and bidi overrides become visible escapes (<c>\e[2J</c>, <c>\r\n</c>,
/// <c>\u202E</c>; <see cref="DisplayText"/>), so a reason such as ESC[2J or an OSC window-title sequence does nothing in
/// Format-Table or Format-List. Display only: the objects' properties, the store and the hash chain keep the verbatim value.
/// </summary>
public static class Display
{
    /// <summary>The value's text with unsafe characters escaped; null for null.</summary>
    public static string? Text(object? value) =>
        DisplayText.Neutralize(value is PSObject ps ? ps.BaseObject?.ToString() : value?.ToString());

    /// <summary>
    /// Says one line of what a cmdlet did, as Write-Host does: on the information stream tagged PSHOST, so it shows on the
    /// console by default, never enters the pipeline, and is captured by <c>6&gt;&amp;1</c> or <c>-InformationVariable</c> and
    /// silenced by <c>-InformationAction Ignore</c>. The text is neutralized (no control characters reach the terminal).
    /// </summary>
    public static void Say(PSCmdlet cmdlet, string line) =>
        cmdlet.WriteInformation(new HostInformationMessage { Message = DisplayText.Neutralize(line) ?? "", NoNewLine = false },
            new[] { "PSHOST", cmdlet.MyInvocation.MyCommand.Name });
}
