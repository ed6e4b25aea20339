using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

public sealed class SeedTests
{
    private readonly KmsFixture _f = new();

    private List<string> AllKeyIds()
    {
        var ids = new List<string>();
        string? marker = null;
        do
        {
            var page = _f.Ok("ListKeys", new { Limit = 1000, Marker = marker });
            ids.AddRange(page["Keys"].AsArray().Select(k => k!["KeyId"]!.GetValue<string>()));
            marker = page["Truncated"].GetValue<bool>() ? page["NextMarker"].GetValue<string>() : null;
        } while (marker is not null);
        return ids;
    }

    [Fact]
    public void Seed_creates_the_count_with_resolvable_aliases_descriptions_and_tags()
    {
        Assert.Equal(2500, _f.Kms.Seed(2500, "alias/CEK_User_", rotationMix: false));
        Assert.Equal(2502, AllKeyIds().Count);   // + the 2 AWS managed keys
        foreach (var n in new[] { 1, 1234, 2500 })
        {
            var meta = _f.Describe($"alias/CEK_User_{n}");
            Assert.Contains($"alias/CEK_User_{n}", meta["Description"]!.GetValue<string>());
            Assert.Equal("Enabled", meta["KeyState"]!.GetValue<string>());
            var tags = _f.Ok("ListResourceTags", new { KeyId = meta["KeyId"]!.GetValue<string>() })["Tags"].AsArray();
            Assert.Contains(tags, t => t!["TagKey"]!.GetValue<string>() == "Owner");
        }
        _f.Fails("DescribeKey", new { KeyId = "alias/CEK_User_2501" }, "NotFoundException", 404);
        var seventh = _f.Describe("alias/CEK_User_7")["KeyId"]!.GetValue<string>();
        Assert.False(_f.Ok("GetKeyRotationStatus", new { KeyId = seventh })["KeyRotationEnabled"].GetValue<bool>());   // no mix: rotation off
    }

    [Fact]
    public void Seed_with_rotation_mix_has_every_kind_of_key()
    {
        Assert.Equal(200, _f.Kms.Seed(200, "alias/fleet-", rotationMix: true));
        var states = new Dictionary<string, int>();
        int rotating = 0, notRotating = 0, dueWithinWeek = 0, rotatedWithin40Days = 0, withHistory = 0;
        var now = KmsFixture.Epoch(_f.Clock.GetUtcNow());
        for (var i = 1; i <= 200; i++)
        {
            var id = _f.Describe($"alias/fleet-{i}")["KeyId"]!.GetValue<string>();
            var state = _f.State(id);
            states[state] = states.GetValueOrDefault(state) + 1;
            if (state != "Enabled") continue;
            var status = _f.Ok("GetKeyRotationStatus", new { KeyId = id });
            if (!status["KeyRotationEnabled"].GetValue<bool>()) { notRotating++; continue; }
            rotating++;
            Assert.Equal(90, status["RotationPeriodInDays"].GetValue<int>());
            if (status["NextRotationDate"].GetValue<double>() - now <= 7 * 86400) dueWithinWeek++;
            var rotations = _f.Ok("ListKeyRotations", new { KeyId = id })["Rotations"].AsArray();
            if (rotations.Count > 0) withHistory++;
            if (rotations.Count > 0 && now - rotations[^1]!["RotationDate"]!.GetValue<double>() <= 40 * 86400) rotatedWithin40Days++;
        }
        Assert.True(states["Enabled"] > states["Disabled"] && states["Disabled"] > 0 && states["PendingDeletion"] > 0, string.Join(",", states));
        Assert.True(rotating > notRotating && notRotating > 0, $"{rotating} rotating, {notRotating} not");
        Assert.True(dueWithinWeek > 0 && rotatedWithin40Days > 0 && withHistory > rotating / 2, $"{dueWithinWeek} due, {rotatedWithin40Days} recent, {withHistory} with history");
    }

    [Fact]
    public void Seeded_keys_due_soon_rotate_when_the_clock_moves_a_week()
    {
        _f.Kms.Seed(20, "alias/soon-", rotationMix: true);
        var id = _f.Describe("alias/soon-20")["KeyId"]!.GetValue<string>();   // slot 0: due in 3 days
        var before = _f.Ok("ListKeyRotations", new { KeyId = id })["Rotations"].AsArray().Count;
        _f.Clock.AdvanceDays(7);
        var after = _f.Ok("ListKeyRotations", new { KeyId = id })["Rotations"].AsArray();
        Assert.Equal(before + 1, after.Count);
        Assert.Equal("AUTOMATIC", after[^1]!["RotationType"]!.GetValue<string>());
    }

    [Fact]
    public void Seed_refuses_a_non_positive_count_or_a_bad_prefix()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _f.Kms.Seed(0, "alias/x-", false));
        Assert.Throws<ArgumentException>(() => _f.Kms.Seed(1, "x-", false));
        Assert.Throws<ArgumentException>(() => _f.Kms.Seed(1, "alias/aws/x-", false));
        Assert.Equal(2, _f.Ok("ListKeys", new { })["Keys"].AsArray().Count);
    }
}
