using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Fleet;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Status;

/// <summary>
/// Base of the fleet reads that may span environments (Get-KeyStatus, Get-KeyRotationDue, Get-KeyCompliance,
/// Export-KeyComplianceReport): -Environment names environments (wildcards; '*' for every configured one), each read with
/// a session of its own (an open one of this runspace, else an Admin session connected for it and kept, not current),
/// all at once, each account-Region at its own quota gates. An environment that cannot be reached is one error; the
/// others go on. Without -Environment, the current session (or -Session) is read, as before.
/// </summary>
public abstract class MultiEnvironmentCmdlet : KeyMgmtCmdlet
{
    private const int FleetActivityId = 40;

    /// <summary>Environments to read (names or wildcards; '*' for every configured one).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateCount(1, 256)]
    [ValidateFormat(@"^[A-Za-z0-9_*?\[\]-]{1,64}\z", "an environment name or wildcard pattern (letters, digits, '-', '_', '*', '?', '[', ']'; at most 64), like 'prod-*' or '*'")]
    public string[]? Environment { get; set; }

    [Parameter]
    public KeyMgmtSession? Session { get; set; }

    /// <summary>True when -Environment was given.</summary>
    protected bool AcrossEnvironments => Environment is { Length: > 0 };

    /// <summary>The sessions of the environments -Environment names: connected as needed, concurrently; one error for each
    /// environment that cannot be reached, and one for each key ARN in <paramref name="keys"/> that none of them can hold
    /// (see <see cref="KeysIn"/>). Stops the command when a name matches nothing (before any AWS call) or when -Session is
    /// given too.</summary>
    protected IReadOnlyList<KeyMgmtSession> EnvironmentSessions(IReadOnlyList<KeyReference> keys)
    {
        if (Session is not null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("Pass -Session or -Environment, not both: -Environment reads each environment with a session of its own."),
                "SessionAndEnvironment", ErrorCategory.InvalidArgument, Session));
        IReadOnlyList<FleetEnvironment> fleet;
        try
        {
            var environments = EnvironmentSelection.Resolve(Context.Environments, Environment!);
            fleet = Await(FleetSessions.ResolveAsync(Context, environments, Cancellation));
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, Environment));
            throw; // unreachable
        }
        var sessions = new List<KeyMgmtSession>();
        foreach (var e in fleet)
        {
            if (e.Failure is not null) WriteError(ToErrorRecord(e.Failure, e.Name));
            else
            {
                WriteVerbose($"Environment '{e.Name}': {e.Session!.Role} session as {e.Session.CallerArn} (account {e.Session.AccountId}, {e.Session.Region}).");
                if (e.Session.IsExpiringSoon)
                    WriteWarning($"The {e.Session.Role} session for '{e.Name}' expires in {e.Session.TimeLeft!.Value.TotalMinutes:0.#} minutes (at {e.Session.ExpiresAt:u}).");
                sessions.Add(e.Session);
            }
        }
        foreach (var key in keys.Where(k => sessions.Count > 0 && !sessions.Any(s => k.CanBeIn(s.AccountId, s.Region))))
            WriteError(ToErrorRecord(new KeyMgmtException("KeyNotInEnvironment", FailureKind.InvalidArgument,
                $"'{key.Value}' names a key in account {ArnParts.Account(key.Value)}, Region {ArnParts.Region(key.Value)}: none of the environments read " +
                $"({string.Join(", ", sessions.Select(s => $"{s.Environment}: {s.AccountId}, {s.Region}"))}) is that account and Region.",
                "Add the environment of that account and Region to -Environment."), key.Value));
        return sessions;
    }

    /// <summary>The keys an environment's read is given: a key ARN goes only to the environment of its account and Region
    /// (elsewhere KMS could only answer NotFound); key ids and alias names go to every environment.</summary>
    protected static IReadOnlyList<KeyReference> KeysIn(KeyMgmtSession session, IReadOnlyList<KeyReference> keys) =>
        keys.Where(k => k.CanBeIn(session.AccountId, session.Region)).ToList();

    /// <summary>Reads every session's stream at once and writes each result on the pipeline thread as it comes; a stream that
    /// fails is one error for its environment. Progress: one activity for the fleet and one per environment under it.</summary>
    protected void StreamEnvironments<T>(IReadOnlyList<KeyMgmtSession> sessions,
        Func<KeyMgmtSession, IEngineEvents, CancellationToken, IAsyncEnumerable<T>> read, Action<T> write)
    {
        if (sessions.Count == 0) return;
        var activity = $"Reading {sessions.Count} environment(s)";
        WriteProgress(new ProgressRecord(FleetActivityId, activity, string.Join(", ", sessions.Select(s => s.Environment))));
        var sources = sessions.Select((s, i) =>
        {
            var events = new EnvironmentEvents(Events, s.Environment, FleetActivityId * 100 + i, FleetActivityId);
            return (s.Environment, (Func<CancellationToken, IAsyncEnumerable<T>>)(ct => read(s, events, ct)));
        }).ToList();
        var failed = 0;
        try
        {
            Stream(FleetMerge.MergeAsync(sources, Cancellation), item =>
            {
                if (item.Failure is not null)
                {
                    failed++;
                    WriteError(ToErrorRecord(new KeyMgmtException(item.Failure.ErrorId, item.Failure.Kind,
                        $"Environment '{item.Environment}': {item.Failure.Message}", item.Failure.RecommendedAction, item.Failure), item.Environment));
                }
                else write(item.Item!);
            });
        }
        finally
        {
            try
            {
                WriteProgress(new ProgressRecord(FleetActivityId, activity, $"{sessions.Count - failed} read, {failed} failed") { RecordType = ProgressRecordType.Completed });
            }
            catch (PipelineStoppedException)
            {
            }
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
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, null));
        }
        finally
        {
            StopReading(results);
            try { DrainEvents(); } catch (PipelineStoppedException) { }
        }
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
}
