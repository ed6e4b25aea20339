using System.Management.Automation;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>The current 6-digit code of a sandbox MFA device (by the sandbox clock), as an authenticator app would show.</summary>
[Cmdlet(VerbsCommon.Get, "KeyMgmtSandboxMfaCode", DefaultParameterSetName = "ByUser")]
[OutputType(typeof(string))]
public sealed class GetKeyMgmtSandboxMfaCodeCommand : SandboxCmdlet
{
    [Parameter(ParameterSetName = "ByUser", Position = 0)]
    [ValidateSet("operator", "approver1", "approver2", "trainee", "root")]
    public string UserName { get; set; } = "operator";

    [Parameter(ParameterSetName = "BySerial", Mandatory = true)]
    [ValidateLength(9, 256)]
    public string SerialNumber { get; set; } = "";

    protected override void EndProcessing()
    {
        var sandbox = RequireSandbox();
        var serial = ParameterSetName == "BySerial" ? SerialNumber
            : UserName == "root" ? sandbox.Root.MfaSerial : sandbox.User(UserName).MfaSerial;
        try
        {
            WriteObject(sandbox.GetMfaCode(serial));
        }
        catch (ArgumentException ex)
        {
            WriteError(new ErrorRecord(ex, "MfaDeviceNotFound", ErrorCategory.ObjectNotFound, serial));
        }
    }
}
