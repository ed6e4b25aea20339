using System.Management.Automation;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Cmdlets.Identity;

/// <summary>Closes a session (the current one by default; by -Name, as an object, or -All): its temporary credentials
/// are dropped from memory and its AWS clients (and any role sessions it took) are disposed. Closing the current
/// session leaves none current: nothing switches to another session on its own.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "KeyManagement", DefaultParameterSetName = CurrentSet)]
[OutputType(typeof(void))]
public sealed class DisconnectKeyManagementCommand : KeyMgmtCmdlet
{
    private const string CurrentSet = "Current";
    private const string NameSet = "ByName";
    private const string SessionSet = "BySession";
    private const string AllSet = "All";

    [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.SessionNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = SessionSet, Mandatory = true, ValueFromPipeline = true)]
    public KeyMgmtSession? Session { get; set; }

    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case AllSet:
                var count = Context.Sessions.RemoveWhere(_ => true);
                WriteVerbose($"Disconnected {count} session(s).");
                break;
            case SessionSet:
                Close(Session!);
                break;
            case NameSet:
                foreach (var name in Name)
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    var found = Context.Sessions.All.Where(s => pattern.IsMatch(s.Name)).ToList();
                    if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                        WriteError(ToErrorRecord(Context.Sessions.NotOpen(name, "no session has that name"), name));
                    foreach (var s in found) Close(s);
                }
                break;
            default:
                var current = Context.Sessions.Current;
                if (current is null) WriteVerbose("There was no current session.");
                else Close(current);
                break;
        }
    }

    private void Close(KeyMgmtSession session)
    {
        var held = Context.Sessions.Remove(session);
        if (!held) session.Dispose();   // a session handed from another runspace: closed all the same
        WriteVerbose($"Disconnected '{session.Name}' ({session.CallerArn}).");
    }
}
