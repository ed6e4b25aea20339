using System.Runtime.ExceptionServices;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Audit.Anchoring;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Operations.Reconciliation;

namespace BuzzKeyMgmt.Engine.Operations.Runner;

/// <summary>
/// The one path every state-changing operation takes:
/// validate → resolve → audit Started (with the intent) → role session (cached) → act, each step timed → read back →
/// audit Completed (durably; journaled if the store fails by then) → alert (outbox first, then publish; the alert id is
/// made here so the Completed row names it before anything is published) → typed result with its warnings.
/// Every failure at any step, resolve and role included, ends in a Completed row and an <see cref="OperationFailedException"/>
/// (never a raw SDK exception). A stop before a change was sent changes nothing (Completed: Cancelled); a stop after it
/// lets the change finish and be read back within <see cref="GracePeriod"/>, and records the key's real state.
/// One runner serves one session (and its cmdlet's pipeline): role sessions, clients and quota gates are reused.
/// </summary>
public sealed class OperationRunner : IDisposable
{
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(10);

    private readonly KeyMgmtContext _context;
    private readonly KeyMgmtSession _session;
    private readonly IEngineEvents _events;
    private readonly Lazy<AuditTrail> _trail;
    private readonly Lazy<AlertSender?> _alerts;
    private bool _reconciling;

    /// <param name="trail">The audit trail; default: the session's environment's store and journal.</param>
    /// <param name="outbox">The alert outbox; default: the environment's in the user's data directory.</param>
    public OperationRunner(KeyMgmtContext context, KeyMgmtSession session, IEngineEvents? events = null, AuditTrail? trail = null,
        AlertOutbox? outbox = null)
    {
        _context = context;
        _session = session;
        _events = events ?? NullEngineEvents.Instance;
        _trail = new Lazy<AuditTrail>(() => trail ?? context.Audit.Trail(context.Audit.Locate(session.EnvironmentInfo)));
        _alerts = new Lazy<AlertSender?>(() => AlertSender.ForSession(session, outbox));
    }

    /// <summary>How long, after a stop, a change already sent may take to finish and be read back.</summary>
    public TimeSpan GracePeriod { get; init; } = DefaultGracePeriod;

    /// <summary>How long an emergency run keeps retrying throttled KMS calls (<see cref="ThrottleBudget"/>; 2 minutes).</summary>
    public TimeSpan EmergencyThrottleBudget { get; init; } = ThrottleBudget.Emergency;

    public AuditTrail Trail => _trail.Value;

    public async Task<TResult> RunAsync<TResult>(KeyOperation<TResult> operation, CancellationToken stop)
    {
        if (!operation.IsEmergency && operation.ContinuesOperation is null && !_reconciling && _context.Audit.ClaimReconcile(_session.Environment))
            await ReconcileInterruptedAsync(stop).ConfigureAwait(false);
        using var run = new OperationRun(_session, _trail.Value, _context.Gates.For(_session.AccountId, _session.Region), _events,
            operation.SendsAlert ? _alerts.Value : null, stop, GracePeriod);
        if (operation.IsEmergency) run.Throttle = new ThrottleBudget(EmergencyThrottleBudget);   // retried, not given up, under throttling
        try
        {
            operation.Validate(run);   // bad input: nothing is sent, nothing is written
        }
        catch (Exception ex) when (ex is not KeyMgmtException)
        {
            throw new OperationFailedException(operation.Explain(run, ex), AuditOutcome.Failed, null, false, run.Warnings, null, stopped: false);
        }
        run.Audit = new OperationAudit(run.Trail, _session, _context.Host, operation.AuditName, operation.IsEmergency,
            operation.IncidentId, operation.ChangeId, operation.Reason, run.Warn, operation.ContinuesOperation, operation.DrillId);
        Exception? resolveFailure = null;
        try
        {
            run.Target = await run.StepAsync("resolve", () => operation.ResolveAsync(run)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;   // stopped before anything was written or sent
        }
        catch (Exception ex)
        {
            resolveFailure = ex;
            run.Target = new ResolvedKey(operation.Key?.Value ?? "", null, operation.Key?.AliasName, null);
        }

        if (resolveFailure is null && run.Target.Metadata is not null)
        {
            try
            {
                await operation.AdmitAsync(run).ConfigureAwait(false);   // meaningless for this key: nothing written, nothing sent
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                throw new OperationFailedException(ex as KeyMgmtException ?? operation.Explain(run, ex), AuditOutcome.Failed, null, false,
                    run.Warnings, run.InitialState, stopped: false);
            }
        }

        KeyMgmtException? failure = null;
        OperationFailedException? refused = null;
        try
        {
            refused = WriteStarted(operation, run);   // inside the try: nothing the audit trail throws escapes unhandled
            if (refused is not null) throw refused;
            if (resolveFailure is not null) ExceptionDispatchInfo.Throw(resolveFailure);
            if (run.Target.Metadata is null && operation.Key is not null) throw operation.NotFound(run);
            await operation.CheckAsync(run).ConfigureAwait(false);
            if (operation.NeedsChange(run))
            {
                run.RoleSession = await run.StepAsync("assumeRole",
                    () => _session.ForRoleAsync(operation.Role, operation.MfaCode, operation.Purpose, run.Token)).ConfigureAwait(false);
                run.Say(operation.Role == Configuration.KeyMgmtRole.None ? $"Acting as {run.RoleSession.CallerArn} (no role needed)."
                    : ReferenceEquals(run.RoleSession, _session) ? $"Acting as {run.RoleSession.CallerArn} ({operation.Role}, held by the session)."
                    : $"Acting as {run.RoleSession.CallerArn} ({operation.Role}, {(run.Steps.TryGetValue("assumeRole", out var ms) ? $"role session ready in {ms} ms" : "assumed")}).");
                await operation.ActAsync(run).ConfigureAwait(false);
                run.ReadBack = await run.StepAsync("verify", () => operation.ReadBackAsync(run)).ConfigureAwait(false);
            }
            else
            {
                run.ReadBack = operation.Unchanged(run);
                run.NoChangeNeeded = true;
                run.Say($"{run.Target.Display} is already {run.ReadBack.State}: nothing to change.");
            }
            if (run.ReadBack.Reached) operation.Conclude(run);
            else failure = new KeyMgmtException("VerificationFailed", FailureKind.InvalidResult, operation.NotVerified(run, run.ReadBack),
                "Check the key with Get-KeyStatus and run the operation again.");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            run.Stopped = true;
            failure = await AfterStopAsync(operation, run).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ReferenceEquals(ex, refused))
        {
            failure = operation.Explain(run, ex);
        }

        run.Stopped |= stop.IsCancellationRequested;   // a stop while the sent change finished: recorded, not hidden
        run.Outcome = failure is null ? AuditOutcome.Succeeded
            : run.Stopped && (!run.ChangeSent || run.ReadBack is { } seen && seen.State == run.InitialState) ? AuditOutcome.Cancelled
            : AuditOutcome.Failed;
        WriteCompleted(operation, run, failure);
        run.FailureFollowsAChange = failure is not null && operation.FailureFollowsAChange(run);
        await AuditAnchor.AfterOperationAsync(run).ConfigureAwait(false);   // a signed digest outside the store; never throws
        await SendAlertAsync(operation, run, failure).ConfigureAwait(false);

        if (failure is null || operation.FailureIsResult(run, failure)) return AuditAnchor.Stamp(operation.Result(run), run);
        throw new OperationFailedException(failure, run.Outcome, run.CompletedRecord?.AuditId, run.Journaled, run.Warnings,
            run.ReadBack?.State ?? run.InitialState, run.Stopped) { ChainHead = run.Anchor?.ChainHead, Digest = run.Anchor?.Digest };
    }

    /// <summary>Before a routine operation (never an emergency): operations of this environment that began more than
    /// <see cref="InterruptedOperations.DefaultAge"/> ago and never completed get their RECONCILE rows, each said as a
    /// warning. A store that cannot be searched is a warning too; the operation goes on.</summary>
    private async Task ReconcileInterruptedAsync(CancellationToken stop)
    {
        _reconciling = true;
        try
        {
            var found = InterruptedOperations.Find(_trail.Value, _session, InterruptedOperations.DefaultAge);
            if (found.Count == 0) return;
            _events.Warning($"{found.Count} operation(s) in '{_session.Environment}' began and never completed (the process was stopped or " +
                            "died between the AWS call and its Completed audit row): reading each key to record what became of it.");
            foreach (var r in await InterruptedOperations.ReconcileAsync(this, found, stop).ConfigureAwait(false))
                _events.Warning($"RECONCILE {r.InterruptedOperation} of {r.Alias ?? r.KeyId} (started {r.StartedAtUtc:u}): " +
                                (r.Error ?? (r.ChangeShows == true ? $"took effect; the key is {r.FoundState}."
                                    : $"the key is {r.FoundState}.")));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _events.Warning($"Interrupted operations could not be looked for in the audit store: {ex.Message}");
        }
        finally
        {
            _reconciling = false;
        }
    }

    /// <summary>A stop came. Before a change was sent: nothing changed. After: read back (grace token) and say what is true.</summary>
    private async Task<KeyMgmtException?> AfterStopAsync<T>(KeyOperation<T> operation, OperationRun run)
    {
        if (!run.ChangeSent)
            return new KeyMgmtException("OperationStopped", FailureKind.OperationStopped,
                $"{operation.Purpose} of {run.Target.Display} was stopped before any change was sent: nothing changed.");
        try
        {
            run.ReadBack = await run.StepAsync("verifyAfterStop", () => operation.ReadBackAsync(run)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return new KeyMgmtException("OperationStopped", FailureKind.OperationStopped,
                $"{operation.Purpose} of {run.Target.Display} was stopped after a change was sent, and its result could not be read back " +
                $"within {GracePeriod.TotalSeconds:0} s ({ex.GetBaseException().Message}).",
                "Check the key with Get-KeyStatus.", ex);
        }
        if (run.ReadBack.Reached)
        {
            run.Say($"Stopped, but the change had been sent: {run.Target.Display} reads {run.ReadBack.State}; recorded as done.");
            operation.Conclude(run);
            return null;
        }
        return new KeyMgmtException("OperationStopped", FailureKind.OperationStopped,
            run.ReadBack.State == run.InitialState
                ? $"{operation.Purpose} of {run.Target.Display} was stopped: the key still reads {run.ReadBack.State}, nothing changed."
                : $"{operation.Purpose} of {run.Target.Display} was stopped part-way: the key now reads {run.ReadBack.State} (it read {run.InitialState}).",
            "Check the key with Get-KeyStatus and run the operation again to finish it.");
    }

    /// <summary>The Started row. Refused (nothing more happens: the refusal is returned, to be thrown) when it cannot be
    /// written, except for an emergency, which goes on with a warning whatever the failure: revocation is never blocked by
    /// the audit trail (the trail has already tried the journal and the fallback journal; the warning names each cause).</summary>
    private static OperationFailedException? WriteStarted<T>(KeyOperation<T> operation, OperationRun run)
    {
        try
        {
            var started = run.Audit.Started(run.Target, operation.Intent(run));
            run.Say($"Audit Started row {started.AuditId}{(run.Journaled ? " (journaled)" : "")}: {operation.Intent(run)}");
            return null;
        }
        catch (Exception ex) when (operation.IsEmergency && ex is not OperationCanceledException)
        {
            run.Warn($"The Started audit row of this emergency could not be written to the store or a journal ({ex.Message}); the revocation goes on.");
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var refusal = operation.Explain(run, ex is AuditStoreException ? ex : new AuditStoreUnavailableException(ex.Message, ex));
            return new OperationFailedException(refusal, AuditOutcome.Failed, null, false, run.Warnings, run.InitialState, stopped: false);
        }
    }

    private static void WriteCompleted<T>(KeyOperation<T> operation, OperationRun run, KeyMgmtException? failure)
    {
        var auditId = Guid.NewGuid();
        run.AlertId = operation.SendsAlert && run.Alerts is not null && operation.AlertsOn(run.Outcome) ? Guid.NewGuid().ToString("N") : null;
        var details = new
        {
            steps = run.Steps,
            details = operation.Details(run),
            state = run.ReadBack?.State,
            stopped = run.Stopped ? true : (bool?)null,
            actingRole = run.RoleSession is { } role && !ReferenceEquals(role, run.Session) ? role.Role.ToString() : null,
            baseIdentityArn = run.Session.BaseCallerArn,
            drillId = operation.DrillId,
        };
        try
        {
            run.CompletedRecord = run.Audit.Completed(auditId, run.Target, run.Outcome, (long)run.Elapsed.TotalMilliseconds,
                failure?.ErrorId, failure?.Message, run.AlertId, details, ActingArn(run), operation.Approvals(run));
            run.Say($"Audit Completed row {auditId}: {run.Outcome}{(run.Journaled ? " (journaled)" : "")}.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            run.Warn($"The Completed audit row {auditId} ({run.Outcome}) could not be written to the store or a journal: {ex.Message}");
        }
    }

    /// <summary>Who made the change: the assumed-role session that acted (an Admin session takes the Emergency role for a
    /// revocation), else the session's own identity.</summary>
    private static string ActingArn(OperationRun run) => (run.RoleSession ?? run.Session).CallerArn;

    /// <summary>What the alert says happened: done; nothing to do (already so: info); refused before any change was sent
    /// (a bad id, a missing key, a policy or MFA refusal: warning); failed once a change was attempted (its severity).</summary>
    private static string AlertOutcome(OperationRun run, KeyMgmtException? failure) =>
        failure is null ? (run.NoChangeNeeded ? KeyAlert.Unchanged : KeyAlert.Succeeded)
        : run.FailureFollowsAChange ? KeyAlert.Failed
        : KeyAlert.Refused;

    private static async Task SendAlertAsync<T>(KeyOperation<T> operation, OperationRun run, KeyMgmtException? failure)
    {
        if (run.AlertId is null || run.Alerts is null) return;
        var session = run.Session;
        run.Alert = await run.Alerts.SendAsync(new KeyAlert
        {
            AlertId = run.AlertId, Environment = session.Environment, Operation = operation.AuditName,
            Outcome = AlertOutcome(run, failure),
            KeyId = run.Target.KeyId, KeyArn = run.Target.Arn, Alias = run.Target.Alias, IncidentId = operation.IncidentId,
            ChangeId = operation.ChangeId, Operator = session.Operator, OperatorArn = ActingArn(run), BaseIdentityArn = session.BaseCallerArn, ErrorCode = failure?.ErrorId,
            ErrorMessage = failure?.Message, Timings = new Dictionary<string, long>(run.Steps), AuditId = run.CompletedRecord?.AuditId.ToString(),
            OccurredAtUtc = run.Now, Journaled = run.Journaled, ChainHead = run.Anchor?.ChainHead, Digest = run.Anchor?.Digest,
        }, run.Token).ConfigureAwait(false);
        if (run.Alert.Delivery == AlertDelivery.Published)
            run.Say($"Alert {run.AlertId} published (SNS message id {run.Alert.MessageId}).");
        else
            run.Warn($"The alert could not be published ({run.Alert.ErrorCode}: {run.Alert.ErrorMessage}); it is " +
                     (run.Alert.Delivery == AlertDelivery.Queued ? $"queued in {run.Alert.OutboxPath} and will be retried by Sync-KeyAuditJournal." : "LOST: the outbox could not be written."));
    }

    public void Dispose()
    {
        if (_alerts.IsValueCreated) _alerts.Value?.Dispose();
    }
}
