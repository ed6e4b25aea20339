using System.Diagnostics;

namespace BuzzKeyMgmt.Sandbox.Realism;

/// <summary>A token bucket on real (monotonic) time: holds up to one second of the rate, refills continuously.</summary>
internal sealed class TokenBucket(double ratePerSecond)
{
    private readonly object _gate = new();
    private double _tokens = ratePerSecond;
    private long _last = Stopwatch.GetTimestamp();

    public double RatePerSecond { get; } = ratePerSecond;

    public bool TryTake()
    {
        lock (_gate)
        {
            long now = Stopwatch.GetTimestamp();
            _tokens = Math.Min(RatePerSecond, _tokens + Stopwatch.GetElapsedTime(_last, now).TotalSeconds * RatePerSecond);
            _last = now;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}
