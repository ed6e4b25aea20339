using System.Management.Automation;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Cmdlets.Identity;

/// <summary>Shows the current session (environment, role, caller, operator and expiry), the sessions of given names, or
/// every open session of this PowerShell session (-All; IsCurrent marks the current one).</summary>
[Cmdlet(VerbsCommon.Get, "KeyMgmtSession", DefaultParameterSetName = CurrentSet)]
[OutputType(typeof(KeyMgmtSession))]
public sealed class GetKeyMgmtSessionCommand : KeyMgmtCmdlet
{
    private const string CurrentSet = "Current";
    private const string NameSet = "ByName";
    private const string AllSet = "All";

    [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.SessionNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter All { get; set; }

    protected override void EndProcessing()
    {
        if (ParameterSetName == AllSet)
        {
            foreach (var s in Context.Sessions.All) WriteObject(s);
            return;
        }
        if (ParameterSetName == NameSet)
        {
            foreach (var name in Name)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                var found = Context.Sessions.All.Where(s => pattern.IsMatch(s.Name)).ToList();
                if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    WriteError(ToErrorRecord(Context.Sessions.NotOpen(name, "no session has that name"), name));
                foreach (var s in found) WriteObject(s);
            }
            return;
        }
        var session = Context.Sessions.Current;
        if (session is null)
        {
            WriteVerbose("Not connected. Run Connect-KeyManagement -Environment <name>.");
            return;
        }
        if (session.IsExpired)
            WriteWarning($"This session expired at {session.ExpiresAt:u}. Reconnect: Connect-KeyManagement -Environment {session.Environment} -Role {session.Role}.");
        else if (session.IsExpiringSoon)
            WriteWarning($"This session expires in {session.TimeLeft!.Value.TotalMinutes:0.#} minutes (at {session.ExpiresAt:u}).");
        WriteObject(session);
    }
}
