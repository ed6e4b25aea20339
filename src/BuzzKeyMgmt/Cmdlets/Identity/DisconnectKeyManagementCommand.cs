using System.Management.Automation;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Cmdlets.Identity;

/// <summary>Closes the current session: its temporary credentials are dropped from memory and its AWS clients (and any
/// role sessions it took) are disposed.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "KeyManagement")]
[OutputType(typeof(void))]
public sealed class DisconnectKeyManagementCommand : KeyMgmtCmdlet
{
    protected override void EndProcessing()
    {
        var session = Context.Sessions.Current;
        if (session is not null) Context.Sessions.Remove(session);
        WriteVerbose(session is null ? "There was no session." : $"Disconnected from '{session.Environment}' ({session.Role}).");
    }
}
