using System.Diagnostics;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Operations.Runner;

/// <summary>
/// One run of one operation: the session, its role session once taken, the quota gates of its account-Region, the audit
/// rows, per-step timings, warnings and events. It owns the two tokens of a stop: <see cref="Stop"/> (Ctrl+C) ends
/// everything until a change was sent; from then on <see cref="Token"/> is a grace token that lets the change finish and
/// be read back for <see cref="OperationRunner.GracePeriod"/> after the stop, so the audit records the key's real state.
/// </summary>
public sealed class OperationRun : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, long> _steps = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = new();
    private readonly CancellationTokenSource _grace = new();
    private readonly CancellationTokenRegistration _onStop;

    internal OperationRun(KeyMgmtSession session, AuditTrail trail, KmsQuotaGates gates, IEngineEvents events, AlertSender? alerts,
        CancellationToken stop, TimeSpan grace)
    {
        Session = session;
        Trail = trail;
        Gates = gates;
        Events = events;
        Alerts = alerts;
        Stop = stop;
        _onStop = stop.Register(() => _grace.CancelAfter(grace));
    }

    public KeyMgmtSession Session { get; }

    /// <summary>The session holding the operation's role (the caller's own when it holds it, or none is needed).</summary>
    public KeyMgmtSession? RoleSession { get; internal set; }
    public AuditTrail Trail { get; }
    public IAuditStore Store => Trail.Store;
    public KmsQuotaGates Gates { get; }
    public IEngineEvents Events { get; }
    internal AlertSender? Alerts { get; }
    public CancellationToken Stop { get; }

    /// <summary>True once a change was sent to AWS: a stop then no longer cancels the calls in flight.</summary>
    public bool ChangeSent { get; private set; }

    /// <summary>The token every call of this run uses: the stop until a change was sent, then the grace token.</summary>
    public CancellationToken Token => ChangeSent ? _grace.Token : Stop;

    public ResolvedKey Target { get; internal set; } = new("", null, null, null);

    /// <summary>The key's state when the run began (to tell "nothing changed" after a stop).</summary>
    public string? InitialState => Target.Metadata?.KeyState?.Value;
    public ReadBack? ReadBack { get; internal set; }
    public OperationAudit Audit { get; internal set; } = null!;
    public AuditRecord? CompletedRecord { get; internal set; }

    /// <summary>The chain head the Completed row reached and the signed digest covering it (Audit/Anchoring/AuditAnchor).</summary>
    public Audit.Anchoring.AuditAnchorResult? Anchor { get; internal set; }
    public AuditOutcome Outcome { get; internal set; } = AuditOutcome.Pending;
    public AlertSendResult? Alert { get; internal set; }
    public string? AlertId { get; internal set; }
    public bool Stopped { get; internal set; }

    /// <summary>The key was already as wanted: nothing was sent (e.g. revoking a key that is already disabled).</summary>
    public bool NoChangeNeeded { get; internal set; }

    /// <summary>The failure came after a change was attempted (alerted as failed, not refused).</summary>
    public bool FailureFollowsAChange { get; internal set; }

    public DateTimeOffset Now => Session.Clock.GetUtcNow();
    public TimeSpan Elapsed => _clock.Elapsed;
    public IReadOnlyDictionary<string, long> Steps => _steps;
    public IReadOnlyList<string> Warnings => _warnings;
    public bool Journaled => Audit?.Journaled ?? false;

    public void Warn(string message)
    {
        _warnings.Add(message);
        Events.Warning(message);
    }

    public void Say(string message) => Events.Step(message);

    /// <summary>Detail below a step (-Debug): a retry, a throttling pause, a wait at a quota gate, a read-back read again.</summary>
    public void Debug(string message) => Events.Debug(message);

    /// <summary>Times one step and records it for the Completed row.</summary>
    public async Task<T> StepAsync<T>(string name, Func<Task<T>> step)
    {
        var started = _clock.ElapsedMilliseconds;
        try
        {
            return await step().ConfigureAwait(false);
        }
        finally
        {
            _steps[name] = _clock.ElapsedMilliseconds - started;
        }
    }

    public async Task StepAsync(string name, Func<Task> step) =>
        await StepAsync<bool>(name, async () => { await step().ConfigureAwait(false); return true; }).ConfigureAwait(false);

    /// <summary>An emergency's budget for retrying throttled KMS calls (<see cref="ThrottleBudget"/>, 2 minutes per run);
    /// null for other operations, whose throttled calls end after the SDK's own retries.</summary>
    public ThrottleBudget? Throttle { get; internal set; }

    /// <summary>A KMS call at the operation's quota gate with <see cref="Token"/>, told to -Verbose with its request id and
    /// time (unless <paramref name="quiet"/>: the caller tells it in its own step's line). Reads go through the caller's
    /// session; <paramref name="asRole"/> uses the role session. An emergency run uses the session's emergency client and
    /// retries throttled answers within <see cref="Throttle"/>, each try at the gate; a wait at the gate and each throttled
    /// retry are told to -Debug.</summary>
    public async Task<T> KmsAsync<T>(string operation, Func<IAmazonKeyManagementService, CancellationToken, Task<T>> call, bool asRole = false,
        bool quiet = false)
        where T : AmazonWebServiceResponse
    {
        var session = asRole ? RoleSession ?? Session : Session;
        var kms = Throttle is null ? session.Kms : session.Clients.KmsEmergency();
        var token = Token;
        var started = Stopwatch.GetTimestamp();
        async Task<T> Attempt(CancellationToken t)
        {
            var gate = Gates.WaitAsync(operation, t);
            if (!gate.IsCompletedSuccessfully)
            {
                var waiting = Stopwatch.GetTimestamp();
                await gate.ConfigureAwait(false);
                Debug($"{operation} waited {Stopwatch.GetElapsedTime(waiting).TotalMilliseconds:0} ms at the account's {operation} quota gate.");
            }
            using (SdkAttempts.Begin(operation, Debug)) return await call(kms, t).ConfigureAwait(false);
        }
        var response = Throttle is null
            ? await Attempt(token).ConfigureAwait(false)
            : await Throttle.RunAsync(operation, Attempt, token, Debug).ConfigureAwait(false);
        LastCall = $"{operation} request id {response.ResponseMetadata?.RequestId ?? "none"}, {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms";
        if (!quiet) Say($"{operation} answered ({LastCall.Substring(operation.Length + 1)}).");
        return response;
    }

    /// <summary>The last KMS call of this run, as told: "DescribeKey request id …, 12 ms".</summary>
    public string? LastCall { get; private set; }

    /// <summary>
    /// A KMS call that changes the key, as the role session. Refused when a stop came first (nothing is sent after Ctrl+C);
    /// once sent it is not cancelled by a stop: it finishes, within the grace period, and is read back.
    /// </summary>
    public Task<T> ChangeAsync<T>(string step, string operation, Func<IAmazonKeyManagementService, CancellationToken, Task<T>> call)
        where T : AmazonWebServiceResponse
    {
        Stop.ThrowIfCancellationRequested();
        ChangeSent = true;
        return StepAsync(step, () => KmsAsync(operation, call, asRole: true));
    }

    /// <summary>A change of the audit store itself (a recovery request, an approval): same stop rule as AWS changes.</summary>
    public T StoreChange<T>(string step, Func<T> change)
    {
        Stop.ThrowIfCancellationRequested();
        ChangeSent = true;
        var started = _clock.ElapsedMilliseconds;
        try
        {
            return change();
        }
        finally
        {
            _steps[step] = _clock.ElapsedMilliseconds - started;
        }
    }

    /// <summary>Reads the key back until it shows <paramref name="expected"/> (bounded; see <see cref="KeyStateWaiter"/>).</summary>
    public async Task<(bool Reached, KeyMetadata Last)> WaitForStateAsync(string keyId, KeyState expected)
    {
        var kms = Throttle is null ? Session.Kms : Session.Clients.KmsEmergency();
        var started = Stopwatch.GetTimestamp();
        var (reached, last, reads) = await KeyStateWaiter.WaitForAsync(kms, Gates, keyId, expected, Token, Throttle, Debug).ConfigureAwait(false);
        var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Say(reached ? $"Read back: {Target.Display} is {last.KeyState} ({reads} read(s), {took:0} ms)."
            : $"Read back: {Target.Display} still reads {last.KeyState} after {reads} reads ({took:0} ms), {expected} expected.");
        return (reached, last);
    }

    /// <summary>Reads until <paramref name="reached"/> holds, with the same bounded pauses as a key's state
    /// (<see cref="KeyStateWaiter.Pauses"/>); returns the last read and whether it held.</summary>
    public async Task<(bool Reached, T Last, int Reads)> WaitUntilAsync<T>(Func<CancellationToken, Task<T>> read, Func<T, bool> reached)
    {
        T last = default!;
        var reads = 0;
        foreach (var pause in KeyStateWaiter.Pauses)
        {
            if (pause > TimeSpan.Zero) await Task.Delay(pause, Token).ConfigureAwait(false);
            last = await read(Token).ConfigureAwait(false);
            reads++;
            if (reached(last)) return (true, last, reads);
        }
        return (false, last, reads);
    }

    /// <summary>A failure in this run's words: store refusals keep their codes, AWS errors name the key.</summary>
    public KeyMgmtException Explain(Exception failure, string purpose) => failure switch
    {
        KeyMgmtException known => known,
        AuditStoreException a => new KeyMgmtException(a is AuditStoreUnavailableException ? "AuditStoreUnavailable" : a.Code,
            a.Code is AuditErrorCodes.SelfApproval or AuditErrorCodes.DuplicateApproval ? FailureKind.PermissionDenied
                : a is AuditStoreUnavailableException ? FailureKind.ResourceUnavailable : FailureKind.InvalidOperation,
            a is AuditStoreUnavailableException
                ? $"Refused: the audit store cannot be reached, and {purpose.ToLowerInvariant()} is only done with its audit record. {a.Message}"
                : a.Message,
            a is AuditStoreUnavailableException ? "Bring the audit store back (Test-KeyMgmtEnvironment), then retry." : null, a),
        _ => AwsErrors.Translate(failure, purpose + " of", Target.Display.Length > 0 ? Target.Display : null, Session.Environment),
    };

    internal void Record(string step, long milliseconds) => _steps[step] = milliseconds;

    public void Dispose()
    {
        _onStop.Dispose();
        _grace.Dispose();
    }
}
