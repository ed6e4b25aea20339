using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Drills;

/// <summary>What a drill step found: whether it proved what it should, and what it saw.</summary>
public sealed record DrillCheck(bool Passed, string Detail);

/// <summary>
/// One step of a drill on the operation path: a DRILL Started row, the work (as the Admin role, on the drill's own key),
/// a DRILL Completed row with the step's name, what it found and the drill's state, linked by the DrillId. A step that
/// does not prove what it should is a Failed row naming what it saw. Only the drill's report step alerts.
/// </summary>
internal sealed class DrillStepOperation : KeyOperation<DrillStep>
{
    private readonly DrillState _state;
    private readonly string _step;
    private readonly Func<OperationRun, Task<DrillCheck>> _work;
    private readonly bool _alerts;
    private DrillCheck? _check;

    public DrillStepOperation(DrillState state, string step, Func<OperationRun, Task<DrillCheck>> work, bool alerts = false)
    {
        _state = state;
        _step = step;
        _work = work;
        _alerts = alerts;
        DrillId = state.DrillId;
        ChangeId = state.ChangeId;
        Reason = $"drill {state.DrillId} ({state.Scenario}): {step}";
    }

    /// <summary>More of the drill's state for this row (e.g. what a waiting drill waits for).</summary>
    public IReadOnlyDictionary<string, string?>? MoreData { get; init; }

    /// <summary>The drill's outcome, on its report row (Get-KeyDrillHistory reads it).</summary>
    public object? Report { get; init; }

    public override string AuditName => AuditOperations.Drill;
    public override KeyMgmtRole Role => KeyMgmtRole.Admin;
    public override string Purpose => $"Drill step {_step}";
    public override bool SendsAlert => _alerts;

    /// <summary>The drill's own key as the drill knows it: no lookup (the steps read what they need).</summary>
    protected internal override Task<ResolvedKey> ResolveAsync(OperationRun run) =>
        Task.FromResult(new ResolvedKey(_state.KeyId ?? "", _state.KeyArn, _state.Alias, null));

    protected internal override string Intent(OperationRun run) => $"Drill {_state.DrillId}: {_step}";

    protected internal override async Task ActAsync(OperationRun run) => _check = await _work(run).ConfigureAwait(false);

    protected internal override Task<ReadBack> ReadBackAsync(OperationRun run) =>
        Task.FromResult(new ReadBack(_check!.Passed, _check.Passed ? "Passed" : "Failed", _check.Detail));

    protected internal override string NotVerified(OperationRun run, ReadBack readBack) => $"Drill step {_step}: {_check?.Detail}";

    /// <summary>The step, what it found and the drill's state after it (what a resumed drill starts from).</summary>
    protected internal override object? Details(OperationRun run) => new
    {
        step = _step, scenario = _state.Scenario.ToString(), detail = _check?.Detail, data = Data(), report = Report,
    };

    private Dictionary<string, string?> Data()
    {
        var data = _state.Data();
        if (MoreData is not null) foreach (var (k, v) in MoreData) data[k] = v;
        return data;
    }

    protected internal override DrillStep Result(OperationRun run) =>
        new(_step, "Passed", (long)run.Elapsed.TotalMilliseconds, _check?.Detail ?? "", run.CompletedRecord?.AuditId);
}
