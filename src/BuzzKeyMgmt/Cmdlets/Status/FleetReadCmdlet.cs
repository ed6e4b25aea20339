using System.Management.Automation;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Status;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Status;

/// <summary>
/// Base of the cmdlets that judge keys on the fleet path (Get-KeyRotationDue, Get-KeyCompliance,
/// Export-KeyComplianceReport): named keys (from the pipeline too), alias patterns, or the whole fleet, which is the
/// default when no key is named. Derived classes declare DefaultParameterSetName = <see cref="AllKeys"/>.
/// </summary>
public abstract class FleetReadCmdlet : MultiEnvironmentCmdlet
{
    protected const string ByKey = "ByKey";
    protected const string ByAlias = "ByAlias";
    protected const string AllKeys = "All";
    private readonly List<KeyReference> _keys = new();

    [Parameter(ParameterSetName = ByKey, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Arn", "KeyArn")]
    [ValidateKeyReference]
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string[] KeyId { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = ByAlias, Mandatory = true)]
    [SupportsWildcards]
    [ValidateAliasPattern]
    [ArgumentCompleter(typeof(Completion.AliasCompleter))]
    public string[] Alias { get; set; } = Array.Empty<string>();

    /// <summary>The whole fleet (also the default when no key is named).</summary>
    [Parameter(ParameterSetName = AllKeys)]
    public SwitchParameter All { get; set; }

    [Parameter]
    public SwitchParameter IncludeAwsManaged { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = KeyStatusQuery.DefaultThrottleLimit;

    /// <summary>The keys named so far (pipeline included).</summary>
    protected IReadOnlyList<KeyReference> NamedKeys => _keys;

    protected bool WholeFleet => ParameterSetName == AllKeys;

    protected override void ProcessRecord()
    {
        foreach (var key in KeyId) _keys.Add(KeyReference.Parse(key));
    }
}
