using System.Diagnostics;

namespace BuzzKeyMgmt.Engine.Kms;

/// <summary>
/// Client-side pacing for one KMS operation, so fleet work stays inside AWS's per-operation request quota instead of
/// provoking throttling. Each caller reserves the next free slot on a schedule spaced 1/rate apart (a small burst
/// may start at once) and sleeps until its slot: one timer per call, no herd of waiters re-checking a bucket.
/// Waiting honours cancellation (the reserved slot is then simply unused).
/// </summary>
public sealed class RateGate
{
    private readonly double _ratePerSecond;
    private readonly long _intervalTicks;
    private readonly long _burstTicks;
    private readonly object _gate = new();
    private long _nextTicks;

    public RateGate(double ratePerSecond, double burstSeconds = 0.05)
    {
        if (ratePerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(ratePerSecond));
        _ratePerSecond = ratePerSecond;
        _intervalTicks = Math.Max(1, (long)(Stopwatch.Frequency / ratePerSecond));
        // The burst is at least one call, at most burstSeconds' worth of calls.
        _burstTicks = Math.Max(0, (long)(Math.Max(1, ratePerSecond * burstSeconds) - 1) * _intervalTicks);
        _nextTicks = Stopwatch.GetTimestamp() - _burstTicks;
    }

    public double RatePerSecond => _ratePerSecond;

    public ValueTask WaitAsync(CancellationToken cancellation)
    {
        long wait;
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var slot = Math.Max(_nextTicks, now - _burstTicks);
            _nextTicks = slot + _intervalTicks;
            wait = slot - now;
        }
        if (wait <= 0) return ValueTask.CompletedTask;
        return new ValueTask(Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), cancellation));
    }
}

/// <summary>AWS's default KMS request quotas (requests per second, per account and Region), and gates that
/// run a little under them.</summary>
public sealed class KmsQuotaGates
{
    public const double Headroom = 0.98;

    /// <summary>Slots missed while the machine was busy may be used up to this late, so a stall does not lower the
    /// average rate; any one-second window still stays within the quota plus this burst.</summary>
    public const double BurstSeconds = 0.25;

    public static readonly IReadOnlyDictionary<string, double> DefaultQuotas = new Dictionary<string, double>
    {
        ["DescribeKey"] = 2000, ["GetKeyRotationStatus"] = 1000, ["ListResourceTags"] = 2000, ["ListAliases"] = 500,
        ["ListKeys"] = 500, ["ListKeyRotations"] = 100, ["DisableKey"] = 5, ["EnableKey"] = 5, ["ScheduleKeyDeletion"] = 15,
        ["CancelKeyDeletion"] = 5, ["EnableKeyRotation"] = 15, ["RotateKeyOnDemand"] = 5, ["CreateKey"] = 50,
        ["Crypto"] = 10000,
    };

    private readonly Dictionary<string, RateGate> _gates;

    public KmsQuotaGates(IReadOnlyDictionary<string, double>? quotas = null)
    {
        _gates = (quotas ?? DefaultQuotas).ToDictionary(q => q.Key, q => new RateGate(q.Value * Headroom, BurstSeconds));
    }

    /// <summary>The rate an operation is paced to (requests per second; the quota times <see cref="Headroom"/>), or null
    /// for an operation without a gate.</summary>
    public double? PacedRate(string operation) => _gates.TryGetValue(operation, out var gate) ? gate.RatePerSecond : null;

    public ValueTask WaitAsync(string operation, CancellationToken cancellation) =>
        _gates.TryGetValue(operation, out var gate) ? gate.WaitAsync(cancellation) : ValueTask.CompletedTask;

    /// <summary>Waits for the operation's slot, then makes the call.</summary>
    public async Task<T> CallAsync<T>(string operation, Func<Task<T>> call, CancellationToken cancellation)
    {
        await WaitAsync(operation, cancellation).ConfigureAwait(false);
        return await call().ConfigureAwait(false);
    }
}
