using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Rotation;

/// <summary>
/// Turns a key's automatic rotation on with a period (EnableKeyRotation, 90-2560 days, default the policy's) or off
/// (DisableKeyRotation), as the Admin role, read back with GetKeyRotationStatus. A period longer than the policy's is
/// refused unless forced. Audited as ROTATE_POLICY; only a failure is alerted (the summary of a bulk run is the
/// cmdlet's). A key that already rotates as asked is audited as such and nothing is sent.
/// </summary>
public sealed class RotationPolicyChange : KeyOperation<RotationPolicyResult>
{
    private readonly int? _period;
    private readonly bool _disable;
    private readonly int _policyDays;
    private readonly bool _force;
    private GetKeyRotationStatusResponse? _before;

    public RotationPolicyChange(KeyReference key, int? periodDays, bool disable, int policyDays, bool force, string? changeId, string? incidentId)
    {
        Key = key;
        _period = periodDays;
        _disable = disable;
        _policyDays = policyDays;
        _force = force;
        ChangeId = changeId;
        IncidentId = incidentId;
        Reason = disable ? "turn automatic rotation off" : $"rotate automatically every {Period} days";
    }

    private int Period => _period ?? _policyDays;

    public override string AuditName => AuditOperations.RotationPolicy;
    public override KeyMgmtRole Role => KeyMgmtRole.Admin;
    public override string Purpose => "Setting the rotation policy";
    public override bool AlertsOn(AuditOutcome outcome) => outcome != AuditOutcome.Succeeded;

    protected internal override void Validate(OperationRun run)
    {
        if (_disable && _period is not null)
            throw new KeyMgmtException("RotationPeriodWithDisable", FailureKind.InvalidArgument, "-RotationPeriodDays applies only when rotation is turned on, not with -Disable.");
        if (Period is < 90 or > 2560)
            throw new KeyMgmtException("RotationPeriodOutOfRange", FailureKind.InvalidArgument, $"A rotation period is 90 to 2560 days (KMS's range); {Period} was given.");
        if (!_disable && Period > _policyDays && !_force)
            throw new KeyMgmtException("PeriodLongerThanPolicy", FailureKind.InvalidArgument,
                $"{Period} days is longer than the policy's rotation period of {_policyDays} days (Get-KeyMgmtPolicy).",
                "Use -RotationPeriodDays of at most the policy's period, or -Force to set a longer one on purpose.");
    }

    protected internal override string Intent(OperationRun run) =>
        _disable ? $"Turn automatic rotation of {run.Target.Display} off" : $"Rotate {run.Target.Display} automatically every {Period} days";

    protected internal override async Task CheckAsync(OperationRun run)
    {
        RotationRules.RequireRotatable(run, Purpose);
        _before = await RotationRules.StatusAsync(run).ConfigureAwait(false);
        if (_disable) run.Warn($"Turning automatic rotation of {run.Target.Display} off: it will fall out of the {_policyDays}-day policy.");
        else if (Period > _policyDays) run.Warn($"{run.Target.Display} will rotate every {Period} days, longer than the policy's {_policyDays} (forced).");
    }

    protected internal override bool NeedsChange(OperationRun run) => _disable
        ? _before?.KeyRotationEnabled == true
        : _before?.KeyRotationEnabled != true || _before.RotationPeriodInDays != Period;

    protected internal override ReadBack Unchanged(OperationRun run) => new(true, Describe(_before));

    protected internal override Task ActAsync(OperationRun run) => _disable
        ? run.ChangeAsync("disableRotation", "DisableKeyRotation", (kms, t) => kms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = run.Target.KeyId }, t))
        : run.ChangeAsync("enableRotation", "EnableKeyRotation", (kms, t) => kms.EnableKeyRotationAsync(
            new EnableKeyRotationRequest { KeyId = run.Target.KeyId, RotationPeriodInDays = Period }, t));

    private GetKeyRotationStatusResponse? _after;

    protected internal override async Task<ReadBack> ReadBackAsync(OperationRun run)
    {
        var (reached, last, _) = await run.WaitUntilAsync(
            t => run.Session.Kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = run.Target.KeyId }, t),
            s => _disable ? s.KeyRotationEnabled != true : s.KeyRotationEnabled == true && s.RotationPeriodInDays == Period).ConfigureAwait(false);
        _after = last;
        run.Say($"Read back: automatic rotation of {run.Target.Display} is {Describe(last)}.");
        return new ReadBack(reached, Describe(last));
    }

    private static string Describe(GetKeyRotationStatusResponse? s) =>
        s?.KeyRotationEnabled == true ? $"on, every {s.RotationPeriodInDays} days" : "off";

    protected internal override string NotVerified(OperationRun run, ReadBack readBack) =>
        $"The rotation policy of {run.Target.Display} was sent but reads {readBack.State}.";

    protected internal override object? Details(OperationRun run) => new
    {
        before = Describe(_before), after = Describe(_after ?? _before), requestedPeriodDays = _disable ? (int?)null : Period, policyDays = _policyDays,
    };

    protected internal override RotationPolicyResult Result(OperationRun run)
    {
        var final = _after ?? _before;
        return new RotationPolicyResult
        {
            KeyId = run.Target.KeyId, Alias = run.Target.Alias, Environment = run.Session.Environment,
            PreviousRotationEnabled = _before?.KeyRotationEnabled == true, PreviousRotationPeriodDays = _before?.KeyRotationEnabled == true ? _before.RotationPeriodInDays : null,
            RotationEnabled = final?.KeyRotationEnabled == true, RotationPeriodDays = final?.KeyRotationEnabled == true ? final.RotationPeriodInDays : null,
            NextRotationDate = final?.KeyRotationEnabled == true ? KeyStatusMapper.Utc(final.NextRotationDate) : null,
            Changed = _after is not null, Verified = true, AuditId = run.CompletedRecord?.AuditId ?? Guid.Empty, Journaled = run.Journaled,
            Warnings = run.Warnings, DurationMs = (long)run.Elapsed.TotalMilliseconds,
        };
    }
}
