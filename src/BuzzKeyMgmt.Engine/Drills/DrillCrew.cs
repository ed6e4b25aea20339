using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Training;

namespace BuzzKeyMgmt.Engine.Drills;

/// <summary>
/// The people a drill needs besides its operator: the MFA codes for the Emergency and Recovery roles, and two approvers.
/// In the sandbox (the environment the running sandbox registered) the crew is the sandbox's own: codes read from its
/// MFA devices at the moment they are needed (each is accepted once), approvers connected as sandbox-approver1 and
/// sandbox-approver2. Anywhere else it is what the operator passed: -MfaCode, -RecoveryMfaCode, -ApproverSession.
/// </summary>
internal sealed class DrillCrew : IDisposable
{
    private readonly KeyMgmtContext _context;
    private readonly KeyMgmtSession _session;
    private readonly DrillPlan _plan;
    private readonly Sandbox.SandboxServer? _sandbox;
    private readonly List<KeyMgmtSession> _connected = new();

    public DrillCrew(KeyMgmtContext context, KeyMgmtSession session, DrillPlan plan)
    {
        _context = context;
        _session = session;
        _plan = plan;
        _sandbox = context.Sandbox.Current is { } server && session.EnvironmentInfo.Source == "session"
                   && string.Equals(session.EnvironmentInfo.EndpointUrl, server.Endpoint, StringComparison.OrdinalIgnoreCase)
            ? server : null;
    }

    public bool IsSandbox => _sandbox is not null;

    public string? EmergencyCode() => _plan.MfaCode ?? SandboxCode();

    public string? RecoveryCode() => _plan.RecoveryMfaCode ?? SandboxCode();

    private string? SandboxCode() =>
        _sandbox is not null && _session.EnvironmentInfo.MfaSerialNumber is { } serial ? _sandbox.GetMfaCode(serial) : null;

    /// <summary>Up to <paramref name="needed"/> approvers: the sessions passed in (never the operator's own), else the
    /// sandbox's approvers.</summary>
    public async Task<IReadOnlyList<KeyMgmtSession>> ApproversAsync(int needed, string changeId, CancellationToken stop)
    {
        if (_plan.Approvers.Count > 0 || _sandbox is null)
            return _plan.Approvers.Where(a => !a.IsClosed && a.BaseCallerArn != _session.BaseCallerArn).Take(needed).ToList();
        if (_connected.Count < Math.Min(needed, 2))
        {
            // Both at once, as two people would be at their own machines.
            var connecting = Enumerable.Range(_connected.Count + 1, Math.Min(needed, 2) - _connected.Count)
                .Select(n => _context.ConnectAsync(new ConnectRequest($"{SandboxHost.EnvironmentName}-approver{n}", KeyMgmtRole.Admin, ChangeId: changeId), stop));
            _connected.AddRange(await Task.WhenAll(connecting).ConfigureAwait(false));
        }
        return _connected.Take(needed).ToList();
    }

    public void Dispose()
    {
        foreach (var s in _connected) s.Dispose();
        _connected.Clear();
    }
}
