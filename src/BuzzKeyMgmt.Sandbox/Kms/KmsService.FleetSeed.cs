namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>The <see cref="SeedMix.Fleet"/> slots 20-39 (slots 0-19 are the <see cref="SeedMix.Rotation"/> mix).</summary>
public sealed partial class KmsService
{
    private const int FleetCycle = 40;

    /// <summary>Key spec and usage of a fleet slot: 31 RSA_3072 and 32 ECC_NIST_P256 sign, 33 is HMAC_256; the rest symmetric.</summary>
    private static (string Spec, string Usage) FleetKeySpec(int slot) => slot switch
    {
        31 => ("RSA_3072", "SIGN_VERIFY"),
        32 => ("ECC_NIST_P256", "SIGN_VERIFY"),
        33 => ("HMAC_256", "GENERATE_VERIFY_MAC"),
        _ => ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
    };

    /// <summary>
    /// Slots 20-39, every key created 400-699 days before the clock (so rotation enabled up to 400 days ago is after its
    /// creation). "Enabled D" = rotation turned on D days ago, rotated every period since.
    /// 20: 365 days, enabled 400 (rotated 35 days ago, next in 330). 21: 365, enabled 200 (never rotated, next in 165).
    /// 22: 365, enabled 360 (never rotated, next in 5). 23: 180, enabled 400 (rotated 220 and 40 days ago, next in 140).
    /// 24: 730, enabled 100 (next in 630). 25: 2560 (the maximum), enabled 400 (next in 2160).
    /// 26: 90, enabled 30 (never rotated, next in 60). 27: rotation off, rotated on demand 5 days ago.
    /// 28: rotation off, on demand 200 and 45 days ago. 29: 90, enabled 400 (automatic 310, 220, 130, 40 days ago) and on
    /// demand 3 days ago (next in 50). 30: 365, enabled 300 (next in 65), on demand 10 days ago.
    /// 31: RSA_3072 SIGN_VERIFY, 32: ECC_NIST_P256 SIGN_VERIFY, 33: HMAC_256 (none can rotate). 34: rotation off, never rotated.
    /// 35: Disabled 100 days ago, 365, enabled 400: its rotation date (35 days ago) passed while disabled, so EnableKey
    /// rotates it once. 36: Disabled 10 days ago, 90, enabled 400 (rotated 40 days ago, next in 50: EnableKey resumes
    /// the schedule). 37: Disabled, rotation off. 38: PendingDeletion (7-day window, deleted in 5 days), 90, enabled 300
    /// (rotated 210, 120, 30 days ago; its status reads false). 39: 90, enabled 361 (rotated 1 day ago, next in 89).
    /// </summary>
    private static void FleetMix(KmsKey key, int slot, DateTimeOffset now)
    {
        DateTimeOffset Ago(int days) => now.AddDays(-days);
        switch (slot)
        {
            case 20: FleetHistory.RotatingSince(key, 365, Ago(400), now); break;
            case 21: FleetHistory.RotatingSince(key, 365, Ago(200), now); break;
            case 22: FleetHistory.RotatingSince(key, 365, Ago(360), now); break;
            case 23: FleetHistory.RotatingSince(key, 180, Ago(400), now); break;
            case 24: FleetHistory.RotatingSince(key, 730, Ago(100), now); break;
            case 25: FleetHistory.RotatingSince(key, 2560, Ago(400), now); break;
            case 26: FleetHistory.RotatingSince(key, 90, Ago(30), now); break;
            case 27: FleetHistory.OnDemandOnly(key, Ago(5)); break;
            case 28: FleetHistory.OnDemandOnly(key, Ago(200), Ago(45)); break;
            case 29: FleetHistory.RotatingSince(key, 90, Ago(400), now, Ago(3)); break;
            case 30: FleetHistory.RotatingSince(key, 365, Ago(300), now, Ago(10)); break;
            case 35:
                FleetHistory.RotatingSince(key, 365, Ago(400), Ago(100));
                key.State = KmsKey.StateDisabled;
                break;
            case 36:
                FleetHistory.RotatingSince(key, 90, Ago(400), Ago(10));
                key.State = KmsKey.StateDisabled;
                break;
            case 37: key.State = KmsKey.StateDisabled; break;
            case 38:
                FleetHistory.RotatingSince(key, 90, Ago(300), now);
                key.State = KmsKey.StatePendingDeletion;
                key.PendingWindowInDays = 7;
                key.DeletionDate = now.AddDays(5);
                break;
            case 39: FleetHistory.RotatingSince(key, 90, Ago(361), now); break;
            default: break;   // 31-34: asymmetric, HMAC, or symmetric with rotation off, never rotated
        }
    }
}
