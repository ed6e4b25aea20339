using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Operations.Runner;

/// <summary>The key an operation acts on, as resolved (Metadata null when KMS does not know the key).</summary>
public sealed record ResolvedKey(string KeyId, string? Arn, string? Alias, Amazon.KeyManagementService.Model.KeyMetadata? Metadata)
{
    public string Display => Alias ?? KeyId;
}

/// <summary>What the read-back found: whether the key reached the state that proves the change, and that state.</summary>
public sealed record ReadBack(bool Reached, string? State, string? Problem = null);

/// <summary>
/// One state-changing operation, described for <see cref="OperationRunner"/>: its audit name, the role its change needs,
/// whether it is an emergency (never blocked by the audit store: its rows go to the journal), the intent, the checks
/// that refuse it, the AWS action and the state that proves it. The runner carries every operation through the same
/// path (validate → resolve → audit Started → role → act → read back → audit Completed → alert → result), so a new
/// operation is a new description, never a new copy of the path. One instance per key and run: it may keep what it
/// learns between steps.
/// </summary>
public abstract class KeyOperation<TResult>
{
    /// <summary>The audit log's operation name (REVOKE, RECOVER, …).</summary>
    public abstract string AuditName { get; }

    /// <summary>The role the change needs; None when the operator's own identity is enough (a store-only change).</summary>
    public abstract KeyMgmtRole Role { get; }

    /// <summary>How the operation is named in messages ("Revocation", "Recovery", …).</summary>
    public abstract string Purpose { get; }

    /// <summary>An emergency is never blocked by the audit store: its rows go to the local journal when the store cannot
    /// take them. Any other operation is refused when its Started row cannot be written.</summary>
    public virtual bool IsEmergency => false;

    /// <summary>Whether the outcome is alerted (to the environment's SNS topic).</summary>
    public virtual bool SendsAlert => true;

    /// <summary>Which outcomes are alerted (default: every one). Routine operations alert only their failures.</summary>
    public virtual bool AlertsOn(Audit.AuditOutcome outcome) => true;

    /// <summary>The OperationId of an earlier operation this one closes (a reconciliation shares the interrupted
    /// operation's id, so that operation has a Completed row); null: a new operation id.</summary>
    public virtual Guid? ContinuesOperation => null;

    /// <summary>The key as the caller named it; null when the operation finds its key itself.</summary>
    public KeyReference? Key { get; protected set; }
    public string? IncidentId { get; protected set; }
    public string? ChangeId { get; protected set; }
    public string? Reason { get; protected set; }

    /// <summary>The drill this operation is a step of (Invoke-KeyRevocationDrill): written as <c>drillId</c> in the Details of
    /// both audit rows, so a drill's DRILL rows and its real REVOKE, RECOVER and ROTATE rows are found together.</summary>
    public string? DrillId { get; init; }

    /// <summary>The code to take <see cref="Role"/> when the session does not hold it (and holds no role session for it).</summary>
    public string? MfaCode { get; protected set; }

    /// <summary>Bad input: throw before any AWS call and before anything is written.</summary>
    protected internal virtual void Validate(OperationRun run) { }

    /// <summary>Finds the key (default: DescribeKey and its alias). A key KMS does not know comes back with null metadata,
    /// so the attempt is audited before <see cref="NotFound"/> refuses it.</summary>
    protected internal virtual Task<ResolvedKey> ResolveAsync(OperationRun run) => KeyLookup.ResolveAsync(run, Key!);

    /// <summary>The refusal when the key does not exist, naming where it was looked for.</summary>
    protected internal virtual KeyMgmtException NotFound(OperationRun run) => KeyLookup.NotFound(run, $"{Purpose} of {Key?.Value ?? run.Target.KeyId}");

    /// <summary>Refusals that follow from the key as resolved and make the operation meaningless (a recovery request for a
    /// key that was never revoked): thrown after the lookup and before anything is written, so no audit row, no alert.</summary>
    protected internal virtual Task AdmitAsync(OperationRun run) => Task.CompletedTask;

    /// <summary>What the operation means to do, for the Started row and -Verbose.</summary>
    protected internal abstract string Intent(OperationRun run);

    /// <summary>Refusals that need the key or the store, after the Started row and before any change.</summary>
    protected internal virtual Task CheckAsync(OperationRun run) => Task.CompletedTask;

    /// <summary>False when the key is already as wanted: then no role is taken and nothing is sent.</summary>
    protected internal virtual bool NeedsChange(OperationRun run) => true;

    /// <summary>The change. Every AWS call that changes something goes through <see cref="OperationRun.ChangeAsync{T}"/>.</summary>
    protected internal abstract Task ActAsync(OperationRun run);

    /// <summary>Reads the key back until it shows the state that proves the change (bounded).</summary>
    protected internal abstract Task<ReadBack> ReadBackAsync(OperationRun run);

    /// <summary>The read-back when nothing needed to change.</summary>
    protected internal virtual ReadBack Unchanged(OperationRun run) => new(true, run.Target.Metadata?.KeyState?.Value);

    /// <summary>Store changes that follow a verified change (e.g. a recovery request marked Completed).</summary>
    protected internal virtual void Conclude(OperationRun run) { }

    /// <summary>The Completed row's Approvals column: a JSON array of the approvers' ARNs, for an operation made on
    /// approvals (a recovery); null otherwise.</summary>
    protected internal virtual string? Approvals(OperationRun run) => null;

    /// <summary>Operation-specific content of the Completed row's Details.</summary>
    protected internal virtual object? Details(OperationRun run) => null;

    /// <summary>Turns a failure into the operation's own error (store refusals, AWS errors named for the key).</summary>
    protected internal virtual KeyMgmtException Explain(OperationRun run, Exception failure) => run.Explain(failure, Purpose);

    /// <summary>Whether a failure comes after a change was attempted (alerted as failed) or before any (refused).</summary>
    protected internal virtual bool FailureFollowsAChange(OperationRun run) => run.ChangeSent;

    /// <summary>True when a failed outcome is still reported as a result (an access test on a disabled key ran and failed).</summary>
    protected internal virtual bool FailureIsResult(OperationRun run, KeyMgmtException failure) => false;

    /// <summary>The message when the read-back did not show the wanted state.</summary>
    protected internal virtual string NotVerified(OperationRun run, ReadBack readBack) =>
        $"{run.Target.Display} was changed but still reads {readBack.State}: {Purpose.ToLowerInvariant()} is not verified.";

    /// <summary>The typed result, once the Completed row is written and the alert sent.</summary>
    protected internal abstract TResult Result(OperationRun run);
}
