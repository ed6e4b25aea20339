using System.Diagnostics;

namespace BuzzKeyMgmt.Engine.Kms;

/// <summary>
/// Client-side pacing for one KMS operation: a token bucket refilled at a fixed rate, so fleet work stays inside
/// AWS's per-operation request quota instead of provoking throttling. Waiters are served in order; waiting honours
/// cancellation.
/// </summary>
public sealed class RateGate
{
    private readonly double _ratePerSecond;
    private readonly double _capacity;
    private readonly object _gate = new();
    private double _tokens;
    private long _lastTicks;

    public RateGate(double ratePerSecond, double burstSeconds = 0.05)
    {
        if (ratePerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(ratePerSecond));
        _ratePerSecond = ratePerSecond;
        _capacity = Math.Max(1, ratePerSecond * burstSeconds);
        _tokens = _capacity;
        _lastTicks = Stopwatch.GetTimestamp();
    }

    public double RatePerSecond => _ratePerSecond;

    public async ValueTask WaitAsync(CancellationToken cancellation)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = Stopwatch.GetTimestamp();
                _tokens = Math.Min(_capacity, _tokens + (now - _lastTicks) / (double)Stopwatch.Frequency * _ratePerSecond);
                _lastTicks = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    return;
                }
                wait = TimeSpan.FromSeconds((1 - _tokens) / _ratePerSecond);
            }
            await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, cancellation).ConfigureAwait(false);
        }
    }
}

/// <summary>AWS's default KMS request quotas (requests per second, per account and Region), and gates that
/// run a little under them.</summary>
public sealed class KmsQuotaGates
{
    public const double Headroom = 0.95;

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
        _gates = (quotas ?? DefaultQuotas).ToDictionary(q => q.Key, q => new RateGate(q.Value * Headroom));
    }

    public ValueTask WaitAsync(string operation, CancellationToken cancellation) =>
        _gates.TryGetValue(operation, out var gate) ? gate.WaitAsync(cancellation) : ValueTask.CompletedTask;
}
