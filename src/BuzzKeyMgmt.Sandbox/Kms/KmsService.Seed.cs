namespace BuzzKeyMgmt.Sandbox.Kms;

public sealed partial class KmsService
{
    /// <summary>
    /// Creates <paramref name="count"/> symmetric keys directly (no quotas), with aliases &lt;aliasPrefix&gt;1…N, a
    /// description and tags. With <paramref name="rotationMix"/> the fleet looks real, deterministically by position:
    /// of every 20 keys, 14 rotate every 90 days with their past rotations listed (2 of them due within a week, 4 rotated
    /// 10-40 days ago), 3 do not rotate, 2 are Disabled (rotation on) and 1 is PendingDeletion (30-day window).
    /// </summary>
    public int Seed(int count, string aliasPrefix, bool rotationMix)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Seed at least one key.");
        if (!aliasPrefix.StartsWith("alias/", StringComparison.Ordinal) || aliasPrefix.StartsWith("alias/aws/", StringComparison.Ordinal))
            throw new ArgumentException("The alias prefix must start with alias/ (and not alias/aws/).", nameof(aliasPrefix));
        var now = Now;
        for (var i = 1; i <= count; i++)
        {
            var created = now.AddDays(-(400 + i % 300));
            var key = _store.Add("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "CUSTOMER", $"Seeded key {i} ({aliasPrefix}{i})", created);
            lock (key.Gate)   // the key is visible to readers as soon as it is added
            {
                key.Tags["Owner"] = $"team-{i % 7}";
                key.Tags["DataClass"] = i % 3 == 0 ? "PII" : "Internal";
                if (rotationMix) Mix(key, i % 20, now);
            }
            var name = $"{aliasPrefix}{i}";
            if (!_store.TryAddAlias(new KmsAlias(name, key.Id, created, created)))
                _store.TryAddAlias(new KmsAlias($"{name}-{key.Id[..8]}", key.Id, created, created));
        }
        return count;
    }

    private static void Mix(KmsKey key, int slot, DateTimeOffset now)
    {
        switch (slot)
        {
            case < 14:
                // slots 0-1 fall due within a week, 2-5 were rotated 10-40 days ago, the rest in between
                var next = slot < 2 ? now.AddDays(slot + 3) : slot < 6 ? now.AddDays(90 - (slot - 1) * 10) : now.AddDays(30 + slot);
                RotateEvery90Days(key, next);
                break;
            case < 17:
                break;  // rotation off
            case < 19:
                RotateEvery90Days(key, now.AddDays(45));
                key.State = KmsKey.StateDisabled;
                break;
            default:
                key.State = KmsKey.StatePendingDeletion;
                key.PendingWindowInDays = 30;
                key.DeletionDate = now.AddDays(20);
                break;
        }
    }

    /// <summary>Rotation on (90 days) with its past: one AUTOMATIC rotation per period since creation, next one due at <paramref name="next"/>.</summary>
    private static void RotateEvery90Days(KmsKey key, DateTimeOffset next)
    {
        key.RotationEnabled = true;
        key.RotationPeriodDays = 90;
        key.NextRotationDate = next;
        var past = new Stack<DateTimeOffset>();
        for (var due = next.AddDays(-90); due > key.CreationDate.AddDays(90); due = due.AddDays(-90)) past.Push(due);
        while (past.Count > 0) key.Rotate(past.Pop(), "AUTOMATIC");
    }
}
