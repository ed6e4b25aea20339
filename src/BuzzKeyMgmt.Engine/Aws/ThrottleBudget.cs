using Amazon.Runtime;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>
/// How long an emergency keeps retrying calls AWS throttles. The SDK gives up on a throttled call after a few retries
/// within seconds; a revocation must not: during an incident the account's KMS quota is often what is exhausted, and a key
/// that gives up stays Enabled. So every KMS call of an emergency run (DescribeKey, ListAliases, DisableKey,
/// ScheduleKeyDeletion and their read-backs) goes through one budget per run: a throttled answer (AWS's
/// ThrottlingException or HTTP 429, or the SDK's own client-side throttling) is retried after a pause that doubles from
/// 200 ms up to 10 s, with jitter (each pause is half its ceiling plus a random part of the other half, so many keys
/// throttled together do not retry together), for at most <see cref="Total"/> from the run's first throttled answer
/// (<see cref="Emergency"/>: 2 minutes). Each retry waits at the quota gate again. The pauses honour the run's stop
/// token. When the budget is spent, the last throttled answer ends the run as <c>Throttled</c>, saying how long it tried.
/// Calls of one run are made one at a time; a budget is not shared between runs.
/// </summary>
public sealed class ThrottleBudget
{
    /// <summary>An emergency revocation's budget: 2 minutes of retrying throttled calls per key.</summary>
    public static readonly TimeSpan Emergency = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _clock;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly Random _random;
    private long? _firstThrottle;

    /// <param name="clock">Measures the budget (tests pass a fake one).</param>
    /// <param name="delay">Waits out a pause (tests advance the fake clock instead of sleeping).</param>
    public ThrottleBudget(TimeSpan total, TimeProvider? clock = null, Func<TimeSpan, CancellationToken, Task>? delay = null, Random? random = null)
    {
        if (total <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(total), total, "A throttling budget must be positive.");
        Total = total;
        _clock = clock ?? TimeProvider.System;
        _delay = delay ?? ((pause, token) => Task.Delay(pause, _clock, token));
        _random = random ?? Random.Shared;
    }

    public TimeSpan Total { get; }

    /// <summary>Throttled answers seen so far in this run (each one retried, but the last when the budget ran out).</summary>
    public int Throttles { get; private set; }

    /// <summary>Time since the run's first throttled answer (zero before it).</summary>
    public TimeSpan Spent => _firstThrottle is { } first ? _clock.GetElapsedTime(first) : TimeSpan.Zero;

    /// <summary>Makes the call, retrying throttled answers within the budget; any other failure is thrown at once, and
    /// the budget's end as <see cref="ThrottleBudgetExhaustedException"/> carrying the last throttled answer.</summary>
    /// <param name="tell">Told before each pause (for -Verbose).</param>
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellation, Action<string>? tell = null)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                return await call(cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (AwsErrors.IsThrottling(ex))
            {
                Throttles++;
                var now = _clock.GetTimestamp();
                _firstThrottle ??= now;
                var left = Total - _clock.GetElapsedTime(_firstThrottle.Value, now);
                if (left <= TimeSpan.Zero) throw new ThrottleBudgetExhaustedException(operation, Throttles, Total, ex);
                var pause = Pause(retry);
                if (pause > left) pause = left;
                tell?.Invoke($"{operation} was throttled ({AwsErrors.ThrottlingSource(ex)}); retrying in {pause.TotalMilliseconds:0} ms " +
                             $"({left.TotalSeconds:0} s of the {Total.TotalSeconds:0} s throttling budget left).");
                await _delay(pause, cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The pause before retry <paramref name="retry"/> (0-based): half of min(10 s, 200 ms × 2^retry), plus a random
    /// part of the other half.</summary>
    internal TimeSpan Pause(int retry)
    {
        var ceiling = Math.Min(LongestPause.TotalMilliseconds, FirstPause.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 16)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + _random.NextDouble() * ceiling / 2);
    }
}

/// <summary>An emergency's throttling budget ran out: <see cref="Exception.InnerException"/> is the last throttled answer.</summary>
public sealed class ThrottleBudgetExhaustedException(string operation, int throttles, TimeSpan budget, Exception last)
    : Exception($"{operation} was still throttled after {throttles} throttled answers in {budget.TotalSeconds:0} s of retrying ({last.Message})", last)
{
    public string Operation { get; } = operation;
    public int Throttles { get; } = throttles;
    public TimeSpan Budget { get; } = budget;
}
