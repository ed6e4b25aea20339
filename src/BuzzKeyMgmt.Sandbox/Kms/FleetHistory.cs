namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>Gives a freshly created (seeded) key a rotation past, backdated against the clock: no clock needs moving.</summary>
internal static class FleetHistory
{
    /// <summary>
    /// Rotation on every <paramref name="periodDays"/> days, next due at <paramref name="next"/>, with one AUTOMATIC
    /// rotation per period before it as long as that is more than a period after the key's creation (rotation was turned on
    /// at some point after creation), and ON_DEMAND rotations at <paramref name="onDemand"/>; all listed in date order.
    /// </summary>
    public static void Backdate(KmsKey key, int periodDays, DateTimeOffset next, params DateTimeOffset[] onDemand)
    {
        key.RotationEnabled = true;
        key.RotationPeriodDays = periodDays;
        key.NextRotationDate = next;
        var past = new List<(DateTimeOffset At, string Type)>();
        for (var due = next.AddDays(-periodDays); due > key.CreationDate.AddDays(periodDays); due = due.AddDays(-periodDays))
            past.Add((due, KmsKey.Automatic));
        past.Reverse();
        Replay(key, past, onDemand);
    }

    /// <summary>
    /// Rotation on every <paramref name="periodDays"/> days since <paramref name="enabledAt"/>: one AUTOMATIC rotation per
    /// period up to <paramref name="until"/> (now, or the day the key was disabled: a disabled key is not rotated), and
    /// the next one due a period after the last (for a key disabled since, that date may have passed). ON_DEMAND rotations
    /// at <paramref name="onDemand"/> are listed among them in date order.
    /// </summary>
    public static void RotatingSince(KmsKey key, int periodDays, DateTimeOffset enabledAt, DateTimeOffset until, params DateTimeOffset[] onDemand)
    {
        key.RotationEnabled = true;
        key.RotationPeriodDays = periodDays;
        var past = new List<(DateTimeOffset At, string Type)>();
        var due = enabledAt.AddDays(periodDays);
        for (; due <= until; due = due.AddDays(periodDays)) past.Add((due, KmsKey.Automatic));
        key.NextRotationDate = due;
        Replay(key, past, onDemand);
    }

    /// <summary>Rotation off, rotated on demand at <paramref name="onDemand"/>.</summary>
    public static void OnDemandOnly(KmsKey key, params DateTimeOffset[] onDemand) => Replay(key, [], onDemand);

    private static void Replay(KmsKey key, List<(DateTimeOffset At, string Type)> automatic, DateTimeOffset[] onDemand)
    {
        // automatic is oldest first already; on-demand rotations (rare) are merged in by date
        if (onDemand.Length > 0)
        {
            automatic.AddRange(onDemand.Select(at => (at, KmsKey.OnDemand)));
            automatic.Sort((a, b) => a.At.CompareTo(b.At));
        }
        foreach (var (at, type) in automatic) key.Rotate(at, type);
        key.OnDemandRotations += onDemand.Length;
    }
}
