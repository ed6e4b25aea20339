using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using OtpNet;

namespace BuzzKeyMgmt.Sandbox.Identity;

/// <summary>
/// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) for the sandbox's virtual MFA devices, at the sandbox clock. A code is accepted
/// for the current time step or one step either side, and only once, as on AWS (RFC 6238 section 5.2): per device the
/// verifier remembers the highest step it accepted and refuses any code whose step is at or below it.
/// </summary>
internal sealed class MfaVerifier(SandboxClock clock)
{
    private const int StepSeconds = 30;
    private readonly ConcurrentDictionary<string, StrongBox<long>> _lastAcceptedStep = new(StringComparer.Ordinal);
    private readonly object _clockGate = new();

    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    /// <summary>The code a device shows now, whether or not it was already used.</summary>
    public string CurrentCode(string secretBase32) => Code(secretBase32, CurrentStep());

    /// <summary>
    /// True, and the code's step is used up, when <paramref name="code"/> is the device's code for the current step or one
    /// step either side and that step is above the last one accepted for <paramref name="serial"/>. A wrong code uses nothing;
    /// of two concurrent calls with the same code only one succeeds.
    /// </summary>
    public bool TryAccept(string serial, string secretBase32, string code)
    {
        var last = LastAccepted(serial);
        long now = CurrentStep();
        while (true)
        {
            long used = Volatile.Read(ref last.Value);
            long? match = null;
            for (long step = Math.Max(now - 1, used + 1); step <= now + 1 && match is null; step++)
                if (Code(secretBase32, step) == code) match = step;
            if (match is null) return false;
            if (Interlocked.CompareExchange(ref last.Value, match.Value, used) == used) return true;
        }
    }

    /// <summary>
    /// The code that will be accepted now: the current step's or the next step's, whichever is lowest above the last accepted
    /// step. When both are used, moves <paramref name="clock"/> forward to the start of the last accepted step, so the step
    /// after it is inside the window, and returns that step's code. Marks nothing as used.
    /// </summary>
    public string CodeToType(string serial, string secretBase32)
    {
        lock (_clockGate)
        {
            long used = Volatile.Read(ref LastAccepted(serial).Value);
            long now = CurrentStep();
            if (used < now + 1) return Code(secretBase32, Math.Max(now, used + 1));
            var by = DateTimeOffset.FromUnixTimeSeconds(used * StepSeconds) - clock.GetUtcNow();
            if (by > TimeSpan.Zero) clock.Advance(by);
            return Code(secretBase32, used + 1);
        }
    }

    private long CurrentStep() => clock.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;

    private StrongBox<long> LastAccepted(string serial) =>
        _lastAcceptedStep.GetOrAdd(serial, static _ => new StrongBox<long>(long.MinValue));

    private static string Code(string secretBase32, long step) =>
        new Hotp(Base32Encoding.ToBytes(secretBase32), OtpHashMode.Sha1, hotpSize: 6).ComputeHOTP(step);
}
