using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>Base of the audit cmdlets: -Environment picks the store (else the session's, else the default SQLite
/// file), and store failures become errors with the store's stable codes; secrets never appear in them.</summary>
public abstract class AuditCmdlet : KeyMgmtCmdlet
{
    /// <summary>The environment whose audit store to use; default: the current session's, else the embedded default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Environment { get; set; }

    protected AuditLocation LocateStore()
    {
        try
        {
            return Context.Audit.Locate(Environment);
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, Environment));
            throw; // unreachable
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
