using System.Diagnostics;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Sandbox.Kms;

namespace BuzzKeyMgmt.Sandbox.Tests.Rotation;

/// <summary>
/// The fleet mix (SeedMix.Fleet) and KmsService.KeyFacts: what a benchmark computes its truth from must be what the KMS
/// calls answer over HTTP (read here with the real SDK client), slot by slot, without moving the clock.
/// </summary>
public sealed class FleetSeedTests : IDisposable
{
    private readonly RotationClient _c = new();

    public void Dispose() => _c.Dispose();

    private KmsKeyFacts Fact(int n) => _c.Server.Kms.KeyFacts().Single(k => k.Aliases.Contains($"alias/fleet-{n}"));

    private static double DaysAgo(DateTimeOffset? at, DateTimeOffset now) => Math.Round((now - at!.Value).TotalDays, 3);

    [Fact]
    public async Task Every_fact_matches_what_DescribeKey_GetKeyRotationStatus_and_ListKeyRotations_answer()
    {
        Assert.Equal(120, _c.Server.SeedKeys(120, "alias/fleet-", SeedMix.Fleet));
        var facts = _c.Server.Kms.KeyFacts();
        Assert.Equal(122, facts.Count);   // + the two AWS managed keys
        foreach (var f in facts)
        {
            var meta = (await _c.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = f.KeyId })).KeyMetadata;
            Assert.Equal(f.KeyState, meta.KeyState.Value);
            Assert.Equal(f.KeySpec, meta.KeySpec.Value);
            Assert.Equal(f.KeyUsage, meta.KeyUsage.Value);
            Assert.Equal(f.KeyManager, meta.KeyManager.Value);
            Assert.Equal(f.CreationDate.ToUnixTimeMilliseconds(), new DateTimeOffset(meta.CreationDate!.Value.ToUniversalTime()).ToUnixTimeMilliseconds());
            var status = await _c.StatusAsync(f.KeyId);
            Assert.Equal(f.KeyRotationEnabled, status.KeyRotationEnabled);
            Assert.Equal(f.RotationPeriodInDays, status.RotationPeriodInDays);
            Assert.Equal(f.NextRotationDate?.ToUnixTimeMilliseconds(), status.NextRotationDate is { } n ? new DateTimeOffset(n.ToUniversalTime()).ToUnixTimeMilliseconds() : null);
            Assert.Null(status.OnDemandRotationStartDate);
            if (!f.CanRotate)
            {
                Assert.Null(f.LastRotationDate);
                continue;
            }
            var rotations = await _c.RotationsAsync(f.KeyId);
            Assert.Equal(f.RotationCount, rotations.Count);
            Assert.Equal(f.LastRotationDate?.ToUnixTimeMilliseconds(), rotations.LastOrDefault()?.RotationDate is { } r ? new DateTimeOffset(r.ToUniversalTime()).ToUnixTimeMilliseconds() : null);
            Assert.Equal(f.LastRotationType, rotations.LastOrDefault()?.RotationType?.Value);
            Assert.Equal(rotations.Select(x => x.RotationDate).Order(), rotations.Select(x => x.RotationDate));   // oldest first
            if (f.NextRotationDate is { } next && f.KeyState == "Enabled") Assert.True(next > _c.Clock.GetUtcNow(), "an enabled key's next rotation lies ahead");
        }
    }

    [Fact]
    public void The_new_slots_are_what_their_documentation_says()
    {
        _c.Server.SeedKeys(40, "alias/fleet-", SeedMix.Fleet);
        var now = _c.Clock.GetUtcNow();
        void Rotating(int slot, int period, double? lastDaysAgo, double nextInDays, string? lastType = "AUTOMATIC")
        {
            var f = Fact(slot);
            Assert.True(f.KeyRotationEnabled, $"slot {slot}");
            Assert.Equal(period, f.RotationPeriodInDays);
            Assert.Equal(nextInDays, -DaysAgo(f.NextRotationDate, now), 1);
            if (lastDaysAgo is null) Assert.Null(f.LastRotationDate);
            else Assert.Equal(lastDaysAgo.Value, DaysAgo(f.LastRotationDate, now), 1);
            Assert.Equal(lastDaysAgo is null ? null : lastType, f.LastRotationType);
            Assert.True(f.CreationDate < now.AddDays(-90), $"slot {slot} is older than 90 days");
        }
        Rotating(20, 365, 35, 330);
        Rotating(21, 365, null, 165);
        Rotating(22, 365, null, 5);
        Rotating(23, 180, 40, 140);
        Rotating(24, 730, null, 630);
        Rotating(25, 2560, null, 2160);
        Rotating(26, 90, null, 60);
        Rotating(29, 90, 3, 50, "ON_DEMAND");
        Rotating(30, 365, 10, 65, "ON_DEMAND");
        Rotating(39, 90, 1, 89);
        Assert.Equal(("ON_DEMAND", 5.0, false), (Fact(27).LastRotationType, DaysAgo(Fact(27).LastRotationDate, now), Fact(27).KeyRotationEnabled));
        Assert.Equal((2, 2, 45.0), (Fact(28).RotationCount, Fact(28).OnDemandRotations, DaysAgo(Fact(28).LastRotationDate, now)));
        Assert.Equal(("RSA_3072", "SIGN_VERIFY"), (Fact(31).KeySpec, Fact(31).KeyUsage));
        Assert.Equal(("ECC_NIST_P256", "SIGN_VERIFY"), (Fact(32).KeySpec, Fact(32).KeyUsage));
        Assert.Equal(("HMAC_256", "GENERATE_VERIFY_MAC"), (Fact(33).KeySpec, Fact(33).KeyUsage));
        Assert.All(new[] { 31, 32, 33 }, s => Assert.False(Fact(s).CanRotate || Fact(s).KeyRotationEnabled));
        Assert.Equal((false, 0), (Fact(34).KeyRotationEnabled, Fact(34).RotationCount));
        Assert.Equal(("Disabled", true, 35.0), (Fact(35).KeyState, Fact(35).KeyRotationEnabled, DaysAgo(Fact(35).NextRotationDate, now)));
        Assert.Equal(("Disabled", 40.0), (Fact(36).KeyState, DaysAgo(Fact(36).LastRotationDate, now)));
        Assert.Equal(("Disabled", false), (Fact(37).KeyState, Fact(37).KeyRotationEnabled));
        Assert.Equal(("PendingDeletion", false, 30.0), (Fact(38).KeyState, Fact(38).KeyRotationEnabled, DaysAgo(Fact(38).LastRotationDate, now)));
    }

    [Fact]
    public async Task Disabled_slot_35_is_rotated_once_when_enabled_and_slot_36_resumes_its_schedule()
    {
        _c.Server.SeedKeys(40, "alias/fleet-", SeedMix.Fleet);
        var missed = Fact(35);
        var resumes = Fact(36);
        await _c.Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = missed.KeyId });
        await _c.Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = resumes.KeyId });
        Assert.Equal(RotationType.AUTOMATIC, Assert.Single(await _c.RotationsAsync(missed.KeyId)).RotationType);
        Assert.Equal(resumes.RotationCount, (await _c.RotationsAsync(resumes.KeyId)).Count);
        Assert.Equal(resumes.NextRotationDate, Fact(36).NextRotationDate);
    }

    [Fact]
    public void Slots_0_to_19_of_the_fleet_are_the_rotation_mix_slot_for_slot()
    {
        using var other = new RotationClient();
        _c.Server.SeedKeys(60, "alias/fleet-", SeedMix.Fleet);
        other.Server.SeedKeys(60, "alias/fleet-", rotationMix: true);
        var nowFleet = _c.Clock.GetUtcNow();
        var nowMix = other.Clock.GetUtcNow();
        var mix = other.Server.Kms.KeyFacts();
        foreach (var n in Enumerable.Range(1, 60).Where(n => n % 40 < 20))
        {
            var f = Fact(n);
            var m = mix.Single(k => k.Aliases.Contains($"alias/fleet-{n}"));
            Assert.Equal((m.KeyState, m.KeySpec, m.KeyRotationEnabled, m.RotationPeriodInDays, m.RotationCount),
                (f.KeyState, f.KeySpec, f.KeyRotationEnabled, f.RotationPeriodInDays, f.RotationCount));
            Assert.Equal(m.NextRotationDate is null, f.NextRotationDate is null);
            if (m.NextRotationDate is not null) Assert.Equal(DaysAgo(m.NextRotationDate, nowMix), DaysAgo(f.NextRotationDate, nowFleet), 2);
        }
        Assert.All(mix.Where(k => k.KeyManager == "CUSTOMER"), k => Assert.Equal("SYMMETRIC_DEFAULT", k.KeySpec));   // -RotationMix is unchanged: symmetric only
    }

    [Fact]
    public void Ten_thousand_fleet_keys_seed_fast_and_their_facts_count_every_kind()
    {
        var sw = Stopwatch.StartNew();
        Assert.Equal(10_000, _c.Server.SeedKeys(10_000, "alias/bench-", SeedMix.Fleet));
        var seeded = sw.Elapsed;
        sw.Restart();
        var facts = _c.Server.Kms.KeyFacts().Where(k => k.KeyManager == "CUSTOMER").ToList();
        var read = sw.Elapsed;
        Assert.Equal(10_000, facts.Count);
        Assert.Equal(250, facts.Count(f => f.KeySpec == "HMAC_256"));   // one slot in 40
        Assert.Equal(750, facts.Count(f => !f.CanRotate));
        Assert.Equal(500, facts.Count(f => f.KeyState == "PendingDeletion"));   // slots 19 and 38: 2 in 40
        // Generous bounds: a hang or an accidental RSA key generation per key would blow them; the machine is 2 cores.
        Assert.True(seeded < TimeSpan.FromSeconds(20), $"seeding 10,000 took {seeded}");
        Assert.True(read < TimeSpan.FromSeconds(10), $"reading 10,000 facts took {read}");
    }
}
