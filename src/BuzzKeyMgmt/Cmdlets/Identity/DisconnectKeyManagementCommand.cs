using System.Management.Automation;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Cmdlets.Identity;

/// <summary>Forgets the current session (its temporary credentials are dropped from memory).</summary>
[Cmdlet(VerbsCommunications.Disconnect, "KeyManagement")]
[OutputType(typeof(void))]
public sealed class DisconnectKeyManagementCommand : KeyMgmtCmdlet
{
    protected override void EndProcessing()
    {
        var session = SessionStore.Current;
        SessionStore.Clear();
        WriteVerbose(session is null ? "There was no session." : $"Disconnected from '{session.Environment}' ({session.Role}).");
    }
}
