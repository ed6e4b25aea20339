using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Operations;

/// <summary>
/// The audit rows of one operation: a Started row before anything changes and a Completed row with the outcome,
/// per-step timings, error and alert id, both sharing an OperationId. Who (caller ARN, operator, OS user), where (host,
/// address), what and why come from the session and the request. Rows that cannot reach the store go to the journal
/// when the trail allows it (emergency operations); <see cref="Journaled"/> then says so. When the operation's
/// outcome is known, its alert goes out first (SNS, or the outbox when SNS fails: never blocking the action) so the
/// Completed row can carry the alert's message id; the alert carries the Completed row's audit id.
/// </summary>
public sealed class OperationAudit
{
    private readonly AuditTrail _trail;
    private readonly AuditEntry _template;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, long> _steps = new(StringComparer.Ordinal);

    private readonly AlertSender? _alerts;
    private readonly KeyMgmtSession _session;

    public OperationAudit(AuditTrail trail, KeyMgmtSession session, string operation, bool isEmergency,
        string? incidentId, string? changeId, string? reason, AlertSender? alerts = null)
    {
        _trail = trail;
        _alerts = alerts;
        _session = session;
        _template = new AuditEntry
        {
            OperationId = Guid.NewGuid(),
            Environment = session.Environment,
            Operation = operation,
            IsEmergency = isEmergency,
            IncidentId = incidentId,
            ChangeId = changeId,
            Reason = reason,
            OperatorArn = session.CallerArn,
            OperatorName = $"{session.Operator} ({Environment.UserName})",
            ClientHost = Environment.MachineName,
            ClientAddress = LocalAddress(),
        };
        Clock = session.Clock;
    }

    private TimeProvider Clock { get; }
    public bool Journaled { get; private set; }

    /// <summary>How the operation's alert went (null when the environment has no alert topic).</summary>
    public AlertSendResult? Alert { get; private set; }
    public List<string> Warnings { get; } = new();
    public Guid OperationId => _template.OperationId;
    public TimeSpan Elapsed => _clock.Elapsed;
    public IReadOnlyDictionary<string, long> Steps => _steps;

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

    public AuditRecord Started(string? keyId, string? keyArn, string? alias) =>
        Append(_template with { AuditId = Guid.NewGuid(), Phase = AuditPhase.Started, Outcome = AuditOutcome.Pending, KeyId = keyId, KeyArn = keyArn, Alias = alias });

    public AuditRecord Completed(string? keyId, string? keyArn, string? alias, AuditOutcome outcome, string? errorCode = null,
        string? errorMessage = null, object? details = null)
    {
        var auditId = Guid.NewGuid();
        if (_alerts is not null)
        {
            Alert = _alerts.Send(new KeyAlert
            {
                Environment = _template.Environment, Operation = _template.Operation,
                Outcome = outcome == AuditOutcome.Succeeded ? KeyAlert.Succeeded : KeyAlert.Failed,
                KeyId = keyId, KeyArn = keyArn, Alias = alias, IncidentId = _template.IncidentId, ChangeId = _template.ChangeId,
                Operator = _session.Operator, OperatorArn = _session.CallerArn, ErrorCode = errorCode, ErrorMessage = errorMessage,
                Timings = new Dictionary<string, long>(_steps), AuditId = auditId.ToString(), OccurredAtUtc = Clock.GetUtcNow(), Journaled = Journaled,
            });
            if (Alert.Delivery != AlertDelivery.Published)
                Warnings.Add($"The alert could not be published ({Alert.ErrorCode}: {Alert.ErrorMessage}); it is {(Alert.Delivery == AlertDelivery.Queued ? "queued in " + Alert.OutboxPath + " and will be retried by Sync-KeyAuditJournal" : "LOST: the outbox could not be written")}.");
        }
        return Append(_template with
        {
            AuditId = auditId, Phase = AuditPhase.Completed, Outcome = outcome, KeyId = keyId, KeyArn = keyArn, Alias = alias,
            DurationMs = _clock.ElapsedMilliseconds, ErrorCode = errorCode, ErrorMessage = Truncate(errorMessage, 2000),
            AlertMessageId = Alert?.MessageId,
            Details = JsonSerializer.Serialize(new { steps = _steps, details, alert = Alert?.Delivery.ToString() }),
        });
    }

    private AuditRecord Append(AuditEntry entry)
    {
        var result = _trail.Append(entry with { OccurredAtUtc = Clock.GetUtcNow() });
        if (result.Journaled)
        {
            if (!Journaled && result.Warning is not null) Warnings.Add(result.Warning);   // one warning per operation
            Journaled = true;
        }
        return result.Record;
    }

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string? LocalAddress()
    {
        try
        {
            return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString();
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
