using BuzzKeyMgmt.Engine.Rotation;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Tests.Rotation;

/// <summary>How one key is judged against a 90-day policy: reasons, due date, days overdue, what fixes it.</summary>
public sealed class RotationEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static KeyStatus Key(int createdDaysAgo = 400, int? rotatedDaysAgo = 10, bool? rotation = true, int? period = 90,
        string state = "Enabled", string spec = "SYMMETRIC_DEFAULT", string manager = "CUSTOMER", string origin = "AWS_KMS") => new()
    {
        KeyId = Guid.NewGuid().ToString(), Arn = "arn:aws:kms:us-east-1:111122223333:key/x", Aliases = ["alias/k"], State = state,
        Enabled = state == "Enabled", KeySpec = spec, KeyManager = manager, Origin = origin, CreationDate = Now.AddDays(-createdDaysAgo),
        RotationEnabled = rotation, RotationPeriodDays = rotation == true ? period : null,
        LastRotationDate = rotatedDaysAgo is { } r ? Now.AddDays(-r) : null, Environment = "prod",
    };

    private static RotationDueItem? Judge(KeyStatus key, int within = 0) => RotationEvaluator.Evaluate(key, 90, Now, within);

    [Fact]
    public void A_key_rotated_within_the_period_with_rotation_on_is_not_listed() =>
        Assert.Null(Judge(Key(rotatedDaysAgo: 10)));

    [Fact]
    public void The_due_date_is_the_newest_rotation_plus_the_policy_period_and_overdue_days_count_from_it()
    {
        var item = Judge(Key(rotatedDaysAgo: 100))!;
        Assert.Equal(RotationDueReason.Overdue, item.Reason);
        Assert.Equal(Now.AddDays(-10), item.DueDate);
        Assert.Equal(10, item.DaysOverdue);
        Assert.Equal("Rotate", item.Action);
        Assert.Equal(90, item.PolicyPeriodDays);
    }

    [Fact]
    public void A_key_never_rotated_is_judged_from_its_creation_not_guessed_from_the_next_rotation_date()
    {
        var old = Judge(Key(createdDaysAgo: 200, rotatedDaysAgo: null))!;
        Assert.Equal((RotationDueReason.NeverRotated, Now.AddDays(-110), (DateTimeOffset?)null), (old.Reason, old.DueDate, old.LastRotationDate));
        Assert.Null(Judge(Key(createdDaysAgo: 20, rotatedDaysAgo: null)));
    }

    [Fact]
    public void Within_lists_keys_that_fall_due_inside_the_horizon_with_days_left_as_negative_overdue()
    {
        Assert.Null(Judge(Key(rotatedDaysAgo: 80), within: 5));
        var soon = Judge(Key(rotatedDaysAgo: 80), within: 14)!;
        Assert.Equal((RotationDueReason.DueWithin, -10), (soon.Reason, soon.DaysOverdue));
    }

    [Fact]
    public void Rotation_off_and_a_period_longer_than_the_policy_are_listed_whatever_the_date()
    {
        var off = Judge(Key(rotatedDaysAgo: 1, rotation: false))!;
        var yearly = Judge(Key(rotatedDaysAgo: 1, period: 365))!;
        Assert.Equal((RotationDueReason.RotationDisabled, "EnableRotation"), (off.Reason, off.Action));
        Assert.Equal((RotationDueReason.PeriodLongerThanPolicy, "EnableRotation", (int?)365), (yearly.Reason, yearly.Action, yearly.RotationPeriodDays));
    }

    [Theory]
    [InlineData("Disabled", "SYMMETRIC_DEFAULT", "CUSTOMER", RotationDueReason.KeyDisabled)]
    [InlineData("PendingDeletion", "SYMMETRIC_DEFAULT", "CUSTOMER", RotationDueReason.PendingDeletion)]
    [InlineData("Enabled", "SYMMETRIC_DEFAULT", "AWS", RotationDueReason.AwsManaged)]
    [InlineData("Enabled", "RSA_3072", "CUSTOMER", RotationDueReason.CannotRotate)]
    [InlineData("Enabled", "HMAC_256", "CUSTOMER", RotationDueReason.CannotRotate)]
    public void Keys_that_are_not_rotation_failures_get_their_own_reason_when_old_and_are_not_listed_when_young(
        string state, string spec, string manager, RotationDueReason reason)
    {
        var old = Judge(Key(rotatedDaysAgo: 200, rotation: false, state: state, spec: spec, manager: manager))!;
        Assert.Equal((reason, "None"), (old.Reason, old.Action));
        Assert.Null(Judge(Key(rotatedDaysAgo: 5, rotation: false, state: state, spec: spec, manager: manager)));
    }

    [Fact]
    public void Imported_key_material_cannot_rotate()
    {
        var imported = Judge(Key(rotatedDaysAgo: null, createdDaysAgo: 200, rotation: false, origin: "EXTERNAL"))!;
        Assert.Equal(RotationDueReason.CannotRotate, imported.Reason);
    }
}
