using OtpNet;

namespace BuzzKeyMgmt.Sandbox.Identity;

/// <summary>RFC 6238 TOTP (SHA-1, 30 s, 6 digits) for the sandbox's virtual MFA devices, at the sandbox clock.</summary>
internal sealed class MfaVerifier(TimeProvider clock)
{
    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    /// <summary>The code a device shows now.</summary>
    public string CurrentCode(string secretBase32) =>
        Totp(secretBase32).ComputeTotp(clock.GetUtcNow().UtcDateTime);

    /// <summary>True when the code matches the current step or one step either side.</summary>
    public bool Verify(string secretBase32, string code) =>
        Totp(secretBase32).VerifyTotp(clock.GetUtcNow().UtcDateTime, code, out _, new VerificationWindow(previous: 1, future: 1));

    private static Totp Totp(string secretBase32) =>
        new(Base32Encoding.ToBytes(secretBase32), step: 30, mode: OtpHashMode.Sha1, totpSize: 6);
}
