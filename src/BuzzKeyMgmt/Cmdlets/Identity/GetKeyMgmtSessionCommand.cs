using System.Management.Automation;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Cmdlets.Identity;

/// <summary>Shows the current session: environment, role, caller, operator and expiry.</summary>
[Cmdlet(VerbsCommon.Get, "KeyMgmtSession")]
[OutputType(typeof(KeyMgmtSession))]
public sealed class GetKeyMgmtSessionCommand : KeyMgmtCmdlet
{
    protected override void EndProcessing()
    {
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
