using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Identity;

/// <summary>Connects to an environment with a role: base credentials from the AWS chain, the role assumed through
/// STS (Emergency and Recovery with MFA), the caller read back. The session is kept under a name (default
/// "&lt;environment&gt;/&lt;role&gt;") and becomes current, so later cmdlets use it; with -NoSwitch it is returned and kept
/// without becoming current (for an approver's session beside the operator's).</summary>
[Cmdlet(VerbsCommunications.Connect, "KeyManagement", DefaultParameterSetName = "Incident")]
[OutputType(typeof(KeyMgmtSession))]
public sealed class ConnectKeyManagementCommand : KeyMgmtCmdlet
{
    private const string IdPattern = @"^[A-Za-z0-9][A-Za-z0-9._-]{1,47}\z";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.EnvironmentCompleter))]
    public string Environment { get; set; } = "";

    /// <remarks>A string with a ValidateSet, not the engine's enum: a cmdlet class must hold no engine value type,
    /// because loading the class would need the engine before the module's resolver is registered.</remarks>
    [Parameter(Position = 1)]
    [ValidateSet("Admin", "Emergency", "Recovery", "None")]
    public string Role { get; set; } = "Admin";

    [Parameter]
    [ValidateFormat(@"^[0-9]{6}\z", "exactly 6 digits from your MFA device (an MFA code)")]
    public string? MfaCode { get; set; }

    [Parameter]
    [ValidateLength(9, 256)]
    public string? MfaSerialNumber { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ProfileNameCompleter))]
    public string? ProfileName { get; set; }

    [Parameter]
    [ValidateFormat(@"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]{1,2}\z", "e.g. us-east-1 (an AWS Region code)")]
    [ArgumentCompleter(typeof(Completion.RegionCompleter))]
    public string? Region { get; set; }

    [Parameter]
    [ValidateEndpointUrl]
    public string? EndpointUrl { get; set; }

    [Parameter(ParameterSetName = "Incident")]
    [ValidateFormat(IdPattern, "2-48 letters, digits, '.', '_' or '-', e.g. INC-2026-0042 (an incident id)")]
    public string? IncidentId { get; set; }

    [Parameter(ParameterSetName = "Change", Mandatory = true)]
    [ValidateFormat(IdPattern, "2-48 letters, digits, '.', '_' or '-', e.g. CHG-2026-0107 (a change id)")]
    public string? ChangeId { get; set; }

    /// <summary>The session's name in this PowerShell session (default "&lt;environment&gt;/&lt;role&gt;"); connecting again
    /// under a name replaces (closes) the session of that name.</summary>
    [Parameter]
    [ValidateFormat(@"^[A-Za-z0-9][A-Za-z0-9._/@+-]{0,99}\z", Engine.Context.SessionRegistry.NameRule)]
    public string? Name { get; set; }

    /// <summary>Also write the session (it becomes current either way, unless -NoSwitch).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Write the session and keep it without making it current: the current session stays as it is.</summary>
    [Parameter]
    public SwitchParameter NoSwitch { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            Context.Sessions.CheckName(Name, makeCurrent: !NoSwitch);   // before any AWS call: no MFA code is spent on it
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, Name));
        }
        var request = new ConnectRequest(Environment, Enum.Parse<KeyMgmtRole>(Role, ignoreCase: true), MfaCode, MfaSerialNumber, ProfileName, Region, EndpointUrl, IncidentId, ChangeId);
        KeyMgmtSession session;
        try
        {
            WriteVerbose($"Connecting to '{Environment}' as {Role}.");
            session = Await(Context.ConnectAsync(request, Cancellation));
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, Environment));
            return;
        }
        catch (ConfigurationException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ConfigurationInvalid", ErrorCategory.InvalidData, ex.File));
            return;
        }
        try
        {
            Context.Sessions.Add(session, makeCurrent: !NoSwitch, Name);
        }
        catch (KeyMgmtException ex)
        {
            session.Dispose();
            ThrowTerminatingError(ToErrorRecord(ex, Name));
        }
        WriteVerbose($"Connected '{session.Name}'{(NoSwitch ? " (not made current)" : " (current)")}: {session.CallerArn}, expires {(session.ExpiresAt is { } at ? at.ToString("u") : "never")}.");
        Display.Say(this, $"Connected to {session.Environment} as {session.Role} ({session.CallerArn}), " +
                          (session.ExpiresAt is { } until ? $"until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z." : "credentials do not expire.") +
                          (NoSwitch ? $" Session '{session.Name}' is not the current one (-NoSwitch)." : ""));
        if (PassThru || NoSwitch) WriteObject(session);
    }
}
