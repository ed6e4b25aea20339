using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>Base of the audit cmdlets: -Environment picks the store (else -Session's environment's, else the current
/// session's, else the default SQLite file), and store failures become errors with the store's stable codes; secrets
/// never appear in them.</summary>
public abstract class AuditCmdlet : KeyMgmtCmdlet
{
    /// <summary>The environment whose audit store to use; default: the current session's, else the embedded default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.EnvironmentCompleter))]
    public string? Environment { get; set; }

    /// <summary>The session to act with instead of the current one: its environment's store is used (unless
    /// -Environment names another), and it reconciles interrupted operations and sends queued alerts.</summary>
    [Parameter]
    public KeyMgmtSession? Session { get; set; }

    /// <summary>-Session, else the current session (null when none).</summary>
    protected KeyMgmtSession? ActingSession => Session ?? Context.Sessions.Current;

    protected AuditLocation LocateStore()
    {
        try
        {
            return Environment is null && Session is not null ? Context.Audit.Locate(Session) : Context.Audit.Locate(Environment);
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, Environment));
            throw; // unreachable
        }
        catch (Engine.Configuration.ConfigurationException ex)
        {
            ThrowTerminatingError(ConfigurationError(ex));
            throw; // unreachable
        }
    }

    /// <summary>A malformed configuration file: one error naming the file and what is wrong.</summary>
    protected static ErrorRecord ConfigurationError(Engine.Configuration.ConfigurationException ex) =>
        new(ex, "ConfigurationInvalid", ErrorCategory.InvalidData, ex.File);

    /// <summary>
    /// Operations of the located environment that began more than <paramref name="olderThan"/> ago and never completed:
    /// reconciled (RECONCILE rows, results returned) with the current session when it is connected to that environment;
    /// otherwise listed in a warning saying how to reconcile them. Store failures become warnings: the caller's own
    /// work is done.
    /// </summary>
    protected IReadOnlyList<Engine.Operations.Reconciliation.ReconcileResult> ReconcileInterrupted(AuditLocation located, TimeSpan olderThan)
    {
        var session = ActingSession;
        var name = located.EnvironmentName ?? session?.Environment;
        if (name is null) return [];
        try
        {
            var trail = Context.Audit.TrailWithoutBreaker(located);
            var connected = session is { IsClosed: false, IsExpired: false } && string.Equals(session.Environment, name, StringComparison.OrdinalIgnoreCase);
            var found = connected
                ? Engine.Operations.Reconciliation.InterruptedOperations.Find(trail, session!, olderThan)
                : Engine.Operations.Reconciliation.InterruptedOperations.Find(trail, name, DateTimeOffset.UtcNow, olderThan);
            if (found.Count == 0) return [];
            var list = string.Join("; ", found.Take(5).Select(r => $"{r.Operation} of {r.Alias ?? r.KeyId} started {r.OccurredAtUtc:u} (operation {r.OperationId})"));
            if (!connected)
            {
                WriteWarning($"{found.Count} operation(s) in '{name}' began and never completed: {list}. Connect-KeyManagement -Environment {name} and run Test-KeyAuditIntegrity to record what became of them.");
                return [];
            }
            WriteWarning($"{found.Count} operation(s) in '{name}' began and never completed: {list}. Reading each key to record what became of it (RECONCILE).");
            var results = Await(Engine.Operations.Reconciliation.InterruptedOperations.ReconcileAsync(Runner(session!), found, Cancellation));
            foreach (var r in results)
                if (r.Error is not null) WriteWarning($"RECONCILE {r.InterruptedOperation} of {r.Alias ?? r.KeyId}: {r.Error}");
            return results;
        }
        catch (Exception ex) when (ex is AuditStoreException or KeyMgmtException or IOException)
        {
            WriteWarning($"Interrupted operations could not be looked for in {located.Display}: {ex.Message}");
            return [];
        }
    }

    /// <summary>Runs a store action; an AuditStoreException stops the command with its code as the error id.</summary>
    protected T WithStore<T>(AuditLocation located, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (AuditStoreException ex)
        {
            var category = ex is AuditStoreUnavailableException ? ErrorCategory.ResourceUnavailable : ErrorCategory.InvalidOperation;
            var record = new ErrorRecord(ex, ex.Code, category, located.Display);
            record.ErrorDetails = new ErrorDetails($"Audit store {located.Display}: {ex.Message}")
            {
                RecommendedAction = ex is AuditStoreUnavailableException
                    ? "Check that the audit store is reachable (Test-KeyMgmtEnvironment), then run Sync-KeyAuditJournal."
                    : null,
            };
            ThrowTerminatingError(record);
            throw; // unreachable
        }
    }
}
