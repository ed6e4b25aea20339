namespace BuzzKeyMgmt.Sandbox.Kms;

public sealed partial class KmsService
{
    /// <summary>
    /// Creates <paramref name="count"/> symmetric keys directly (no quotas), with aliases &lt;aliasPrefix&gt;1…N, a
    /// description and tags. With <paramref name="rotationMix"/> the fleet looks real, deterministically by position:
    /// of every 20 keys, 14 rotate every 90 days (2 of them due within a week, 4 rotated recently), 3 do not rotate,
    /// 2 are Disabled (rotation on) and 1 is PendingDeletion (30-day window).
    /// </summary>
    public int Seed(int count, string aliasPrefix, bool rotationMix)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Seed at least one key.");
        var now = Now;
        var start = _store.Keys().Count;
        for (var i = 1; i <= count; i++)
        {
            var created = now.AddDays(-(400 + i % 300));
            var key = _store.Add("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "CUSTOMER", $"Seeded key {i} ({aliasPrefix}{i})", created);
            key.Tags["Owner"] = $"team-{i % 7}";
            key.Tags["DataClass"] = i % 3 == 0 ? "PII" : "Internal";
            var name = $"{aliasPrefix}{i}";
            if (!_store.TryAddAlias(new KmsAlias(name, key.Id, created, created)))
                _store.TryAddAlias(new KmsAlias($"{name}-{key.Id[..8]}", key.Id, created, created));
            if (rotationMix) Mix(key, i % 20, now);
        }
        return _store.Keys().Count - start;
    }

    private static void Mix(KmsKey key, int slot, DateTimeOffset now)
    {
        switch (slot)
        {
            case < 14:
                key.RotationEnabled = true;
                key.RotationPeriodDays = 90;
                if (slot < 4) key.Rotate(now.AddDays(-(slot + 1) * 10), "AUTOMATIC");
                key.NextRotationDate = slot < 2 ? now.AddDays(slot + 3) : slot < 6 ? now.AddDays(90 - (slot + 1) * 10) : now.AddDays(30 + slot);
                break;
            case < 17:
                break;  // rotation off
            case < 19:
                key.RotationEnabled = true;
                key.RotationPeriodDays = 90;
                key.NextRotationDate = now.AddDays(45);
                key.State = KmsKey.StateDisabled;
                break;
            default:
                key.State = KmsKey.StatePendingDeletion;
                key.PendingWindowInDays = 30;
                key.DeletionDate = now.AddDays(20);
                break;
        }
    }
}
