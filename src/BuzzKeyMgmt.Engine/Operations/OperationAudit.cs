using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Operations;

/// <summary>
/// The audit rows of one operation: a Started row before anything changes and a Completed row with the outcome,
/// per-step timings, error and alert id, both sharing an OperationId. Who (caller ARN, operator, OS user), where (host,
/// address), what and why come from the session and the request. Rows that cannot reach the store go to the journal
/// when the trail allows it (emergency operations); <see cref="Journaled"/> then says so.
/// </summary>
public sealed class OperationAudit
{
    private readonly AuditTrail _trail;
    private readonly AuditEntry _template;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, long> _steps = new(StringComparer.Ordinal);

    public OperationAudit(AuditTrail trail, KeyMgmtSession session, string operation, bool isEmergency,
        string? incidentId, string? changeId, string? reason)
    {
        _trail = trail;
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
        string? errorMessage = null, string? alertMessageId = null, object? details = null) =>
        Append(_template with
        {
            AuditId = Guid.NewGuid(), Phase = AuditPhase.Completed, Outcome = outcome, KeyId = keyId, KeyArn = keyArn, Alias = alias,
            DurationMs = _clock.ElapsedMilliseconds, ErrorCode = errorCode, ErrorMessage = Truncate(errorMessage, 2000),
            AlertMessageId = alertMessageId,
            Details = JsonSerializer.Serialize(new { steps = _steps, details }),
        });

    private AuditRecord Append(AuditEntry entry)
    {
        var result = _trail.Append(entry with { OccurredAtUtc = Clock.GetUtcNow() });
        if (result.Journaled)
        {
            Journaled = true;
            if (result.Warning is not null) Warnings.Add(result.Warning);
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
