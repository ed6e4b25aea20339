using System.Text.Json;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Operations.Runner;

/// <summary>
/// The two audit rows of one operation, sharing an OperationId: a Started row (with the intent) before anything
/// changes, and a Completed row with the outcome, per-step timings, error and the id of the alert that will follow. Who:
/// OperatorArn is the session that asked (Started) and the identity that acted (Completed: the assumed-role ARN when an
/// Admin session took the Emergency or Recovery role); the base identity behind both is in Details (baseIdentityArn);
/// the operator and OS user in OperatorName. Where (host, address) come from the context's <see cref="ClientHost"/>;
/// what and why from the operation. A Started row may go to the journal only for an emergency (any other operation is
/// refused without it); a Completed row always may, because by then a change may have been made and must not go
/// unrecorded. Journaling warns once per operation (again when the Completed row went to another journal than the Started row).
/// </summary>
public sealed class OperationAudit
{
    private readonly AuditTrail _trail;
    private readonly AuditEntry _template;
    private readonly Action<string> _warn;

    public OperationAudit(AuditTrail trail, KeyMgmtSession session, ClientHost host, string operation, bool isEmergency,
        string? incidentId, string? changeId, string? reason, Action<string> warn, Guid? operationId = null, string? drillId = null)
    {
        _drillId = drillId;
        _trail = trail;
        _warn = warn;
        _template = new AuditEntry
        {
            OperationId = operationId ?? Guid.NewGuid(),
            Environment = session.Environment,
            Operation = operation,
            IsEmergency = isEmergency,
            IncidentId = incidentId,
            ChangeId = changeId,
            Reason = reason,
            OperatorArn = session.CallerArn,
            OperatorName = $"{session.Operator} ({host.UserName})",
            ClientHost = host.MachineName,
            ClientAddress = host.Address,
        };
        Clock = session.Clock;
        _baseIdentityArn = session.BaseCallerArn;
    }

    private readonly string _baseIdentityArn;
    private readonly string? _drillId;

    private TimeProvider Clock { get; }
    public bool Journaled { get; private set; }
    public Guid OperationId => _template.OperationId;
    public AuditRecord? StartedRecord { get; private set; }

    public AuditRecord Started(ResolvedKey key, string intent) =>
        StartedRecord = Append(_template with
        {
            AuditId = Guid.NewGuid(), Phase = AuditPhase.Started, Outcome = AuditOutcome.Pending, KeyId = key.KeyId, KeyArn = key.Arn,
            Alias = key.Alias, Details = _drillId is null ? JsonSerializer.Serialize(new { intent, baseIdentityArn = _baseIdentityArn })
                : JsonSerializer.Serialize(new { intent, baseIdentityArn = _baseIdentityArn, drillId = _drillId }),
        }, allowJournal: _template.IsEmergency);

    public AuditRecord Completed(Guid auditId, ResolvedKey key, AuditOutcome outcome, long durationMs, string? errorCode, string? errorMessage,
        string? alertId, object details, string? actingArn = null, string? approvals = null) =>
        Append(_template with
        {
            AuditId = auditId, Phase = AuditPhase.Completed, Outcome = outcome, KeyId = key.KeyId, KeyArn = key.Arn, Alias = key.Alias,
            OperatorArn = actingArn ?? _template.OperatorArn, Approvals = approvals,
            DurationMs = durationMs, ErrorCode = errorCode, ErrorMessage = Truncate(errorMessage, 2000),
            AlertMessageId = alertId, Details = JsonSerializer.Serialize(details),
        }, allowJournal: true);

    private AuditRecord Append(AuditEntry entry, bool allowJournal)
    {
        var result = _trail.Append(entry with { OccurredAtUtc = Clock.GetUtcNow() }, allowJournal);
        if (result.Journaled)
        {
            // One warning per operation and journal: a Completed row that went elsewhere than its Started row says so.
            if (result.Warning is not null && (!Journaled || result.JournalPath != _warnedJournal)) _warn(result.Warning);
            _warnedJournal = result.JournalPath;
            Journaled = true;
        }
        return result.Record;
    }

    private string? _warnedJournal;

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";
}
