namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>
/// Remembers that a store did not answer, so the next rows do not each wait out a connect timeout (SQL Server's is 15 s
/// by default: two rows per key during a break-glass revocation of 40 keys would wait 20 minutes). A failure that took at
/// least <see cref="SlowFailure"/> opens the breaker for <see cref="BreakFor"/>: rows in that time are refused at once as
/// unreachable (and emergency rows go to the journal). A fast failure (a missing file, a refused connection) costs
/// nothing to retry and does not open it. Real time, never the sandbox's clock. Thread-safe.
/// </summary>
public sealed class StoreBreaker(TimeProvider time)
{
    public static readonly TimeSpan DefaultBreak = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan SlowFailure = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private DateTimeOffset _openUntil = DateTimeOffset.MinValue;
    private string? _reason;

    public TimeSpan BreakFor { get; init; } = DefaultBreak;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>True while the store is being skipped; <paramref name="reason"/> says why and until when.</summary>
    public bool IsOpen(out string? reason)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            reason = now < _openUntil ? $"{_reason} (not retried until {_openUntil:HH:mm:ss} UTC)" : null;
            return reason is not null;
        }
    }

    /// <summary>Records a failure to reach the store that took <paramref name="took"/>.</summary>
    public void Failed(TimeSpan took, string reason)
    {
        if (took < SlowFailure) return;
        lock (_gate)
        {
            _openUntil = time.GetUtcNow() + BreakFor;
            _reason = $"the store did not answer within {took.TotalSeconds:0.#} s: {reason}";
        }
    }

    public void Succeeded()
    {
        lock (_gate) _openUntil = DateTimeOffset.MinValue;
    }
}
