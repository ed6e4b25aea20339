using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using BuzzKeyMgmt.Engine.Context;

namespace BuzzKeyMgmt;

/// <summary>
/// One engine context per PowerShell runspace: sessions, environments registered by the sandbox, the sandbox itself,
/// audit stores and quota gates belong to the runspace that made them. A <c>ForEach-Object -Parallel</c> or thread-job
/// runspace gets its own (it connects its own sessions, or is passed one with -Session); nothing it does changes the
/// caller's. A context is disposed (its sessions closed, its sandbox stopped) when its runspace closes. It survives
/// Import-Module -Force, as the sessions did before contexts existed.
/// </summary>
internal static class RunspaceContexts
{
    private static readonly ConditionalWeakTable<Runspace, KeyMgmtContext> Contexts = new();

    /// <summary>The context of the runspace running the current pipeline.</summary>
    public static KeyMgmtContext Current =>
        For(Runspace.DefaultRunspace ?? throw new InvalidOperationException("BuzzKeyMgmt cmdlets run inside a PowerShell runspace."));

    public static KeyMgmtContext For(Runspace runspace) => Contexts.GetValue(runspace, Create);

    private static KeyMgmtContext Create(Runspace runspace)
    {
        var context = new KeyMgmtContext();
        runspace.StateChanged += (_, e) =>
        {
            if (e.RunspaceStateInfo.State is not (RunspaceState.Closed or RunspaceState.Broken)) return;
            Contexts.Remove(runspace);
            context.Dispose();
        };
        return context;
    }
}
