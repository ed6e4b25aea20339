namespace BuzzKeyMgmt.Sandbox;

/// <summary>
/// The sandbox's notion of "now": real UTC time plus an offset that only moves forward through <see cref="Advance"/>.
/// Key windows, rotation dates, session expiry and MFA codes all follow it; SigV4 request-time checks and quotas use
/// real time (as AWS does).
/// </summary>
public sealed class SandboxClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>Current sandbox time.</summary>
    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>How far the sandbox clock is ahead of real time.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the sandbox clock forward (e.g. past a session's expiry or a deletion window).</summary>
    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "The sandbox clock only moves forward.");
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
