using System.Management.Automation;
using BuzzKeyMgmt.Engine.Training;
using BuzzKeyMgmt.Sandbox.Kms;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>Seeds the sandbox with a fleet of keys (bypassing quotas, thousands per second), each with an alias; with
/// -RotationMix a realistic mix of rotation settings and states, with -FleetMix a mixed fleet that also has longer
/// periods, on-demand rotations, asymmetric and HMAC keys (see <see cref="SeedMix"/>). In the primary Region, or in another
/// served one with -Region, in the sandbox's account or a member account with -AccountId. Writes one <see cref="SandboxKeys"/>: the count, the Region and each key's id and alias.</summary>
[Cmdlet(VerbsCommon.Add, "KeyMgmtSandboxKey", SupportsShouldProcess = true, DefaultParameterSetName = "RotationMix")]
[OutputType(typeof(SandboxKeys))]
public sealed class AddKeyMgmtSandboxKeyCommand : SandboxCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateRange(1, 1_000_000)]
    public int Count { get; set; }

    [Parameter]
    [ValidatePattern(@"^alias/[a-zA-Z0-9/_-]{1,200}\z")]
    public string AliasPrefix { get; set; } = "alias/CEK_User_";

    [Parameter(ParameterSetName = "RotationMix")]
    public SwitchParameter RotationMix { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "FleetMix")]
    public SwitchParameter FleetMix { get; set; }

    /// <summary>The served Region to seed (default the primary, <see cref="BuzzKeyMgmt.Sandbox.SandboxServer.Region"/>).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.RegionCompleter))]
    public string? Region { get; set; }

    /// <summary>The account to seed: the sandbox's own (default) or one of its member accounts (Start-KeyMgmtSandbox -MemberAccounts).</summary>
    [Parameter]
    [ValidatePattern(@"^[0-9]{12}\z")]
    public string? AccountId { get; set; }

    protected override void EndProcessing()
    {
        var sandbox = RequireSandbox();
        var region = Region ?? sandbox.Region;
        var account = AccountId ?? sandbox.AccountId;
        if (account != sandbox.AccountId && !sandbox.MemberAccounts.Contains(account))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                    $"The sandbox has no account '{account}'. Accounts: {string.Join(", ", [sandbox.AccountId, .. sandbox.MemberAccounts])} (Start-KeyMgmtSandbox -MemberAccounts adds some)."),
                "AccountNotInSandbox", ErrorCategory.InvalidArgument, account));
            return;
        }
        if (!sandbox.Regions.Contains(region))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                    $"The sandbox does not serve Region '{region}'. Regions: {string.Join(", ", sandbox.Regions)}."),
                "RegionNotServed", ErrorCategory.InvalidArgument, region));
            return;
        }
        if (!ShouldProcess($"sandbox at {sandbox.Endpoint} (account {account}, {region})", $"Create {Count} keys named {AliasPrefix}N")) return;
        var mix = FleetMix ? SeedMix.Fleet : RotationMix ? SeedMix.Rotation : SeedMix.Plain;
        WriteObject(new SandboxKeys(region, AliasPrefix, mix.ToString(), sandbox.KmsIn(account, region).SeedKeys(Count, AliasPrefix, mix)));
    }
}
