using System.Management.Automation;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>
/// The 6-digit code to type now for a sandbox MFA device (by the sandbox clock), as an authenticator app would show: one not
/// used yet, since codes are single-use (see <see cref="BuzzKeyMgmt.Sandbox.SandboxServer.GetMfaCode"/>).
/// </summary>
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
