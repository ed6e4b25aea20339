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
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string? KeyId { get; set; }

    /// <summary>One of the known operations (REVOKE, RECOVER, ROTATE, APPROVE …), in any case.</summary>
    [Parameter]
    [ValidateAuditOperation]
    [ArgumentCompleter(typeof(Completion.OperationCompleter))]
    public string? Operation { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, 64)]
    public string? IncidentId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, 64)]
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
    private string? _environment;

    protected override void ProcessRecord()
    {
        if (Since is { } s && Until is { } u && u < s)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Until ({u:u}) is before -Since ({s:u}): expected -Since <= -Until."),
                "InvalidTimeRange", ErrorCategory.InvalidArgument, null));
        // -Environment picks that environment's store and keeps its rows only (any case: Sandbox is sandbox). A name no
        // configuration knows is an error, as in Test-KeyAuditIntegrity, unless the session's (or the default) store
        // holds rows of it (an environment since removed from the file): a typo never reads as "no rows".
        if (_located is null)
        {
            Engine.Configuration.KeyMgmtEnvironment? known = null;
            try
            {
                known = Environment is null ? null : Context.Environments.Find(Environment);
            }
            catch (Engine.Configuration.ConfigurationException ex)
            {
                ThrowTerminatingError(ConfigurationError(ex));
            }
            if (Environment is not null && known is null)
            {
                _located = Session is not null ? Context.Audit.Locate(Session) : Context.Audit.Locate((string?)null);
                _store = WithStore(_located, () => Context.Audit.Open(_located));
                var located = _located;
                if (WithStore(located, () => _store.Query(new AuditQuery { Environment = Environment, Last = 1 })).Count == 0)
                {
                    try
                    {
                        Context.Environments.Require(Environment);
                    }
                    catch (Engine.KeyMgmtException ex)
                    {
                        ThrowTerminatingError(ToErrorRecord(new Engine.KeyMgmtException(ex.ErrorId, ex.Kind,
                            ex.Message.TrimEnd('.') + $", and {located.Display} holds no rows of it.", ex.RecommendedAction), Environment));
                    }
                }
            }
            else
            {
                _environment = known?.Name;
                _located = LocateStore();
            }
        }
        _store ??= WithStore(_located, () => Context.Audit.Open(_located));
        var query = new AuditQuery
        {
            KeyId = KeyId,
            Operation = AuditOperations.Canonical(Operation),
            IncidentId = IncidentId,
            ChangeId = ChangeId,
            Since = Since is { } since ? new DateTimeOffset(since.ToUniversalTime()) : null,
            Until = Until is { } until ? new DateTimeOffset(until.ToUniversalTime()) : null,
            Environment = _environment ?? Environment,
            Last = Last,
        };
        foreach (var record in WithStore(_located, () => _store.Query(query))) WriteObject(record);
    }
}
