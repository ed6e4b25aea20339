using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace BuzzKeyMgmt.Sandbox.Tests.Rotation;

/// <summary>
/// How EnableKeyRotation, DisableKeyRotation, DisableKey/EnableKey and deletion move a key's automatic rotation schedule,
/// through the real SDK client. Sources: the API references of EnableKeyRotation ("rotates ... one year from the enable
/// date"; "RotationPeriodInDays to modify the rotation period"), GetKeyRotationStatus (disabled and pending-deletion keys)
/// and the developer guide page "Disable automatic key rotation" ("based on the new rotation-enable date").
/// </summary>
public sealed class RotationScheduleTests : IDisposable
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private readonly RotationClient _c = new(TimeSpan.Zero);

    public void Dispose() => _c.Dispose();

    [Fact]
    public async Task Enabling_on_a_key_that_never_rotated_schedules_one_period_after_the_enable_date_not_the_creation_date()
    {
        var id = await _c.NewKeyAsync();
        await _c.RotateAsync(id);   // an on-demand rotation does not anchor the schedule either
        _c.Clock.Advance(200 * Day);
        var enable = await _c.TimedAsync(() => _c.EnableRotationAsync(id, 90));
        var status = await _c.StatusAsync(id);
        Assert.True(status.KeyRotationEnabled);
        Assert.Equal(90, status.RotationPeriodInDays);
        RotationClient.Within(status.NextRotationDate, enable, 90 * Day);
        Assert.Single(await _c.RotationsAsync(id));
    }

    [Fact]
    public async Task Without_a_period_it_is_365_days_even_on_a_key_that_had_another()
    {
        var id = await _c.NewKeyAsync();
        await _c.EnableRotationAsync(id, 180);
        await _c.EnableRotationAsync(id);
        Assert.Equal(365, (await _c.StatusAsync(id)).RotationPeriodInDays);
    }

    [Fact]
    public async Task Changing_the_period_keeps_the_cycle_start_and_adds_the_new_period()
    {
        var id = await _c.NewKeyAsync();
        var enable = await _c.TimedAsync(() => _c.EnableRotationAsync(id, 365));
        _c.Clock.Advance(100 * Day);
        await _c.EnableRotationAsync(id, 180);
        var status = await _c.StatusAsync(id);
        Assert.Equal(180, status.RotationPeriodInDays);
        RotationClient.Within(status.NextRotationDate, enable, 180 * Day);

        await _c.EnableRotationAsync(id, 180);   // the same period again: nothing moves
        Assert.Equal(status.NextRotationDate, (await _c.StatusAsync(id)).NextRotationDate);

        _c.Clock.Advance(81 * Day);   // day 181: rotated at day 180, the new cycle starts there
        var rotated = Assert.Single(await _c.RotationsAsync(id));
        Assert.Equal(RotationType.AUTOMATIC, rotated.RotationType);
        RotationClient.Within(rotated.RotationDate, enable, 180 * Day);
        await _c.EnableRotationAsync(id, 270);
        RotationClient.Within((await _c.StatusAsync(id)).NextRotationDate, enable, 450 * Day);
    }

    [Fact]
    public async Task Shortening_the_period_below_the_time_already_passed_makes_the_rotation_due_at_once()
    {
        var id = await _c.NewKeyAsync();
        await _c.EnableRotationAsync(id, 365);
        _c.Clock.Advance(100 * Day);
        var change = await _c.TimedAsync(() => _c.EnableRotationAsync(id, 90));
        var entry = Assert.Single(await _c.RotationsAsync(id));
        Assert.Equal(RotationType.AUTOMATIC, entry.RotationType);
        RotationClient.Within(entry.RotationDate, change);
        var status = await _c.StatusAsync(id);
        Assert.Equal(90, status.RotationPeriodInDays);
        RotationClient.Within(status.NextRotationDate, change, 90 * Day);   // a period after the rotation it caused
    }

    [Fact]
    public async Task Disable_then_enable_rotation_starts_over_from_the_new_enable_date()
    {
        var id = await _c.NewKeyAsync();
        await _c.EnableRotationAsync(id, 90);
        _c.Clock.Advance(60 * Day);
        await _c.Kms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = id });
        var off = await _c.StatusAsync(id);
        Assert.False(off.KeyRotationEnabled);
        Assert.Null(off.NextRotationDate);
        _c.Clock.Advance(60 * Day);
        Assert.Empty(await _c.RotationsAsync(id));   // nothing rotated while rotation was off
        var enable = await _c.TimedAsync(() => _c.EnableRotationAsync(id, 90));
        RotationClient.Within((await _c.StatusAsync(id)).NextRotationDate, enable, 90 * Day);
        Assert.Empty(await _c.RotationsAsync(id));
    }

    [Fact]
    public async Task A_disabled_key_keeps_its_status_is_not_rotated_and_is_rotated_once_when_enabled_after_missed_dates()
    {
        var id = await _c.NewKeyAsync();
        var enable = await _c.TimedAsync(() => _c.EnableRotationAsync(id, 90));
        await _c.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = id });
        _c.Clock.Advance(400 * Day);   // four rotation dates pass while disabled
        var disabled = await _c.StatusAsync(id);
        Assert.True(disabled.KeyRotationEnabled);   // "The key rotation status does not change when you disable a KMS key"
        Assert.Equal(90, disabled.RotationPeriodInDays);
        RotationClient.Within(disabled.NextRotationDate, enable, 90 * Day);
        Assert.Empty(await _c.RotationsAsync(id));
        await Assert.ThrowsAsync<DisabledException>(() => _c.EnableRotationAsync(id, 180));   // cannot be changed while disabled

        var reenable = await _c.TimedAsync(() => _c.Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = id }));
        var once = Assert.Single(await _c.RotationsAsync(id));   // once, not once per missed period
        RotationClient.Within(once.RotationDate, reenable);
        RotationClient.Within((await _c.StatusAsync(id)).NextRotationDate, reenable, 90 * Day);
        _c.Clock.Advance(91 * Day);
        Assert.Equal(2, (await _c.RotationsAsync(id)).Count);   // then every period again
    }

    [Fact]
    public async Task A_key_enabled_again_before_its_rotation_date_resumes_its_schedule_without_rotating()
    {
        var id = await _c.NewKeyAsync();
        await _c.EnableRotationAsync(id, 90);
        var next = (await _c.StatusAsync(id)).NextRotationDate;
        await _c.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = id });
        _c.Clock.Advance(50 * Day);
        await _c.Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = id });
        Assert.Empty(await _c.RotationsAsync(id));
        Assert.Equal(next, (await _c.StatusAsync(id)).NextRotationDate);
    }

    [Fact]
    public async Task Pending_deletion_reads_false_and_the_status_returns_after_cancel_and_enable_with_one_rotation()
    {
        var id = await _c.NewKeyAsync();
        await _c.EnableRotationAsync(id, 90);
        await _c.Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = id, PendingWindowInDays = 30 });
        var pending = await _c.StatusAsync(id);
        Assert.False(pending.KeyRotationEnabled);
        Assert.Null(pending.RotationPeriodInDays);
        Assert.Null(pending.NextRotationDate);
        var e = await Assert.ThrowsAsync<KMSInvalidStateException>(() => _c.EnableRotationAsync(id));
        Assert.Equal(409, (int)e.StatusCode);
        _c.Clock.Advance(29 * Day);
        await _c.Kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = id });
        _c.Clock.Advance(100 * Day);   // the rotation date passed while pending deletion, then disabled
        var restored = await _c.StatusAsync(id);
        Assert.True(restored.KeyRotationEnabled);   // "the original key rotation status returns to true"
        Assert.Equal(90, restored.RotationPeriodInDays);
        Assert.Empty(await _c.RotationsAsync(id));
        await _c.Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = id });
        Assert.Single(await _c.RotationsAsync(id));
    }

    [Theory]
    [InlineData(89)]
    [InlineData(2561)]
    public async Task A_period_outside_90_to_2560_is_a_ValidationException(int days)
    {
        var id = await _c.NewKeyAsync();
        var e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _c.EnableRotationAsync(id, days));
        Assert.Equal("ValidationException", e.ErrorCode);
        Assert.Equal(400, (int)e.StatusCode);
        Assert.False((await _c.StatusAsync(id)).KeyRotationEnabled);
    }
}
