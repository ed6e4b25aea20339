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
public abstract class FleetReadCmdlet : KeyMgmtCmdlet
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

    [Parameter]
    public KeyMgmtSession? Session { get; set; }

    /// <summary>The keys named so far (pipeline included).</summary>
    protected IReadOnlyList<KeyReference> NamedKeys => _keys;

    protected bool WholeFleet => ParameterSetName == AllKeys;

    protected override void ProcessRecord()
    {
        foreach (var key in KeyId) _keys.Add(KeyReference.Parse(key));
    }

    /// <summary>The policy from the session's audit store, or the seeded defaults with a warning when it cannot be read.</summary>
    protected Engine.Policy.PolicySettings PolicyOf(Engine.Audit.AuditTrail trail)
    {
        try
        {
            return trail.Use(store => store.GetPolicy());
        }
        catch (Engine.Audit.AuditStoreException ex)
        {
            WriteWarning($"The audit store's policy could not be read ({ex.Message}); the seeded defaults apply (rotation every {Engine.Policy.PolicySettings.Defaults.RotationPeriodDays} days).");
            return Engine.Policy.PolicySettings.Defaults;
        }
    }

    /// <summary>Writes each result of an engine stream on the pipeline thread, and ends the stream however the pipeline
    /// ends (its workers stop before this returns).</summary>
    protected void Stream<T>(IAsyncEnumerable<T> stream, Action<T> write)
    {
        var results = stream.GetAsyncEnumerator(Cancellation);
        try
        {
            while (NextResult(results))
            {
                write(results.Current);
                DrainEvents();
            }
        }
        catch (Engine.KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, null));
        }
        finally
        {
            StopReading(results);
            try { DrainEvents(); } catch (PipelineStoppedException) { }
        }
    }
}
