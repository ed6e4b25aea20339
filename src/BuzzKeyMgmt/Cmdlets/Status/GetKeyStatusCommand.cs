using System.Management.Automation;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Status;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Status;

/// <summary>Reads the state of KMS keys: named ones, alias patterns, or the whole fleet, with bounded concurrency
/// inside KMS's quotas, in the current session's environment or across several (-Environment). A key that cannot be read
/// is a non-terminating error; the rest continue. Results stream: each is written as soon as it is read.</summary>
[Cmdlet(VerbsCommon.Get, "KeyStatus", DefaultParameterSetName = ByKey)]
[OutputType(typeof(KeyStatus))]
public sealed class GetKeyStatusCommand : MultiEnvironmentCmdlet
{
    private const string ByKey = "ByKey";
    private const string ByAlias = "ByAlias";
    private const string All_ = "All";

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

    [Parameter(ParameterSetName = All_, Mandatory = true)]
    public SwitchParameter All { get; set; }

    [Parameter]
    public SwitchParameter IncludeAwsManaged { get; set; }

    [Parameter]
    public SwitchParameter IncludeRotationHistory { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = KeyStatusQuery.DefaultThrottleLimit;

    protected override void ProcessRecord()
    {
        foreach (var key in KeyId) _keys.Add(KeyReference.Parse(key));
    }

    protected override void EndProcessing()
    {
        var query = new KeyStatusQuery
        {
            Keys = _keys,
            AliasPatterns = Alias,
            All = All,
            IncludeAwsManaged = IncludeAwsManaged,
            IncludeRotationHistory = IncludeRotationHistory,
            ThrottleLimit = ThrottleLimit,
        };
        if (AcrossEnvironments)
        {
            StreamEnvironments(EnvironmentSessions(_keys),
                (session, events, ct) => new KeyStatusReader(session, Context.Gates.For(session.AccountId, session.Region)) { Events = events }
                    .ReadAsync(query with { Keys = KeysIn(session, _keys) }, ct),
                Write);
            return;
        }
        var session = RequireSession(Session);
        var reader = new KeyStatusReader(session, Context.Gates.For(session.AccountId, session.Region)) { Events = Events };
        var results = reader.ReadAsync(query, Cancellation).GetAsyncEnumerator(Cancellation);
        try
        {
            while (NextResult(results))
            {
                Write(results.Current);
                DrainEvents();   // progress, told by the reader
            }
        }
        catch (Engine.KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, null));
        }
        finally
        {
            StopReading(results);
            try
            {
                DrainEvents();   // the Completed progress record
            }
            catch (PipelineStoppedException)
            {
                // Stopped: nothing more is written.
            }
        }
    }

    /// <summary>Writes one result, and keeps its names for Tab (-KeyId, -Alias) in its environment's listing.</summary>
    private void Write(KeyStatusOutcome outcome)
    {
        if (outcome.Status is not null)
        {
            Context.Listings.For(outcome.Status.Environment).Add(outcome.Status);
            WriteObject(outcome.Status);
        }
        else if (outcome.Failure is not null) WriteError(ToErrorRecord(outcome.Failure, outcome.Target));
    }
}
