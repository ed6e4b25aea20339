using System.Diagnostics;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Engine.Operations.Revocation;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Policy;
using BuzzKeyMgmt.Engine.Rotation;

namespace BuzzKeyMgmt.Engine.Drills;

/// <summary>
/// A revocation-and-recovery drill on a key of its own: create the drill key (tag Purpose=drill, alias
/// alias/drill-&lt;id&gt;) and encrypt a probe; revoke it through the same path as Revoke-EncryptionKey and prove the probe
/// no longer decrypts; request recovery, collect two approvals, restore and prove the probe decrypts again (with a
/// scheduled deletion that the recovery cancels, for RevokeAndDelete); rotate on demand and prove the old ciphertext
/// still decrypts (Rotation); then retire the drill key (deletion in 7 days, alias removed), also when a step failed or
/// the drill was stopped. Every step is a DRILL operation on the operation path, and the real REVOKE, RECOVER and ROTATE
/// rows carry the same DrillId. The report gives each step's time, the time to revoke against the policy's MTTR target,
/// and Pass/Fail. Without approvers or a Recovery code (outside the sandbox) the drill stops and waits, its key revoked,
/// and is resumed with its DrillId.
/// </summary>
public sealed class RevocationDrill : IDisposable
{
    private static readonly TimeSpan CleanupBudget = TimeSpan.FromSeconds(60);
    private const int ProgressId = 7301;
    private readonly KeyMgmtContext _context;
    private readonly IEngineEvents _events;
    private readonly Func<KeyMgmtSession, OperationRunner> _runnerFor;
    private readonly Dictionary<KeyMgmtSession, OperationRunner> _runners = new();

    /// <param name="runnerFor">How to make a runner for a session (default: the context's, reporting to <paramref name="events"/>).</param>
    public RevocationDrill(KeyMgmtContext context, IEngineEvents? events = null, Func<KeyMgmtSession, OperationRunner>? runnerFor = null)
    {
        _context = context;
        _events = events ?? NullEngineEvents.Instance;
        _runnerFor = runnerFor ?? (s => context.Runner(s, _events));
    }

    private OperationRunner Runner(KeyMgmtSession session)
    {
        if (!_runners.TryGetValue(session, out var runner)) _runners[session] = runner = _runnerFor(session);
        return runner;
    }

    /// <summary>Runs (or resumes) a drill as <paramref name="session"/>'s operator. Bad input (ids the policy refuses, an
    /// unknown or finished DrillId) is an error before anything is created or written; everything after is in the report.</summary>
    public async Task<DrillReport> RunAsync(KeyMgmtSession session, DrillPlan plan, CancellationToken stop)
    {
        var total = Stopwatch.StartNew();
        // Bad input (ids the policy refuses, an unknown or finished DrillId) is refused from the store alone, before any AWS
        // call: the session's runner reads the same environment's store as the Admin one will.
        var trail = Runner(session).Trail;
        var policy = PolicyOf(trail);
        var (state, done) = Begin(trail, session, plan, policy);
        var admin = await session.ForRoleAsync(KeyMgmtRole.Admin, null, "The drill", stop).ConfigureAwait(false);
        using var crew = new DrillCrew(_context, admin, plan);
        if (!crew.IsSandbox && plan.ResumeDrillId is null && NeedsEmergency(state) && plan.MfaCode is null && !admin.HoldsRoleSession(KeyMgmtRole.Emergency))
            throw new KeyMgmtException("EmergencyRoleRequired", FailureKind.PermissionDenied,
                $"The drill revokes its key through the Emergency role, and '{admin.Environment}' is not the sandbox: its MFA code is needed.",
                "Pass -MfaCode (and -RecoveryMfaCode, -ApproverSession for the recovery), or connect with -Role Emergency first.");

        var flow = new DrillFlow(this, admin, state, crew, policy, done, stop);
        _events.Step($"Drill {state.DrillId} ({state.Scenario}) in '{admin.Environment}': key {state.Alias}.");
        try
        {
            await flow.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            if (flow.Waiting is null) await flow.CleanupAsync().ConfigureAwait(false);
        }
        total.Stop();
        return await flow.ReportAsync(total.ElapsedMilliseconds).ConfigureAwait(false);
    }

    private static bool NeedsEmergency(DrillState state) => state.Scenario != DrillScenario.Rotation;

    private static PolicySettings PolicyOf(AuditTrail trail)
    {
        try
        {
            return trail.Use(store => store.GetPolicy());
        }
        catch (AuditStoreException)
        {
            return PolicySettings.Defaults;
        }
    }

    /// <summary>A new drill's state, or a resumed one's as its rows left it; ids checked against the policy.</summary>
    private static (DrillState, IReadOnlySet<string>) Begin(AuditTrail trail, KeyMgmtSession session, DrillPlan plan, PolicySettings policy)
    {
        if (plan.ResumeDrillId is { } id)
        {
            var found = DrillRecords.Load(trail, session.Environment, id)
                ?? throw new KeyMgmtException("DrillNotFound", FailureKind.ObjectNotFound, $"No drill {id} is recorded in '{session.Environment}'.",
                    "Get-KeyDrillHistory lists the drills and their ids.");
            if (found.Finished)
                throw new KeyMgmtException("DrillFinished", FailureKind.InvalidOperation, $"Drill {id} has finished: there is nothing to resume.",
                    "Start a new drill with Invoke-KeyRevocationDrill.");
            return (found.State, found.Done);
        }
        var drillId = DrillState.NewId();
        var year = session.Clock.GetUtcNow().Year;
        var state = new DrillState
        {
            DrillId = drillId, Scenario = plan.Scenario,
            IncidentId = plan.IncidentId ?? $"INC-{year}-{DrillState.Digits(drillId)}",
            ChangeId = plan.ChangeId ?? $"CHG-{year}-{DrillState.Digits(drillId)}",
        };
        OperatorInput.RequireIncidentId(policy, state.IncidentId);
        OperatorInput.RequireChangeId(policy, state.ChangeId);
        return (state, new HashSet<string>());
    }

    public void Dispose()
    {
        foreach (var r in _runners.Values) r.Dispose();
        _runners.Clear();
    }

    /// <summary>One drill's run: its steps in order, what they found, and the report.</summary>
    private sealed class DrillFlow(RevocationDrill drill, KeyMgmtSession admin, DrillState state, DrillCrew crew, PolicySettings policy,
        IReadOnlySet<string> done, CancellationToken stop)
    {
        private readonly List<DrillStep> _steps = new();
        private readonly List<string> _notCleaned = new();
        private bool _stopped;
        private OperationRunner Main => drill.Runner(admin);

        /// <summary>The drill key as an operator names it: by its alias while it has one (no alias lookup needed).</summary>
        private KeyReference DrillKey => KeyReference.Parse(state.AliasCreated ? state.Alias : state.KeyId!);
        private DrillProbe Probe => new(state);

        public string? Waiting { get; private set; }
        public string? FailedStep { get; private set; }
        public string? Failure { get; private set; }

        public async Task RunAsync()
        {
            if (!await Step("create-key", run => Probe.CreateKeyAsync(run)).ConfigureAwait(false)) return;
            if (!await Step("encrypt-probe", run => Probe.EncryptAsync(run)).ConfigureAwait(false)) return;
            if (state.Scenario is DrillScenario.Revoke or DrillScenario.All && !await CycleAsync("revoke", deletes: false).ConfigureAwait(false)) return;
            if (state.Scenario is DrillScenario.RevokeAndDelete or DrillScenario.All && !await CycleAsync("delete", deletes: true).ConfigureAwait(false)) return;
            if (state.Scenario is DrillScenario.Rotation or DrillScenario.All)
            {
                if (!await Step("rotation/rotate", RotateAsync).ConfigureAwait(false)) return;
                await Step("rotation/prove-old-ciphertext", run => Probe.ProveRotatedAsync(run)).ConfigureAwait(false);
            }
        }

        /// <summary>Revoke (and schedule deletion), prove, request recovery, approvals, restore, prove.</summary>
        private async Task<bool> CycleAsync(string cycle, bool deletes)
        {
            if (!await Step($"{cycle}/revoke", run => RevokeAsync(deletes)).ConfigureAwait(false)) return false;
            if (!await Step($"{cycle}/prove-revoked", run => Probe.ProveRevokedAsync(run, deletes)).ConfigureAwait(false)) return false;
            if (!await Step($"{cycle}/request-recovery", run => RequestAsync()).ConfigureAwait(false)) return false;
            if (!done.Contains($"{cycle}/approvals"))
            {
                var approvers = await ApproversNeededAsync().ConfigureAwait(false);
                if (approvers is null) return await WaitAsync(cycle, "approvals").ConfigureAwait(false);
                if (!await Step($"{cycle}/approvals", run => ApproveAsync(approvers)).ConfigureAwait(false)) return false;
            }
            if (!done.Contains($"{cycle}/restore") && !admin.HoldsRoleSession(KeyMgmtRole.Recovery) && crew.RecoveryCode() is null)
                return await WaitAsync(cycle, "mfa").ConfigureAwait(false);
            if (!await Step($"{cycle}/restore", run => RestoreAsync()).ConfigureAwait(false)) return false;
            return await Step($"{cycle}/prove-restored", run => Probe.ProveDecryptsAsync(run, "after the recovery")).ConfigureAwait(false);
        }

        /// <summary>Runs one DRILL step (or skips it: done by an earlier run). False when it failed or the drill was stopped.</summary>
        private async Task<bool> Step(string name, Func<OperationRun, Task<DrillCheck>> work)
        {
            if (done.Contains(name))
            {
                _steps.Add(new DrillStep(name, "Skipped", 0, "done by an earlier run of this drill"));
                return true;
            }
            var clock = Stopwatch.StartNew();
            drill._events.Progress(new ProgressReport(ProgressId, $"Drill {state.DrillId} ({state.Scenario})", $"step {_steps.Count + 1}: {name}"));
            try
            {
                var step = await Main.RunAsync(new DrillStepOperation(state, name, work), stop).ConfigureAwait(false);
                _steps.Add(step with { Ms = clock.ElapsedMilliseconds });
                drill._events.Step($"Drill step {name}: {step.Detail} ({clock.ElapsedMilliseconds} ms).");
                return true;
            }
            catch (Exception ex) when (ex is OperationFailedException or KeyMgmtException or OperationCanceledException)
            {
                _stopped |= stop.IsCancellationRequested;
                var why = ex is OperationCanceledException ? "stopped (Ctrl+C)" : ex.Message;
                _steps.Add(new DrillStep(name, _stopped ? "Stopped" : "Failed", clock.ElapsedMilliseconds, why, (ex as OperationFailedException)?.AuditId));
                FailedStep ??= name;
                Failure ??= why;
                drill._events.Warning($"Drill step {name} {(_stopped ? "stopped" : "failed")}: {why}");
                return false;
            }
        }

        private async Task<DrillCheck> RevokeAsync(bool deletes)
        {
            var clock = Stopwatch.StartNew();
            var revocation = new Revocation(new RevocationRequest(DrillKey, state.IncidentId,
                $"Drill {state.DrillId}: revocation drill on its own drill key", deletes, deletes ? 7 : null, crew.EmergencyCode()))
            { DrillId = state.DrillId };
            var result = await Main.RunAsync(revocation, stop).ConfigureAwait(false);
            var ms = clock.ElapsedMilliseconds;
            state.TimeToRevokeMs ??= ms;
            var wanted = deletes ? "PendingDeletion" : "Disabled";
            return new DrillCheck(result.Verified && result.State == wanted,
                $"{revocation.AuditName} audit row {result.AuditId}: {result.PreviousState} -> {result.State}{(result.Verified ? ", read back" : ", NOT verified")} in {ms} ms");
        }

        private async Task<DrillCheck> RequestAsync()
        {
            var request = await Main.RunAsync(new KeyRecoveryRequest(DrillKey, state.ChangeId,
                $"Drill {state.DrillId}: recover the drill key") { DrillId = state.DrillId }, stop).ConfigureAwait(false);
            state.RequestId = request.RequestId;
            return new DrillCheck(true, $"recovery request {request.RequestId} ({request.Status})");
        }

        /// <summary>The approvers still needed for the request, or null when there are not enough of them (the drill waits).</summary>
        private async Task<IReadOnlyList<KeyMgmtSession>?> ApproversNeededAsync()
        {
            var request = Main.Trail.Use(s => s.GetRecoveryRequest(state.RequestId!.Value));
            var missing = request is null || request.IsApproved ? 0 : request.ApprovalsRequired - request.Approvals.Count;
            if (missing <= 0) return [];
            var approvers = (await crew.ApproversAsync(missing, state.ChangeId, stop).ConfigureAwait(false))
                .Where(a => request!.Approvals.All(x => x.ApprovedBy != a.BaseCallerArn)).ToList();
            return approvers.Count >= missing ? approvers : null;
        }

        private async Task<DrillCheck> ApproveAsync(IReadOnlyList<KeyMgmtSession> approvers)
        {
            RecoveryRequest? last = null;
            foreach (var approver in approvers)
                last = await drill.Runner(approver).RunAsync(new KeyRecoveryApproval(state.RequestId!.Value) { DrillId = state.DrillId }, stop)
                    .ConfigureAwait(false);
            last ??= Main.Trail.Use(s => s.GetRecoveryRequest(state.RequestId!.Value));
            return new DrillCheck(last?.IsApproved == true,
                $"request {state.RequestId} {last?.Status}: approved by {string.Join(", ", last?.Approvals.Select(a => a.ApprovedBy) ?? [])}");
        }

        private async Task<DrillCheck> RestoreAsync()
        {
            var result = await Main.RunAsync(new Restore(DrillKey, state.ChangeId, crew.RecoveryCode())
                { DrillId = state.DrillId }, stop).ConfigureAwait(false);
            return new DrillCheck(result.Verified && result.State == "Enabled",
                $"RECOVER audit row {result.AuditId}: {result.PreviousState} -> {result.State}{(result.DeletionCancelled ? ", deletion cancelled" : "")}" +
                $"{(result.AccessTestPassed ? ", access test passed" : "")}");
        }

        private async Task<DrillCheck> RotateAsync(OperationRun run)
        {
            var result = await Main.RunAsync(new OnDemandRotation(DrillKey, state.ChangeId, null) { DrillId = state.DrillId }, stop)
                .ConfigureAwait(false);
            return new DrillCheck(result.RotationState is "InProgress" or "Completed", $"ROTATE audit row {result.AuditId}: {result.RotationState}");
        }

        /// <summary>Stops on purpose: a DRILL row says what the drill waits for; the key stays revoked (the safe state).</summary>
        private async Task<bool> WaitAsync(string cycle, string what)
        {
            Waiting = what;
            var next = what == "approvals"
                ? $"Two other people approve request {state.RequestId} (Approve-KeyRecovery -RequestId {state.RequestId}, or pass their sessions with -ApproverSession); then Invoke-KeyRevocationDrill -DrillId {state.DrillId} -RecoveryMfaCode <code>."
                : $"Resume with Invoke-KeyRevocationDrill -DrillId {state.DrillId} -RecoveryMfaCode <code> (the Recovery role needs its own MFA code).";
            await Main.RunAsync(new DrillStepOperation(state, $"{DrillRecords.WaitingPrefix}-for-{what}/{cycle}",
                _ => Task.FromResult(new DrillCheck(true, next))) { MoreData = new Dictionary<string, string?> { ["waitingFor"] = what } }, stop).ConfigureAwait(false);
            _next = next;
            return false;
        }

        private string? _next;

        /// <summary>Retires the drill key (deletion in 7 days, unless already pending) and removes its alias, also after a
        /// failure or a stop (with its own time budget); what it could not do is listed.</summary>
        public async Task CleanupAsync()
        {
            if (state.KeyId is null) return;
            using var budget = new CancellationTokenSource(CleanupBudget);
            try
            {
                var step = await Main.RunAsync(new DrillStepOperation(state, DrillRecords.Cleanup, run => Probe.RetireAsync(run, _notCleaned)), budget.Token)
                    .ConfigureAwait(false);
                _steps.Add(step);
            }
            catch (Exception ex) when (ex is OperationFailedException or KeyMgmtException or OperationCanceledException)
            {
                var why = ex is OperationCanceledException ? $"not finished within {CleanupBudget.TotalSeconds:0} s" : ex.Message;
                _steps.Add(new DrillStep(DrillRecords.Cleanup, "Failed", 0, why, (ex as OperationFailedException)?.AuditId));
                FailedStep ??= DrillRecords.Cleanup;
                Failure ??= why;
                if (_notCleaned.Count == 0)
                    _notCleaned.Add($"{state.Alias} ({state.KeyId}): the clean-up failed ({why}); schedule the key's deletion and delete the alias by hand.");
            }
        }

        public async Task<DrillReport> ReportAsync(long totalMs)
        {
            drill._events.Progress(new ProgressReport(ProgressId, $"Drill {state.DrillId} ({state.Scenario})", "done", 100, Completed: true));
            var status = _stopped ? DrillStatus.Stopped
                : Waiting == "approvals" ? DrillStatus.WaitingForApprovals
                : Waiting == "mfa" ? DrillStatus.WaitingForMfa
                : FailedStep is not null || _steps.Any(s => s.Status == "Failed") ? DrillStatus.Failed
                : DrillStatus.Passed;
            if (status == DrillStatus.Passed && state.TimeToRevokeMs is { } ttr && ttr > policy.MttrTargetMinutes * 60_000L)
            {
                status = DrillStatus.Failed;
                FailedStep = "time-to-revoke";
                Failure = $"time to revoke {ttr} ms exceeds the policy's MTTR target of {policy.MttrTargetMinutes} minutes";
            }
            var report = new DrillReport
            {
                DrillId = state.DrillId, Environment = admin.Environment, Scenario = state.Scenario, Status = status, KeyId = state.KeyId,
                Alias = state.Alias, RequestId = state.RequestId, Steps = _steps.ToList(), TimeToRevokeMs = state.TimeToRevokeMs,
                MttrTargetMinutes = policy.MttrTargetMinutes, TotalMs = totalMs, FailedStep = FailedStep, Failure = Failure,
                NotCleaned = _notCleaned.ToList(), Next = _next,
            };
            if (Waiting is null) await RecordAsync(report).ConfigureAwait(false);
            return report;
        }

        /// <summary>The report row: Succeeded for a passing drill, Failed otherwise; it alerts (DRILL PASSED / DRILL FAILED).</summary>
        private async Task RecordAsync(DrillReport report)
        {
            using var budget = new CancellationTokenSource(CleanupBudget);
            var summary = new
            {
                status = report.Status.ToString(), timeToRevokeMs = report.TimeToRevokeMs, mttrTargetMinutes = report.MttrTargetMinutes,
                totalMs = report.TotalMs, failedStep = report.FailedStep, failure = report.Failure, notCleaned = report.NotCleaned,
                steps = report.Steps.Select(s => new { s.Name, s.Status, s.Ms }),
            };
            try
            {
                await Main.RunAsync(new DrillStepOperation(state, DrillRecords.Report,
                    _ => Task.FromResult(new DrillCheck(report.Passed, report.Passed
                        ? $"passed: time to revoke {report.TimeToRevokeMs?.ToString() ?? "-"} ms (target {report.MttrTargetMinutes} min), total {report.TotalMs} ms"
                        : $"{report.Status} at {report.FailedStep}: {report.Failure}")), alerts: true) { Report = summary }, budget.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationFailedException or KeyMgmtException or OperationCanceledException)
            {
                // A failed drill's report row is a Failed row: the runner has written it and alerted; nothing more to do.
                if (ex is not OperationFailedException { Outcome: AuditOutcome.Failed } || report.Passed)
                    drill._events.Warning($"The drill's report row could not be written: {ex.Message}");
            }
        }
    }
}
