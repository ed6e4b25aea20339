using Amazon.KeyManagementService;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Operations.Reconciliation;

/// <summary>
/// What became of an operation that began and never ended (a Started row with no Completed row: the process died or
/// was killed between the AWS call and the Completed row). Reads the key's real state, judges whether the interrupted
/// change shows (a revocation: Disabled or PendingDeletion; a deletion: PendingDeletion; a recovery: Enabled; a
/// cancelled deletion: not PendingDeletion) and writes a RECONCILE pair that shares the interrupted OperationId, so
/// the operation is closed and never listed again. Succeeded: the change shows (for a revocation, the recovery window
/// then counts from the interrupted Started row, not from a later re-revocation); Failed: it does not; for operations
/// whose effect a key's state cannot show (rotation, requests, approvals) the state found is recorded and it counts as
/// Succeeded. Nothing is changed on the key.
/// </summary>
public sealed class Reconciliation : KeyOperation<ReconcileResult>
{
    private readonly AuditRecord _started;
    private string? _expected;
    private bool? _shows;

    public Reconciliation(AuditRecord started)
    {
        ArgumentNullException.ThrowIfNull(started);
        if (started.Phase != AuditPhase.Started || string.IsNullOrEmpty(started.KeyId))
            throw new ArgumentException("A reconciliation needs the Started row of a key operation.", nameof(started));
        _started = started;
        Key = KeyReference.Parse(started.KeyId);
        IncidentId = started.IncidentId;
        ChangeId = started.ChangeId;
        Reason = $"interrupted {started.Operation} of {started.OccurredAtUtc:u}";
    }

    public override string AuditName => AuditOperations.Reconcile;
    public override KeyMgmtRole Role => KeyMgmtRole.None;
    public override string Purpose => "Reconciliation";
    public override Guid? ContinuesOperation => _started.OperationId;

    protected internal override KeyMgmtException NotFound(OperationRun run) =>
        KeyLookup.NotFound(run, $"Reconciling the interrupted {_started.Operation} of {_started.KeyId}");

    protected internal override string Intent(OperationRun run) =>
        $"Find what became of {_started.Operation} of {run.Target.Display}, started {_started.OccurredAtUtc:u} by {_started.OperatorArn} and never completed";

    protected internal override Task ActAsync(OperationRun run) => Task.CompletedTask;   // reads only

    protected internal override Task<ReadBack> ReadBackAsync(OperationRun run)
    {
        var state = run.Target.Metadata?.KeyState;
        (_expected, _shows) = _started.Operation switch
        {
            AuditOperations.Revoke => ("Disabled or PendingDeletion", (bool?)(state == KeyState.Disabled || state == KeyState.PendingDeletion)),
            AuditOperations.ScheduleDeletion => ("PendingDeletion", state == KeyState.PendingDeletion),
            AuditOperations.Recover => ("Enabled", state == KeyState.Enabled),
            AuditOperations.CancelDeletion => ("not PendingDeletion", state != KeyState.PendingDeletion),
            _ => (null, null),
        };
        run.Say(_shows switch
        {
            true => $"{run.Target.Display} is {state}: the interrupted {_started.Operation} took effect.",
            false => $"{run.Target.Display} is {state}: the interrupted {_started.Operation} did not take effect ({_expected} expected).",
            null => $"{run.Target.Display} is {state}; a key's state does not show whether the interrupted {_started.Operation} took effect.",
        });
        return Task.FromResult(new ReadBack(_shows != false, state?.Value));
    }

    protected internal override string NotVerified(OperationRun run, ReadBack readBack) =>
        $"The {_started.Operation} of {run.Target.Display} started {_started.OccurredAtUtc:u} was interrupted and did not take effect: " +
        $"the key is {readBack.State}, {_expected} expected. Run it again if it is still needed.";

    protected internal override bool FailureIsResult(OperationRun run, KeyMgmtException failure) => true;

    /// <summary>A change was attempted (by the interrupted operation): a failure to find it is a failure, not a refusal.</summary>
    protected internal override bool FailureFollowsAChange(OperationRun run) => true;

    protected internal override object? Details(OperationRun run) => new
    {
        interruptedOperationId = _started.OperationId, interruptedOperation = _started.Operation, startedAtUtc = _started.OccurredAtUtc,
        startedBy = _started.OperatorArn, startedAuditId = _started.AuditId, expected = _expected, found = run.ReadBack?.State, changeShows = _shows,
    };

    protected internal override ReconcileResult Result(OperationRun run) => new()
    {
        KeyId = run.Target.KeyId, Alias = run.Target.Alias, Environment = run.Session.Environment,
        InterruptedOperation = _started.Operation, InterruptedOperationId = _started.OperationId, StartedAtUtc = _started.OccurredAtUtc,
        StartedBy = _started.OperatorArn, Expected = _expected, FoundState = run.ReadBack?.State ?? run.InitialState, ChangeShows = _shows,
        Outcome = run.Outcome, AuditId = run.CompletedRecord?.AuditId ?? Guid.Empty, Error = run.CompletedRecord?.ErrorMessage, Warnings = run.Warnings,
    };
}
