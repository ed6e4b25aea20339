using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Sandbox;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>Starts the local AWS-compatible endpoint (KMS, STS, SNS in us-east-1 and eu-west-2, and a KMS-only endpoint)
/// inside this pwsh process, on loopback only, and registers the environments "sandbox", "sandbox-approver1" and
/// "sandbox-approver2" for this session; with -MemberAccounts, member accounts and an environment for each of their
/// Regions ("sandbox-acct1-us-east-1", …).</summary>
[Cmdlet(VerbsLifecycle.Start, "KeyMgmtSandbox")]
[OutputType(typeof(SandboxServer))]
public sealed class StartKeyMgmtSandboxCommand : KeyMgmtCmdlet
{
    [Parameter(Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    [Parameter]
    public SwitchParameter NoQuotas { get; set; }

    /// <summary>How many member accounts to host besides the sandbox's own (0-16): each with its own keys and quotas in
    /// every Region, reached through its roles from the same users.</summary>
    [Parameter]
    [ValidateRange(0, 16)]
    public int MemberAccounts { get; set; }

    [Parameter]
    public TimeSpan DateHeaderSkew { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void EndProcessing()
    {
        SandboxServer server;
        try
        {
            server = Context.Sandbox.Start(Port, enforceQuotas: !NoQuotas, DateHeaderSkew, MemberAccounts);
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, Port));
            return;
        }
        if (server.MemberAccounts.Count > 0)
            WriteVerbose($"Member accounts {string.Join(", ", server.MemberAccounts)}: environments {string.Join(", ", Engine.Training.SandboxHost.MemberEnvironmentNames(server))}.");
        WriteVerbose($"Sandbox listening at {server.Endpoint} (account {server.AccountId}, Regions {string.Join(", ", server.Regions)}, " +
                     $"quotas {(NoQuotas ? "off" : "on")}); KMS only at {server.KmsOnlyEndpoint}.");
        if (!Wait)
            Display.Say(this, $"Sandbox running at {server.Endpoint} (account {server.AccountId}, Regions {string.Join(", ", server.Regions)}); " +
                              "environments sandbox, sandbox-approver1, sandbox-approver2. Stop-KeyMgmtSandbox stops it.");
        if (PassThru || Wait) WriteObject(server);
        if (!Wait) return;

        var op = server.User("operator");
        Host.UI.WriteLine($"Sandbox running at {server.Endpoint}. From another terminal, for example:");
        Host.UI.WriteLine($"  AWS_ACCESS_KEY_ID={op.AccessKeyId} AWS_SECRET_ACCESS_KEY={op.SecretAccessKey} AWS_REGION={server.Region} \\");
        Host.UI.WriteLine($"    aws --endpoint-url {server.Endpoint} kms list-keys");
        Host.UI.WriteLine($"Regions: {string.Join(", ", server.Regions)} (AWS_REGION chooses). KMS only, like a VPC endpoint: {server.KmsOnlyEndpoint}");
        Host.UI.WriteLine("Press Ctrl+C to stop it.");
        try
        {
            Cancellation.WaitHandle.WaitOne();
        }
        finally
        {
            Context.Sandbox.Stop();
        }
    }
}
