namespace BuzzKeyMgmt.Sandbox.Realism;

/// <summary>The outcome of fault injection for one request: extra delay and at most one failure.</summary>
internal readonly record struct FaultDecision(TimeSpan Delay, FaultKind? Failure);

/// <summary>Holds the active <see cref="FaultRule"/>s; checked for every authenticated request.</summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private FaultRule[] _rules = [];

    /// <summary>Adds a rule; rules apply in the order they were added (all latency rules add up).</summary>
    public FaultRule Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_gate) _rules = [.. _rules, rule];
        return rule;
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate) _rules = [];
    }

    public IReadOnlyList<FaultRule> Rules => _rules;

    internal FaultDecision Decide(string service, string operation)
    {
        var rules = _rules;
        if (rules.Length == 0) return default;
        var delay = TimeSpan.Zero;
        FaultKind? failure = null;
        foreach (var rule in rules)
        {
            if (!rule.Matches(service, operation)) continue;
            if (rule.Kind == FaultKind.Latency)
            {
                if (rule.TryApply()) delay += rule.Delay;
            }
            else if (failure is null && rule.TryApply()) failure = rule.Kind;
        }
        return new FaultDecision(delay, failure);
    }
}
