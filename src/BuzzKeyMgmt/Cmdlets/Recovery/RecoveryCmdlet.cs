using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Operations.Recovery;

namespace BuzzKeyMgmt.Cmdlets.Recovery;

/// <summary>Base of the recovery cmdlets: the session, its environment's audit trail, and the engine's errors
/// (including an unreachable audit store: recovery is refused until it is back) as ErrorRecords.</summary>
public abstract class RecoveryCmdlet : KeyMgmtCmdlet
{
    [Parameter]
    public KeyMgmtSession? Session { get; set; }

    private RecoveryService? _service;

    protected RecoveryService Service
    {
        get
        {
            if (_service is not null) return _service;
            var session = RequireSession(Session);
            return _service = new RecoveryService(session, AuditLocator.Trail(AuditLocator.Locate(session.Environment)));
        }
    }

    /// <summary>Runs one engine call for one item; its failure is a non-terminating error on that item.</summary>
    protected void Run<T>(object target, Func<T> call)
    {
        try
        {
            WriteObject(call());
        }
        catch (KeyMgmtException ex)
        {
            WriteError(ToErrorRecord(ex, target));
        }
        catch (AuditStoreException ex)
        {
            var unavailable = ex is AuditStoreUnavailableException;
            var record = new ErrorRecord(ex, unavailable ? "AuditStoreUnavailable" : ex.Code,
                unavailable ? ErrorCategory.ResourceUnavailable : ErrorCategory.InvalidOperation, target);
            if (unavailable)
                record.ErrorDetails = new ErrorDetails($"Refused: the audit store cannot be reached, and recovery, approvals and access tests are only done with their audit record. {ex.Message}")
                    { RecommendedAction = "Bring the audit store back (Test-KeyMgmtEnvironment), then retry." };
            WriteError(record);
        }
    }
}
