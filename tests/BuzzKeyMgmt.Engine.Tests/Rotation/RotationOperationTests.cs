using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Rotation;
using BuzzKeyMgmt.Engine.Tests.Operations;

namespace BuzzKeyMgmt.Engine.Tests.Rotation;

/// <summary>Set-KeyRotationPolicy's and Invoke-KeyRotation's operations on the one operation path, against the sandbox.</summary>
public sealed class RotationOperationTests
{
    private static RotationPolicyChange Policy(KeyReference key, int? period = null, bool disable = false, bool force = false) =>
        new(key, period, disable, 90, force, "CHG-2026-0107", null);

    private static IReadOnlyList<AuditRecord> Rows(RunnerHarness h, KeyReference key, string operation) =>
        h.RowsFor(h.KeyIdOf(key)).Where(r => r.Operation == operation).ToList();

    [Fact]
    public async Task Turning_rotation_on_uses_the_policy_period_is_read_back_audited_and_not_alerted_when_it_succeeds()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin, change: "CHG-2026-0107");
        using var runner = h.Runner(admin);

        var result = await runner.RunAsync(Policy(key), CancellationToken.None);

        Assert.Equal((false, true, (int?)90, true), (result.PreviousRotationEnabled, result.RotationEnabled, result.RotationPeriodDays, result.Changed));
        var status = await h.RootKms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = h.KeyIdOf(key) });
        Assert.Equal((true, 90), (status.KeyRotationEnabled == true, status.RotationPeriodInDays ?? 0));
        var rows = Rows(h, key, AuditOperations.RotationPolicy);
        Assert.Equal(new[] { AuditOutcome.Pending, AuditOutcome.Succeeded }, rows.Select(r => r.Outcome));
        Assert.Equal("CHG-2026-0107", rows[1].ChangeId);
        Assert.Empty(h.Server.Messages);
    }

    [Fact]
    public async Task A_period_longer_than_the_policy_is_refused_before_anything_is_sent_or_written_unless_forced()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var runner = h.Runner(admin);

        var refused = await Assert.ThrowsAsync<KeyMgmtException>(() => runner.RunAsync(Policy(key, 365), CancellationToken.None));
        Assert.Equal(("PeriodLongerThanPolicy", FailureKind.InvalidArgument), (refused.ErrorId, refused.Kind));
        Assert.Empty(h.RowsFor(h.KeyIdOf(key)));
        Assert.Equal(0, h.Server.RequestCount("KMS.EnableKeyRotation"));

        var forced = await runner.RunAsync(Policy(key, 365, force: true), CancellationToken.None);
        Assert.Equal((int?)365, forced.RotationPeriodDays);
        Assert.Contains(forced.Warnings, w => w.Contains("longer than the policy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_that_already_rotates_as_asked_is_audited_and_nothing_is_sent()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var runner = h.Runner(admin);
        await runner.RunAsync(Policy(key), CancellationToken.None);
        var sent = h.Server.RequestCount("KMS.EnableKeyRotation");

        var again = await runner.RunAsync(Policy(key), CancellationToken.None);

        Assert.False(again.Changed);
        Assert.Equal(sent, h.Server.RequestCount("KMS.EnableKeyRotation"));
        Assert.Equal(4, Rows(h, key, AuditOperations.RotationPolicy).Count);
    }

    [Fact]
    public async Task A_key_kms_cannot_rotate_is_refused_with_its_reason_audited_and_alerted_without_a_call()
    {
        using var h = new RunnerHarness();
        var rsa = (await h.RootKms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_3072, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var runner = h.Runner(admin);

        var e = await Assert.ThrowsAsync<OperationFailedException>(() => runner.RunAsync(Policy(KeyReference.Parse(rsa)), CancellationToken.None));

        Assert.Equal("CannotRotate", e.ErrorId);
        Assert.Contains("RSA_3072", e.Message);
        Assert.Equal(0, h.Server.RequestCount("KMS.EnableKeyRotation"));
        Assert.Equal("CannotRotate", h.RowsFor(rsa).Last().ErrorCode);
        var alert = KeyAlert.FromBody(Assert.Single(h.Server.Messages).Message)!;
        Assert.Equal(("key.rotate_policy.refused", "CannotRotate", "warning"), (alert.Event, alert.ErrorCode, alert.Severity));
    }

    [Fact]
    public async Task Turning_rotation_off_is_read_back_and_warns_that_the_key_leaves_the_policy()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var runner = h.Runner(admin);
        await runner.RunAsync(Policy(key), CancellationToken.None);

        var off = await runner.RunAsync(Policy(key, disable: true), CancellationToken.None);

        Assert.Equal((true, false, true), (off.PreviousRotationEnabled, off.RotationEnabled, off.Changed));
        Assert.Contains(off.Warnings, w => w.Contains("fall out of the 90-day policy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_on_demand_rotation_is_read_back_as_running_or_done_and_audited()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var runner = h.Runner(admin);

        var result = await runner.RunAsync(new OnDemandRotation(key, null, "INC-2026-0042"), CancellationToken.None);

        Assert.Contains(result.RotationState, new[] { "InProgress", "Completed" });
        Assert.Null(result.PreviousRotationDate);
        Assert.Equal(1, h.Server.RequestCount("KMS.RotateKeyOnDemand"));
        Assert.Equal(new[] { AuditOutcome.Pending, AuditOutcome.Succeeded }, Rows(h, key, AuditOperations.Rotate).Select(r => r.Outcome));
        Assert.Empty(h.Server.Messages);
    }

    [Fact]
    public async Task The_lifetime_limit_of_on_demand_rotations_is_one_clear_error_sent_once_not_a_retry_storm()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var keyId = h.KeyIdOf(key);
        for (var i = 0; i < Sandbox.Kms.KmsService.OnDemandRotationLimit; i++)
        {
            await h.RootKms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = keyId });
            h.Server.Clock.Advance(TimeSpan.FromMinutes(10));   // let an asynchronous rotation finish
        }
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var runner = h.Runner(admin);
        var sent = h.Server.RequestCount("KMS.RotateKeyOnDemand");

        var e = await Assert.ThrowsAsync<OperationFailedException>(() => runner.RunAsync(new OnDemandRotation(key, null, null), CancellationToken.None));

        Assert.Equal(("OnDemandRotationLimit", FailureKind.LimitsExceeded), (e.ErrorId, e.Kind));
        Assert.Equal(sent + 1, h.Server.RequestCount("KMS.RotateKeyOnDemand"));
        Assert.Equal("OnDemandRotationLimit", h.RowsFor(keyId).Last().ErrorCode);
        Assert.Equal("key.rotate.failed", KeyAlert.FromBody(Assert.Single(h.Server.Messages).Message)!.Event);
    }

    [Fact]
    public async Task A_rotation_already_running_is_refused_before_sending_with_its_start_audited_and_alerted()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var keyId = h.KeyIdOf(key);
        await h.RootKms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = keyId });   // 2 s of sandbox time to run
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var runner = h.Runner(admin);
        var sent = h.Server.RequestCount("KMS.RotateKeyOnDemand");

        var e = await Assert.ThrowsAsync<OperationFailedException>(() => runner.RunAsync(new OnDemandRotation(key, null, null), CancellationToken.None));

        Assert.Equal(("RotationInProgress", FailureKind.ResourceBusy), (e.ErrorId, e.Kind));
        Assert.Contains("already running (since", e.Message);
        Assert.Equal(sent, h.Server.RequestCount("KMS.RotateKeyOnDemand"));
        Assert.Equal("RotationInProgress", h.RowsFor(keyId).Last().ErrorCode);
        Assert.Equal(("key.rotate.refused", "RotationInProgress"),
            KeyAlert.FromBody(Assert.Single(h.Server.Messages).Message) is { } a ? (a.Event, a.ErrorCode) : default);
    }

    [Fact]
    public async Task Kms_conflict_when_automatic_rotation_is_minutes_away_is_one_clear_error_sent_once()
    {
        using var h = new RunnerHarness();
        var key = h.NewKey();
        var keyId = h.KeyIdOf(key);
        await h.RootKms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = keyId, RotationPeriodInDays = 90 });
        var next = (await h.RootKms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId })).NextRotationDate!.Value;
        h.Server.Clock.Advance(new DateTimeOffset(next.ToUniversalTime()) - h.Server.Clock.GetUtcNow() - TimeSpan.FromMinutes(10));
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var runner = h.Runner(admin);
        var sent = h.Server.RequestCount("KMS.RotateKeyOnDemand");

        var e = await Assert.ThrowsAsync<OperationFailedException>(() => runner.RunAsync(new OnDemandRotation(key, null, null), CancellationToken.None));

        Assert.Equal(("RotationInProgress", FailureKind.ResourceBusy), (e.ErrorId, e.Kind));
        Assert.Contains("automatic rotation is due within minutes", e.Message);
        Assert.Equal(sent + 1, h.Server.RequestCount("KMS.RotateKeyOnDemand"));
        Assert.Equal("RotationInProgress", h.RowsFor(keyId).Last().ErrorCode);
    }

    [Fact]
    public async Task A_bulk_run_sends_one_summary_alert_with_its_counts()
    {
        using var h = new RunnerHarness();
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin, change: "CHG-2026-0107");
        var summary = new BulkRunSummary(AuditOperations.Rotate);
        summary.Done();
        summary.Done();
        summary.Fail();
        summary.Skip();

        var sent = await summary.SendAsync(admin, CancellationToken.None, h.Outbox);

        Assert.Equal(AlertDelivery.Published, sent!.Delivery);
        var message = Assert.Single(h.Server.Messages);
        Assert.Equal("[sandbox] KEY ROTATE SUMMARY: 4 keys, 2 done, 1 failed, 1 skipped", message.Subject);
        var body = KeyAlert.FromBody(message.Message)!;
        Assert.Equal(("key.rotate.summary", KeyAlert.Failed, new AlertSummary(4, 2, 1, 1)), (body.Event, body.Outcome, body.Summary));
        Assert.Null(await new BulkRunSummary(AuditOperations.Rotate).SendAsync(admin, CancellationToken.None, h.Outbox));
    }
}
