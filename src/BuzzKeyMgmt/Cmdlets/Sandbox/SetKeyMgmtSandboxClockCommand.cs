using System.Management.Automation;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>Moves the sandbox clock forward: sessions expire, deletion windows pass, rotations fall due.</summary>
[Cmdlet(VerbsCommon.Set, "KeyMgmtSandboxClock", SupportsShouldProcess = true)]
[OutputType(typeof(DateTimeOffset))]
public sealed class SetKeyMgmtSandboxClockCommand : SandboxCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public TimeSpan Advance { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        if (Advance <= TimeSpan.Zero)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(Advance), Advance,
                "The sandbox clock only moves forward: expected a positive -Advance such as (New-TimeSpan -Days 8) or '02:00:00'."),
                "ClockCannotGoBack", ErrorCategory.InvalidArgument, Advance));
        }
        var sandbox = RequireSandbox();
        if (!ShouldProcess($"sandbox at {sandbox.Endpoint}", $"Advance the clock by {Advance}")) return;
        sandbox.Clock.Advance(Advance);
        if (PassThru) WriteObject(sandbox.Clock.GetUtcNow());
    }
}
