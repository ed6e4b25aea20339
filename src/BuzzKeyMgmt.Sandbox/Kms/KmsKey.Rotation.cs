using System.Security.Cryptography;

namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>
/// The key's rotation schedule, as AWS documents it (API reference of EnableKeyRotation, GetKeyRotationStatus,
/// RotateKeyOnDemand, ListKeyRotations; developer guide "Rotate AWS KMS keys"). All of it is applied lazily: a key is
/// brought up to the clock (<see cref="Advance"/>) under its lock before anything reads or changes it.
/// </summary>
public sealed partial class KmsKey
{
    public const string Automatic = "AUTOMATIC", OnDemand = "ON_DEMAND";

    /// <summary>When the on-demand rotation in progress was requested (GetKeyRotationStatus's OnDemandRotationStartDate); null when none runs.</summary>
    public DateTimeOffset? OnDemandRotationStartDate { get; private set; }

    /// <summary>When the on-demand rotation in progress completes (its new material becomes current and it is listed).</summary>
    public DateTimeOffset? OnDemandRotationCompletes { get; private set; }

    /// <summary>Whether rotation can be configured or performed at all: symmetric encryption keys (AWS_KMS origin).
    /// Asymmetric and HMAC keys cannot be rotated (UnsupportedOperationException).</summary>
    public bool CanRotate => IsSymmetric;

    /// <summary>GetKeyRotationStatus's KeyRotationEnabled: false while pending deletion (restored when the deletion is
    /// cancelled) and for keys that cannot rotate; a disabled key keeps it.</summary>
    public bool ReportsRotationEnabled => CanRotate && RotationEnabled && State != StatePendingDeletion;

    /// <summary>The newest completed rotation (the newest entry of ListKeyRotations), or null.</summary>
    public RotationEntry? LastRotation => Rotations.Count > 0 ? Rotations[^1] : null;

    /// <summary>A lock-free look: whether <see cref="Advance"/> could change anything at <paramref name="now"/>.</summary>
    public bool MayHaveSomethingDue(DateTimeOffset now) =>
        Deleted
        || (State == StatePendingDeletion && DeletionDate is { } d && now >= d)
        || (OnDemandRotationCompletes is { } c && c <= now)
        || (State == StateEnabled && RotationEnabled && NextRotationDate is { } due && due <= now);

    /// <summary>
    /// Applies what the clock says has happened since the last look, in date order: deletion once DeletionDate passed;
    /// automatic rotations of an enabled key whose NextRotationDate passed (each dated when it fell due, the next one a
    /// period later); the completion of an on-demand rotation (dated when it completed: ListKeyRotations' RotationDate is
    /// "the date and time that the key material rotation completed"). A disabled or pending-deletion key is not rotated
    /// automatically: its state only changes through a call, and every call brings the key up to the clock first, so the
    /// periods that pass while it is disabled are never made up one by one (see <see cref="Reenable"/>).
    /// </summary>
    public void Advance(DateTimeOffset now)
    {
        if (State == StatePendingDeletion && DeletionDate is { } d && now >= d)
        {
            Deleted = true;
            return;
        }
        while (true)
        {
            DateTimeOffset? automatic = State == StateEnabled && RotationEnabled && CanRotate && NextRotationDate is { } due && due <= now ? due : null;
            DateTimeOffset? onDemand = OnDemandRotationCompletes is { } done && done <= now ? done : null;
            if (onDemand is { } od && (automatic is null || od <= automatic))
            {
                // An accepted on-demand rotation completes whatever the key's state became meanwhile (AWS is silent; our choice).
                Rotate(od, OnDemand);
                OnDemandRotationStartDate = OnDemandRotationCompletes = null;
            }
            else if (automatic is { } at)
            {
                Rotate(at, Automatic);
                NextRotationDate = at.AddDays(RotationPeriodDays);
            }
            else return;
        }
    }

    /// <summary>New key material, current from <paramref name="at"/>, and its ListKeyRotations entry.</summary>
    public void Rotate(DateTimeOffset at, string type)
    {
        Materials.Add(RandomNumberGenerator.GetBytes(32));
        Rotations.Add(new RotationEntry(MaterialId(Materials.Count - 1), at, type));
    }

    /// <summary>
    /// EnableKeyRotation. Rotation off → on: the first rotation one period after the enable date (API reference: "one
    /// year ... from the enable date"; after DisableKeyRotation "based on the new rotation-enable date"). Already on with
    /// the same period: nothing changes. Already on with another period: AWS only says the parameter "modif[ies] the
    /// rotation period"; we keep the current cycle's start (the last automatic rotation, or the date rotation was enabled:
    /// on-demand rotations never move the schedule) and add the new period; when that date has already passed, the
    /// rotation is due at once (as for a key re-enabled after its rotation date, see <see cref="Reenable"/>).
    /// </summary>
    public void EnableRotation(int periodDays, DateTimeOffset now)
    {
        if (RotationEnabled && NextRotationDate is { } next)
        {
            if (periodDays == RotationPeriodDays) return;
            var moved = next.AddDays(-RotationPeriodDays).AddDays(periodDays);
            RotationPeriodDays = periodDays;
            NextRotationDate = moved > now ? moved : now;
            return;
        }
        RotationEnabled = true;
        RotationPeriodDays = periodDays;
        NextRotationDate = now.AddDays(periodDays);
    }

    /// <summary>DisableKeyRotation: no schedule any more; an on-demand rotation in progress still completes (developer guide).</summary>
    public void DisableRotation()
    {
        RotationEnabled = false;
        NextRotationDate = null;
    }

    /// <summary>
    /// EnableKey on a disabled key. GetKeyRotationStatus API reference: "while the KMS key is disabled, KMS does not rotate
    /// the key material. When you re-enable the KMS key, rotation resumes. If the key material ... hasn't been rotated in
    /// one year [one period], KMS rotates it immediately, and every year thereafter. If it's been less ..., the KMS key
    /// resumes its prior rotation schedule." So one rotation (not one per missed period) when the scheduled date passed
    /// while the key was disabled, then every period from the re-enable date; otherwise the schedule is unchanged.
    /// "Hasn't been rotated in one period" is read from the schedule (NextRotationDate passed), since on-demand rotations
    /// do not change automatic schedules.
    /// </summary>
    public void Reenable(DateTimeOffset now)
    {
        if (State == StateDisabled && RotationEnabled && CanRotate && NextRotationDate is { } due && due <= now)
        {
            Rotate(now, Automatic);
            NextRotationDate = now.AddDays(RotationPeriodDays);
        }
        State = StateEnabled;
    }

    /// <summary>
    /// RotateKeyOnDemand accepted: the rotation runs in the background for <paramref name="duration"/> of sandbox time
    /// (zero: it completes at once). The automatic schedule is unchanged (API reference: "On-demand rotations do not
    /// change existing automatic rotation schedules").
    /// </summary>
    public void StartOnDemandRotation(DateTimeOffset now, TimeSpan duration)
    {
        OnDemandRotations++;
        if (duration <= TimeSpan.Zero)
        {
            Rotate(now, OnDemand);
            return;
        }
        OnDemandRotationStartDate = now;
        OnDemandRotationCompletes = now + duration;
    }
}
