using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Sandbox.Kms;

namespace BuzzKeyMgmt.Sandbox.Tests.Rotation;

/// <summary>
/// RotateKeyOnDemand runs in the background on AWS (GetKeyRotationStatus: "there might be a slight delay between
/// initiating on-demand key rotation and the rotation's completion. Once the on-demand rotation is complete, KMS removes
/// this field"). Through the real SDK client, with a 10-minute rotation so the test controls when it completes.
/// </summary>
public sealed class OnDemandRotationTests : IDisposable
{
    private static readonly TimeSpan Running = TimeSpan.FromMinutes(10);
    private readonly RotationClient _c = new(Running);

    public void Dispose() => _c.Dispose();

    [Fact]
    public async Task While_it_runs_status_shows_the_start_date_and_nothing_is_listed_then_it_completes_dated_when_it_completed()
    {
        var id = await _c.NewKeyAsync();
        var rotate = await _c.TimedAsync(() => _c.RotateAsync(id));
        var running = await _c.StatusAsync(id);
        RotationClient.Within(running.OnDemandRotationStartDate, rotate);
        Assert.False(running.KeyRotationEnabled);   // on-demand needs no automatic rotation
        Assert.Empty(await _c.RotationsAsync(id));

        _c.Clock.Advance(Running);
        var done = await _c.StatusAsync(id);
        Assert.Null(done.OnDemandRotationStartDate);
        var entry = Assert.Single(await _c.RotationsAsync(id));
        Assert.Equal(RotationType.ON_DEMAND, entry.RotationType);
        Assert.Equal("CURRENT", entry.KeyMaterialState);
        RotationClient.Within(entry.RotationDate, rotate, Running);   // RotationDate: "the key material rotation completed"
    }

    [Fact]
    public async Task A_second_request_while_one_runs_is_a_ConflictException_409_and_is_not_counted()
    {
        var id = await _c.NewKeyAsync();
        await _c.RotateAsync(id);
        var e = await Assert.ThrowsAsync<ConflictException>(() => _c.RotateAsync(id));
        Assert.Equal(409, (int)e.StatusCode);
        Assert.Equal("ConflictException", e.ErrorCode);
        Assert.Contains($"key/{id}", e.Message);
        Assert.Contains("in progress", e.Message);

        _c.Clock.Advance(Running);
        await _c.RotateAsync(id);   // allowed again once the first completed
        _c.Clock.Advance(Running);
        Assert.Equal(2, (await _c.RotationsAsync(id)).Count);
        Assert.Equal(2, _c.Server.Kms.KeyFacts().Single(k => k.KeyId == id).OnDemandRotations);
    }

    [Fact]
    public async Task The_automatic_schedule_is_unchanged_by_an_on_demand_rotation()
    {
        var id = await _c.NewKeyAsync();
        await _c.EnableRotationAsync(id, 90);
        var next = (await _c.StatusAsync(id)).NextRotationDate;
        _c.Clock.Advance(TimeSpan.FromDays(30));
        await _c.RotateAsync(id);
        _c.Clock.Advance(Running);
        var after = await _c.StatusAsync(id);
        Assert.Equal(next, after.NextRotationDate);
        Assert.Equal(90, after.RotationPeriodInDays);
        _c.Clock.Advance(TimeSpan.FromDays(61));   // past the original date: the automatic rotation happens as scheduled
        Assert.Equal(new[] { RotationType.ON_DEMAND, RotationType.AUTOMATIC }, (await _c.RotationsAsync(id)).Select(r => r.RotationType));
    }

    [Fact]
    public async Task DisableKeyRotation_does_not_cancel_a_rotation_in_progress()
    {
        var id = await _c.NewKeyAsync();
        await _c.EnableRotationAsync(id);
        await _c.RotateAsync(id);
        await _c.Kms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = id });
        var status = await _c.StatusAsync(id);
        Assert.False(status.KeyRotationEnabled);
        Assert.NotNull(status.OnDemandRotationStartDate);
        _c.Clock.Advance(Running);
        Assert.Equal(RotationType.ON_DEMAND, Assert.Single(await _c.RotationsAsync(id)).RotationType);
    }

    [Fact]
    public async Task An_automatic_rotation_due_within_20_minutes_is_a_ConflictException()
    {
        var id = await _c.NewKeyAsync();
        await _c.EnableRotationAsync(id, 90);
        _c.Clock.Advance(TimeSpan.FromDays(90) - TimeSpan.FromMinutes(15));
        var e = await Assert.ThrowsAsync<ConflictException>(() => _c.RotateAsync(id));
        Assert.Equal(409, (int)e.StatusCode);
        Assert.Contains("automatic rotation", e.Message);
        _c.Clock.Advance(TimeSpan.FromMinutes(16));   // the automatic rotation happened
        await _c.RotateAsync(id);
        Assert.Equal(RotationType.AUTOMATIC, Assert.Single(await _c.RotationsAsync(id)).RotationType);
    }

    [Fact]
    public async Task The_lifetime_limit_is_a_LimitExceededException_naming_the_key_and_the_quota()
    {
        var id = await _c.NewKeyAsync();
        for (var i = 0; i < KmsService.OnDemandRotationLimit; i++)
        {
            await _c.RotateAsync(id);
            _c.Clock.Advance(Running);
        }
        var e = await Assert.ThrowsAsync<LimitExceededException>(() => _c.RotateAsync(id));
        Assert.Equal(400, (int)e.StatusCode);
        Assert.Equal($"On-demand rotations per key quota for arn:aws:kms:{_c.Server.Region}:{_c.Server.AccountId}:key/{id} is {KmsService.OnDemandRotationLimit}, current usage is {KmsService.OnDemandRotationLimit}.", e.Message);
        Assert.Equal(KmsService.OnDemandRotationLimit, (await _c.RotationsAsync(id, limit: 7)).Count);
        Assert.Null((await _c.StatusAsync(id)).OnDemandRotationStartDate);
    }

    [Fact]
    public async Task Old_ciphertext_decrypts_and_new_encryptions_use_the_old_material_until_the_rotation_completes()
    {
        var id = await _c.NewKeyAsync();
        var before = await EncryptAsync(id);
        await _c.RotateAsync(id);
        var during = await EncryptAsync(id);
        _c.Clock.Advance(Running);
        var after = await EncryptAsync(id);
        Assert.Equal(0, MaterialIndex(before));
        Assert.Equal(0, MaterialIndex(during));
        Assert.Equal(1, MaterialIndex(after));
        foreach (var blob in new[] { before, during, after })
            Assert.Equal("secret"u8.ToArray(), (await _c.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).Plaintext.ToArray());
    }

    private async Task<byte[]> EncryptAsync(string id) =>
        (await _c.Kms.EncryptAsync(new EncryptRequest { KeyId = id, Plaintext = new MemoryStream("secret"u8.ToArray()) })).CiphertextBlob.ToArray();

    /// <summary>The sandbox's ciphertext names its key material at bytes 17-20 (big-endian), see CryptoTests.</summary>
    private static int MaterialIndex(byte[] blob) => (blob[17] << 24) | (blob[18] << 16) | (blob[19] << 8) | blob[20];

    [Fact]
    public void The_sandbox_default_is_two_seconds_of_sandbox_time_and_a_bare_service_completes_at_once()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), new SandboxOptions().OnDemandRotationDuration);
        Assert.Equal(TimeSpan.Zero, new KmsService("111122223333", "us-east-1", TimeProvider.System).OnDemandRotationDuration);
        Assert.Equal(Running, _c.Server.Kms.OnDemandRotationDuration);
        Assert.Throws<ArgumentOutOfRangeException>(() => SandboxServer.Start(new SandboxOptions { OnDemandRotationDuration = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public async Task With_the_default_options_the_rotation_completes_two_seconds_later()
    {
        using var c = new RotationClient();
        var id = await c.NewKeyAsync();
        await c.RotateAsync(id);
        c.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null((await c.StatusAsync(id)).OnDemandRotationStartDate);
        Assert.Single(await c.RotationsAsync(id));
    }

    [Fact]
    public async Task With_zero_duration_it_completes_within_the_call()
    {
        using var c = new RotationClient(TimeSpan.Zero);
        var id = await c.NewKeyAsync();
        var rotate = await c.TimedAsync(() => c.RotateAsync(id));
        Assert.Null((await c.StatusAsync(id)).OnDemandRotationStartDate);
        RotationClient.Within(Assert.Single(await c.RotationsAsync(id)).RotationDate, rotate);
        await c.RotateAsync(id);   // no conflict: nothing runs
    }
}
