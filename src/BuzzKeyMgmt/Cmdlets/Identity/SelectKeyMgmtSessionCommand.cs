using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Cmdlets.Identity;

/// <summary>Makes an open session the current one (the one cmdlets use without -Session), by name or as an object.</summary>
[Cmdlet(VerbsCommon.Select, "KeyMgmtSession", DefaultParameterSetName = NameSet)]
[OutputType(typeof(KeyMgmtSession))]
public sealed class SelectKeyMgmtSessionCommand : KeyMgmtCmdlet
{
    private const string NameSet = "ByName";
    private const string SessionSet = "BySession";

    [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.SessionNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(ParameterSetName = SessionSet, Mandatory = true, ValueFromPipeline = true)]
    public KeyMgmtSession? Session { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private KeyMgmtSession? _selected;

    protected override void ProcessRecord()
    {
        try
        {
            _selected = Session is not null ? Context.Sessions.Select(Session) : Context.Sessions.Select(Name);
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, (object?)Session ?? Name));
        }
    }

    protected override void EndProcessing()
    {
        if (_selected is null) return;
        WriteVerbose($"'{_selected.Name}' is now the current session ({_selected.CallerArn}).");
        if (_selected.IsExpired)
            WriteWarning($"'{_selected.Name}' expired at {_selected.ExpiresAt:u}. Reconnect: Connect-KeyManagement -Environment {_selected.Environment} -Role {_selected.Role}.");
        if (PassThru) WriteObject(_selected);
    }
}
