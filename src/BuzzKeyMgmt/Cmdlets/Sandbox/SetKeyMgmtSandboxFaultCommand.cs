using System.Management.Automation;
using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>Injects faults into the sandbox: throttling, internal errors, timeouts, latency or dropped connections,
/// for the next N matching calls or with a probability; -Clear removes them all.</summary>
[Cmdlet(VerbsCommon.Set, "KeyMgmtSandboxFault", DefaultParameterSetName = "Count", SupportsShouldProcess = true)]
[OutputType(typeof(FaultRule))]
public sealed class SetKeyMgmtSandboxFaultCommand : SandboxCmdlet
{
    [Parameter(ParameterSetName = "Count", Mandatory = true, Position = 0)]
    [Parameter(ParameterSetName = "Probability", Mandatory = true, Position = 0)]
    [SupportsWildcards]
    [ValidatePattern(@"^(\*|(KMS|STS|SNS)\.(\*|[A-Za-z]+))\z")]
    public string Operation { get; set; } = "";

    [Parameter(ParameterSetName = "Count", Mandatory = true, Position = 1)]
    [Parameter(ParameterSetName = "Probability", Mandatory = true, Position = 1)]
    [ValidateSet("Throttling", "InternalError", "DependencyTimeout", "Latency", "DropConnection", "SilentNoOp")]
    public string Kind { get; set; } = "";

    [Parameter(ParameterSetName = "Count")]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    [Parameter(ParameterSetName = "Probability", Mandatory = true)]
    [ValidateRange(0.0, 1.0)]
    public double Probability { get; set; }

    [Parameter(ParameterSetName = "Count")]
    [Parameter(ParameterSetName = "Probability")]
    public TimeSpan Latency { get; set; }

    [Parameter(ParameterSetName = "Clear", Mandatory = true)]
    public SwitchParameter Clear { get; set; }

    protected override void EndProcessing()
    {
        var sandbox = RequireSandbox();
        if (Clear)
        {
            if (ShouldProcess($"sandbox at {sandbox.Endpoint}", "Remove every injected fault")) sandbox.Faults.Clear();
            return;
        }
        var kind = Enum.Parse<FaultKind>(Kind);
        if (kind == FaultKind.Latency && Latency <= TimeSpan.Zero)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("A Latency fault needs -Latency with a positive delay, e.g. -Latency '00:00:00.015'."),
                "LatencyRequired", ErrorCategory.InvalidArgument, Latency));
        var rule = ParameterSetName == "Probability"
            ? FaultRule.WithProbability(Operation, kind, Probability, Latency)
            : FaultRule.Times(Operation, kind, Count, Latency);
        if (ShouldProcess($"sandbox at {sandbox.Endpoint}", $"Inject {Kind} into {Operation}")) WriteObject(sandbox.Faults.Add(rule));
    }
}
