namespace BuzzKeyMgmt.Sandbox.Kms;

public sealed partial class KmsService
{
    /// <summary>
    /// Creates <paramref name="count"/> symmetric keys directly (no quotas), with aliases &lt;aliasPrefix&gt;1…N, a
    /// description and tags; with <paramref name="rotationMix"/> in the <see cref="SeedMix.Rotation"/> mix, else
    /// <see cref="SeedMix.Plain"/>.
    /// </summary>
    public int Seed(int count, string aliasPrefix, bool rotationMix) =>
        Seed(count, aliasPrefix, rotationMix ? SeedMix.Rotation : SeedMix.Plain);

    /// <summary>
    /// Creates <paramref name="count"/> keys directly (no quotas, no HTTP), with aliases &lt;aliasPrefix&gt;1…N, a
    /// description and tags, in the given <paramref name="mix"/>: key N's kind depends on N only. Creation dates lie
    /// 400-699 days before the sandbox clock; rotation dates are backdated, so no clock needs moving.
    /// </summary>
    public int Seed(int count, string aliasPrefix, SeedMix mix) => SeedKeys(count, aliasPrefix, mix).Count;

    /// <summary>As <see cref="Seed(int, string, SeedMix)"/>, returning each key's id and the alias it got (&lt;aliasPrefix&gt;N,
    /// or &lt;aliasPrefix&gt;N-&lt;first 8 of the id&gt; when that name was taken), in order.</summary>
    public IReadOnlyList<(string KeyId, string Alias)> SeedKeys(int count, string aliasPrefix, SeedMix mix)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Seed at least one key.");
        if (!aliasPrefix.StartsWith("alias/", StringComparison.Ordinal) || aliasPrefix.StartsWith("alias/aws/", StringComparison.Ordinal))
            throw new ArgumentException("The alias prefix must start with alias/ (and not alias/aws/).", nameof(aliasPrefix));
        if (!Enum.IsDefined(mix)) throw new ArgumentOutOfRangeException(nameof(mix), mix, "Unknown seed mix.");
        var now = Now;
        var seeded = new List<(string KeyId, string Alias)>(count);
        for (var i = 1; i <= count; i++)
        {
            var created = now.AddDays(-(400 + i % 300));
            var (spec, usage) = mix == SeedMix.Fleet ? FleetKeySpec(i % FleetCycle) : ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
            var key = _store.Add(spec, usage, "CUSTOMER", $"Seeded key {i} ({aliasPrefix}{i})", created);
            Change(key, k =>   // under the key's lock: it is visible to readers as soon as it is added
            {
                k.Tags["Owner"] = $"team-{i % 7}";
                k.Tags["DataClass"] = i % 3 == 0 ? "PII" : "Internal";
                if (mix == SeedMix.Rotation || (mix == SeedMix.Fleet && i % FleetCycle < RotationCycle)) RotationMix(k, i % RotationCycle, now);
                else if (mix == SeedMix.Fleet) FleetMix(k, i % FleetCycle, now);
                return k;
            });
            var name = $"{aliasPrefix}{i}";
            if (!_store.TryAddAlias(new KmsAlias(name, key.Id, created, created)))
            {
                name = $"{name}-{key.Id[..8]}";
                _store.TryAddAlias(new KmsAlias(name, key.Id, created, created));
            }
            seeded.Add((key.Id, name));
        }
        return seeded;
    }

    private const int RotationCycle = 20;

    /// <summary>The <see cref="SeedMix.Rotation"/> slots (0-19).</summary>
    private static void RotationMix(KmsKey key, int slot, DateTimeOffset now)
    {
        switch (slot)
        {
            case < 14:
                // slots 0-1 fall due within a week, 2-5 were rotated 10-40 days ago, the rest in between
                var next = slot < 2 ? now.AddDays(slot + 3) : slot < 6 ? now.AddDays(90 - (slot - 1) * 10) : now.AddDays(30 + slot);
                FleetHistory.Backdate(key, 90, next);
                break;
            case < 17:
                break;  // rotation off
            case < 19:
                FleetHistory.Backdate(key, 90, now.AddDays(45));
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
