namespace BuzzKeyMgmt.Sandbox.Realism;

/// <summary>What an injected fault does to a matching request.</summary>
public enum FaultKind
{
    /// <summary>KMS ThrottlingException 400 "Rate exceeded"; STS/SNS Throttling 400.</summary>
    Throttling,
    /// <summary>KMS KMSInternalException 500; SNS InternalError 500; STS InternalFailure 500.</summary>
    InternalError,
    /// <summary>KMS DependencyTimeoutException 503; STS/SNS ServiceUnavailable 503.</summary>
    DependencyTimeout,
    /// <summary>Adds <see cref="FaultRule.Delay"/> before the request is served normally.</summary>
    Latency,
    /// <summary>Closes the connection without any answer.</summary>
    DropConnection,
    /// <summary>Answers success without applying the change (KMS operations with an empty answer, such as DisableKey):
    /// the lost write that read-back verification exists to catch.</summary>
    SilentNoOp,
}

/// <summary>
/// One fault: which requests it hits (<see cref="Target"/> "KMS.DisableKey", "SNS.Publish", "STS.AssumeRole",
/// "KMS.*" or "*"), what it does, and how often: the next <see cref="Count"/> matching calls, or each matching call with
/// <see cref="Probability"/>. <see cref="Applied"/> counts the requests it actually hit.
/// </summary>
public sealed class FaultRule
{
    private int _remaining;
    private int _applied;

    private FaultRule(string target, FaultKind kind, int? count, double? probability, TimeSpan delay)
    {
        if (string.IsNullOrWhiteSpace(target)) throw new ArgumentException("A fault rule needs a target such as \"KMS.DisableKey\" or \"*\".", nameof(target));
        if (count is < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Count must be at least 1.");
        if (probability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(probability), probability, "Probability must be between 0 and 1.");
        if (kind == FaultKind.Latency && delay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delay), delay, "A latency fault needs a positive delay.");
        Target = target;
        Kind = kind;
        Count = count;
        Probability = probability;
        Delay = delay;
        _remaining = count ?? 0;
    }

    /// <summary>Hits the next <paramref name="count"/> matching calls.</summary>
    public static FaultRule Times(string target, FaultKind kind, int count, TimeSpan delay = default) => new(target, kind, count, null, delay);

    /// <summary>Hits each matching call with the given probability (1.0 = every call) until cleared.</summary>
    public static FaultRule WithProbability(string target, FaultKind kind, double probability, TimeSpan delay = default) =>
        new(target, kind, null, probability, delay);

    /// <summary>Adds <paramref name="delay"/> to every matching call (e.g. "*" and 15 ms for benchmarks).</summary>
    public static FaultRule Latency(string target, TimeSpan delay) => new(target, FaultKind.Latency, null, 1.0, delay);

    public string Target { get; }
    public FaultKind Kind { get; }
    public int? Count { get; }
    public double? Probability { get; }
    public TimeSpan Delay { get; }
    public int Applied => Volatile.Read(ref _applied);

    internal bool Matches(string service, string operation)
    {
        if (Target == "*") return true;
        int dot = Target.IndexOf('.');
        if (dot < 0) return false;
        return Target[..dot].Equals(service, StringComparison.OrdinalIgnoreCase)
               && (Target[(dot + 1)..] == "*" || Target[(dot + 1)..] == operation);
    }

    /// <summary>Decides whether this matching call is hit, consuming one of the counted uses.</summary>
    internal bool TryApply()
    {
        if (Count is not null)
        {
            if (Interlocked.Decrement(ref _remaining) < 0) { Interlocked.Increment(ref _remaining); return false; }
        }
        else if (Random.Shared.NextDouble() >= Probability!.Value) return false;
        Interlocked.Increment(ref _applied);
        return true;
    }
}
