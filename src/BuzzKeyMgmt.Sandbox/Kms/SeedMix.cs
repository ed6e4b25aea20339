namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>What a seeded fleet looks like (<see cref="KmsService.Seed(int, string, SeedMix)"/>). Every mix is
/// deterministic by position: key N gets the same kind in every run, so a benchmark knows the truth in advance (or reads
/// it with <see cref="KmsService.KeyFacts"/>).</summary>
public enum SeedMix
{
    /// <summary>Enabled symmetric keys, rotation off, no rotation history.</summary>
    Plain,

    /// <summary>
    /// The rotation mix (Add-KeyMgmtSandboxKey -RotationMix), a cycle of 20 by position N % 20, all symmetric:
    /// 0-13 rotate every 90 days with their past rotations listed (0-1 fall due within a week, 2-5 were rotated 10-40 days
    /// ago, 6-13 in between); 14-16 do not rotate; 17-18 are Disabled with rotation on; 19 is PendingDeletion.
    /// </summary>
    Rotation,

    /// <summary>
    /// A realistic mixed fleet (Add-KeyMgmtSandboxKey -FleetMix), a cycle of 40 by position N % 40: slots 0-19 are the
    /// <see cref="Rotation"/> mix, slot for slot; slots 20-39 add longer periods (365, 180, 730, 2560 days), keys with
    /// rotation on that never rotated yet, recent on-demand rotations (with and without automatic rotation), asymmetric
    /// (RSA_3072, ECC_NIST_P256) and HMAC_256 keys, disabled keys whose rotation date passed while disabled, and a key
    /// pending deletion with rotation on. See KmsService.FleetSeed.cs for each slot. All dates lie in the past or future
    /// of the sandbox clock at seeding time as listed there: nothing needs the clock moved.
    /// </summary>
    Fleet,
}
