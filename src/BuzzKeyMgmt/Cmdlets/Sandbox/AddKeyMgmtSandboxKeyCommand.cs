using System.Management.Automation;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>Seeds the sandbox with a fleet of symmetric keys (bypassing quotas, thousands per second), each with an
/// alias; with -RotationMix a realistic mix of rotation settings and states.</summary>
[Cmdlet(VerbsCommon.Add, "KeyMgmtSandboxKey", SupportsShouldProcess = true)]
[OutputType(typeof(int))]
public sealed class AddKeyMgmtSandboxKeyCommand : SandboxCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateRange(1, 1_000_000)]
    public int Count { get; set; }

    [Parameter]
    [ValidatePattern(@"^alias/[a-zA-Z0-9/_-]{1,200}$")]
    public string AliasPrefix { get; set; } = "alias/CEK_User_";

    [Parameter]
    public SwitchParameter RotationMix { get; set; }

    protected override void EndProcessing()
    {
        var sandbox = RequireSandbox();
        if (!ShouldProcess($"sandbox at {sandbox.Endpoint}", $"Create {Count} keys named {AliasPrefix}N")) return;
        WriteObject(sandbox.SeedKeys(Count, AliasPrefix, RotationMix));
    }
}
