using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>Reads the audit trail, newest first, filtered by key, operation, incident, change, time or environment
/// (-Environment also picks that environment's store).</summary>
[Cmdlet(VerbsCommon.Get, "KeyAuditLog")]
[OutputType(typeof(AuditRecord))]
public sealed class GetKeyAuditLogCommand : AuditCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateKeyReference]
    public string? KeyId { get; set; }

    [Parameter]
    [ValidateFormat(@"^[A-Z_]{2,40}\z", "an operation name in capitals, e.g. REVOKE, RECOVER, ROTATE, APPROVE")]
    public string? Operation { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? IncidentId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ChangeId { get; set; }

    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    public DateTime? Until { get; set; }

    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int? Last { get; set; }

    private AuditLocation? _located;
    private IAuditStore? _store;

    protected override void ProcessRecord()
    {
        if (Since is { } s && Until is { } u && u < s)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Until ({u:u}) is before -Since ({s:u}): expected -Since <= -Until."),
                "InvalidTimeRange", ErrorCategory.InvalidArgument, null));
        // -Environment picks that environment's store and keeps its rows only. A name no configuration knows (rows of
        // an environment since removed) still filters the session's or the default store.
        _located ??= Environment is not null && Context.Environments.Find(Environment) is null
            ? Context.Audit.Locate((string?)null)
            : LocateStore();
        _store ??= WithStore(_located, () => Context.Audit.Open(_located));
        var query = new AuditQuery
        {
            KeyId = KeyId,
            Operation = Operation,
            IncidentId = IncidentId,
            ChangeId = ChangeId,
            Since = Since is { } since ? new DateTimeOffset(since.ToUniversalTime()) : null,
            Until = Until is { } until ? new DateTimeOffset(until.ToUniversalTime()) : null,
            Environment = Environment,
            Last = Last,
        };
        foreach (var record in WithStore(_located, () => _store.Query(query))) WriteObject(record);
    }
}
