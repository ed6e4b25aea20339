using System.Text.Json.Nodes;
using BuzzKeyMgmt.Sandbox.Kms;
using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

public sealed class RotationTests
{
    private readonly KmsFixture _f = new();

    private JsonArray Rotations(string id) => _f.Ok("ListKeyRotations", new { KeyId = id })["Rotations"].AsArray();

    [Fact]
    public void EnableKeyRotation_defaults_to_365_days_and_status_reports_period_and_next_date()
    {
        var id = _f.CreateKey();
        var off = _f.Ok("GetKeyRotationStatus", new { KeyId = id });
        Assert.False(off["KeyRotationEnabled"].GetValue<bool>());
        Assert.Equal(KmsFixture.KeyArn(id), off["KeyId"].GetValue<string>());
        _f.Ok("EnableKeyRotation", new { KeyId = id });
        var on = _f.Ok("GetKeyRotationStatus", new { KeyId = id });
        Assert.True(on["KeyRotationEnabled"].GetValue<bool>());
        Assert.Equal(365, on["RotationPeriodInDays"].GetValue<int>());
        Assert.Equal(KmsFixture.Epoch(_f.Clock.GetUtcNow().AddDays(365)), on["NextRotationDate"].GetValue<double>(), 3);
        Assert.Null(on.Body["OnDemandRotationStartDate"]);   // on-demand rotation completes at once here
    }

    [Theory]
    [InlineData(89, "greater than or equal to 90")]
    [InlineData(2561, "less than or equal to 2560")]
    public void EnableKeyRotation_period_outside_90_to_2560_is_a_ValidationException(int days, string constraint)
    {
        var id = _f.CreateKey();
        var a = _f.Fails("EnableKeyRotation", new { KeyId = id, RotationPeriodInDays = days }, "ValidationException", 400);
        Assert.Equal($"1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value {constraint}", a.Message);
    }

    [Fact]
    public void DisableKeyRotation_turns_it_off()
    {
        var id = _f.CreateKey();
        _f.Ok("EnableKeyRotation", new { KeyId = id, RotationPeriodInDays = 90 });
        _f.Ok("DisableKeyRotation", new { KeyId = id });
        Assert.False(_f.Ok("GetKeyRotationStatus", new { KeyId = id })["KeyRotationEnabled"].GetValue<bool>());
        _f.Clock.AdvanceDays(200);
        Assert.Empty(Rotations(id));
    }

    [Fact]
    public void Enabled_key_is_rotated_by_the_clock_once_per_passed_period_dated_when_due()
    {
        var id = _f.CreateKey();
        var enabledAt = _f.Clock.GetUtcNow();
        _f.Ok("EnableKeyRotation", new { KeyId = id, RotationPeriodInDays = 90 });
        _f.Clock.AdvanceDays(89);
        Assert.Empty(Rotations(id));
        _f.Clock.AdvanceDays(2 * 90 + 2);   // day 271: due dates 90, 180 and 270 passed
        var rotations = Rotations(id);
        Assert.Equal(3, rotations.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("AUTOMATIC", rotations[i]!["RotationType"]!.GetValue<string>());
            Assert.Equal(id, rotations[i]!["KeyId"]!.GetValue<string>());
            Assert.Equal(KmsFixture.Epoch(enabledAt.AddDays(90 * (i + 1))), rotations[i]!["RotationDate"]!.GetValue<double>(), 3);
        }
        Assert.Equal("CURRENT", rotations[2]!["KeyMaterialState"]!.GetValue<string>());
        Assert.Equal("NON_CURRENT", rotations[0]!["KeyMaterialState"]!.GetValue<string>());
        Assert.Equal(3, rotations.Select(r => r!["KeyMaterialId"]!.GetValue<string>()).Distinct().Count());
        var next = _f.Ok("GetKeyRotationStatus", new { KeyId = id })["NextRotationDate"].GetValue<double>();
        Assert.Equal(KmsFixture.Epoch(enabledAt.AddDays(360)), next, 3);
    }

    [Fact]
    public void Disabled_key_is_not_rotated_and_is_rotated_once_when_re_enabled_after_the_due_date()
    {
        var id = _f.CreateKey();
        _f.Ok("EnableKeyRotation", new { KeyId = id, RotationPeriodInDays = 90 });
        _f.Ok("DisableKey", new { KeyId = id });
        _f.Clock.AdvanceDays(400);
        Assert.Empty(Rotations(id));
        _f.Ok("EnableKey", new { KeyId = id });
        var reEnabledAt = _f.Clock.GetUtcNow();
        var rotations = Rotations(id);
        Assert.Single(rotations);   // AWS: rotated at once on re-enabling, then every period from then
        Assert.Equal(KmsFixture.Epoch(reEnabledAt), rotations[0]!["RotationDate"]!.GetValue<double>(), 3);
        var next = _f.Ok("GetKeyRotationStatus", new { KeyId = id })["NextRotationDate"].GetValue<double>();
        Assert.Equal(KmsFixture.Epoch(reEnabledAt.AddDays(90)), next, 3);
    }

    [Fact]
    public void Rotation_status_reads_false_while_pending_deletion_and_no_rotation_happens()
    {
        var id = _f.CreateKey();
        _f.Ok("EnableKeyRotation", new { KeyId = id, RotationPeriodInDays = 90 });
        _f.Clock.AdvanceDays(80);
        _f.Ok("ScheduleKeyDeletion", new { KeyId = id, PendingWindowInDays = 30 });
        Assert.False(_f.Ok("GetKeyRotationStatus", new { KeyId = id })["KeyRotationEnabled"].GetValue<bool>());
        _f.Clock.AdvanceDays(20);
        Assert.Empty(Rotations(id));
    }

    [Fact]
    public void RotateKeyOnDemand_adds_an_ON_DEMAND_entry_and_stops_at_the_lifetime_limit()
    {
        var id = _f.CreateKey();
        for (var i = 0; i < KmsService.OnDemandRotationLimit; i++)
            Assert.Equal(id, _f.Ok("RotateKeyOnDemand", new { KeyId = id })["KeyId"].GetValue<string>());
        var over = _f.Fails("RotateKeyOnDemand", new { KeyId = id }, "LimitExceededException", 400);
        Assert.Contains(KmsFixture.KeyArn(id), over.Message);
        var rotations = Rotations(id);
        Assert.Equal(KmsService.OnDemandRotationLimit, rotations.Count);
        Assert.All(rotations, r => Assert.Equal("ON_DEMAND", r!["RotationType"]!.GetValue<string>()));
    }

    [Fact]
    public void RotateKeyOnDemand_on_a_disabled_key_is_DisabledException()
    {
        var id = _f.CreateKey();
        _f.Ok("DisableKey", new { KeyId = id });
        _f.Fails("RotateKeyOnDemand", new { KeyId = id }, "DisabledException", 409);
    }

    [Fact]
    public void ListKeyRotations_pages_with_Limit_and_Marker()
    {
        var id = _f.CreateKey();
        for (var i = 0; i < 5; i++) _f.Ok("RotateKeyOnDemand", new { KeyId = id });
        var first = _f.Ok("ListKeyRotations", new { KeyId = id, Limit = 2 });
        Assert.Equal(2, first["Rotations"].AsArray().Count);
        Assert.True(first["Truncated"].GetValue<bool>());
        var second = _f.Ok("ListKeyRotations", new { KeyId = id, Limit = 3, Marker = first["NextMarker"].GetValue<string>() });
        Assert.Equal(3, second["Rotations"].AsArray().Count);
        Assert.False(second["Truncated"].GetValue<bool>());
        Assert.Null(second.Body["NextMarker"]);
        var ids = first["Rotations"].AsArray().Concat(second["Rotations"].AsArray()).Select(r => r!["KeyMaterialId"]!.GetValue<string>());
        Assert.Equal(5, ids.Distinct().Count());
        _f.Fails("ListKeyRotations", new { KeyId = id, Limit = 1001 }, "ValidationException", 400);
        _f.Fails("ListKeyRotations", new { KeyId = id, Limit = 0 }, "ValidationException", 400);
    }

    [Fact]
    public void ListKeyRotations_with_ALL_KEY_MATERIAL_starts_with_the_first_material_without_a_date()
    {
        var id = _f.CreateKey();
        var only = _f.Ok("ListKeyRotations", new { KeyId = id, IncludeKeyMaterial = "ALL_KEY_MATERIAL" })["Rotations"].AsArray();
        var first = Assert.Single(only)!;
        Assert.Equal("CURRENT", first["KeyMaterialState"]!.GetValue<string>());
        Assert.Null(first["RotationDate"]);
        Assert.Null(first["RotationType"]);
        _f.Ok("RotateKeyOnDemand", new { KeyId = id });
        var all = _f.Ok("ListKeyRotations", new { KeyId = id, IncludeKeyMaterial = "ALL_KEY_MATERIAL" })["Rotations"].AsArray();
        Assert.Equal(new[] { "NON_CURRENT", "CURRENT" }, all.Select(e => e!["KeyMaterialState"]!.GetValue<string>()));
        Assert.Equal(first["KeyMaterialId"]!.GetValue<string>(), all[0]!["KeyMaterialId"]!.GetValue<string>());
        Assert.Single(_f.Ok("ListKeyRotations", new { KeyId = id, IncludeKeyMaterial = "ROTATIONS_ONLY" })["Rotations"].AsArray());
        _f.Fails("ListKeyRotations", new { KeyId = id, IncludeKeyMaterial = "SOME" }, "ValidationException", 400);
        _f.Fails("ListKeyRotations", new { KeyId = _f.CreateKey(new { KeySpec = "RSA_2048" }) }, "UnsupportedOperationException", 400);
    }
}
