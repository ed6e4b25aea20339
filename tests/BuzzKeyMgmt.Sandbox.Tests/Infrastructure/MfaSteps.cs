using BuzzKeyMgmt.Sandbox.Identity;
using OtpNet;

namespace BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

/// <summary>TOTP time steps (30 s) at the sandbox clock and a device's codes, computed independently of the sandbox (Otp.NET TOTP).</summary>
public static class MfaSteps
{
    public const int Seconds = 30;

    /// <summary>The message STS gives for a wrong, stale or reused MFA code.</summary>
    public const string InvalidCodeMessage = "MultiFactorAuthentication failed with invalid MFA one time pass code.";

    public static long Current(SandboxClock clock) => clock.GetUtcNow().ToUnixTimeSeconds() / Seconds;

    /// <summary>Moves the clock to just after the next step starts, so a test has almost 30 s before the step changes by itself.</summary>
    public static void MoveToNextStepStart(SandboxClock clock)
    {
        var start = DateTimeOffset.FromUnixTimeSeconds((Current(clock) + 1) * Seconds).AddMilliseconds(100);
        clock.Advance(start - clock.GetUtcNow());
    }

    /// <summary>The code the device shows during <paramref name="step"/>.</summary>
    public static string Code(SandboxPrincipal device, long step) =>
        new Totp(Base32Encoding.ToBytes(device.MfaSecretBase32), step: Seconds, mode: OtpHashMode.Sha1, totpSize: 6)
            .ComputeTotp(DateTime.UnixEpoch.AddSeconds(step * Seconds));

    /// <summary>A 6-digit code that is none of the device's codes for the two steps either side of now.</summary>
    public static string Wrong(SandboxPrincipal device, SandboxClock clock)
    {
        long now = Current(clock);
        var near = Enumerable.Range(-2, 5).Select(d => Code(device, now + d)).ToHashSet();
        int n = int.Parse(Code(device, now));
        while (true)
        {
            n = (n + 500_001) % 1_000_000;
            var candidate = n.ToString("D6");
            if (!near.Contains(candidate)) return candidate;
        }
    }
}
