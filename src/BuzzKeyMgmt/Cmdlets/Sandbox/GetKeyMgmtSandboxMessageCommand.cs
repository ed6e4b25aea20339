using System.Management.Automation;
using BuzzKeyMgmt.Sandbox.Sns;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>The SNS messages published to the sandbox, oldest first.</summary>
[Cmdlet(VerbsCommon.Get, "KeyMgmtSandboxMessage")]
[OutputType(typeof(PublishedMessage))]
public sealed class GetKeyMgmtSandboxMessageCommand : SandboxCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TopicArn { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Last { get; set; }

    protected override void EndProcessing()
    {
        IEnumerable<PublishedMessage> messages = RequireSandbox().Messages;
        if (TopicArn is not null) messages = messages.Where(m => m.TopicArn == TopicArn);
        if (Last is { } n) messages = messages.TakeLast(n);
        foreach (var m in messages) WriteObject(m);
    }
}
