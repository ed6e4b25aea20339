using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Fidelity;

/// <summary>
/// What the AWS SDK sees from the sandbox's KMS over HTTP, checked against KMS's documented key-state rules
/// (the operations themselves are the KMS helper's; these tests pin the behaviour end to end).
/// </summary>
public sealed class KeyLifecycleFidelityTests : IDisposable
{
    private readonly SandboxFixture f = new();
    private readonly AmazonKeyManagementServiceClient kms;

    public KeyLifecycleFidelityTests() => kms = f.Kms(f.RootCredentials);

    private async Task<string> NewKeyAsync() => (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "fidelity" })).KeyMetadata.KeyId;
    private async Task<KeyMetadata> Describe(string keyId) => (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata;

    [KmsFact]
    public async Task Create_disable_schedule_cancel_leaves_disabled_then_enable()
    {
        var keyId = await NewKeyAsync();
        Assert.Equal(KeyState.Enabled, (await Describe(keyId)).KeyState);
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId });
        var disabled = await Describe(keyId);
        Assert.Equal(KeyState.Disabled, disabled.KeyState);
        Assert.False(disabled.Enabled);

        var scheduled = await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = 7 });
        Assert.Equal(KeyState.PendingDeletion, scheduled.KeyState);
        Assert.Equal(7, scheduled.PendingWindowInDays);
        var expected = f.Server.Clock.GetUtcNow().AddDays(7);
        Assert.InRange(scheduled.DeletionDate!.Value.ToUniversalTime(), expected.UtcDateTime.AddDays(-1), expected.UtcDateTime.AddDays(1));
        Assert.NotNull((await Describe(keyId)).DeletionDate);

        await kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = keyId });
        var cancelled = await Describe(keyId);
        Assert.Equal(KeyState.Disabled, cancelled.KeyState);
        Assert.Null(cancelled.DeletionDate);

        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId });
        var enabled = await Describe(keyId);
        Assert.Equal(KeyState.Enabled, enabled.KeyState);
        Assert.True(enabled.Enabled);
    }

    [KmsFact]
    public async Task Cancel_on_a_key_not_pending_deletion_is_KMSInvalidState()
    {
        var keyId = await NewKeyAsync();
        var e = await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = keyId }));
        Assert.Equal(409, (int)e.StatusCode);
        Assert.Contains("is not pending deletion", e.Message);
    }

    [KmsFact]
    public async Task Disable_and_enable_on_a_key_pending_deletion_are_KMSInvalidState()
    {
        var keyId = await NewKeyAsync();
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = 7 });
        var disable = await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId }));
        Assert.Contains("is pending deletion", disable.Message);
        var enable = await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId }));
        Assert.Contains("is pending deletion", enable.Message);
        Assert.Equal(KeyState.PendingDeletion, (await Describe(keyId)).KeyState);
    }

    [KmsFact]
    public async Task Decrypt_with_a_disabled_key_is_DisabledException()
    {
        var keyId = await NewKeyAsync();
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream("card-data"u8.ToArray()) })).CiphertextBlob;
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId });
        blob.Position = 0;
        var e = await Assert.ThrowsAsync<DisabledException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob }));
        Assert.Equal(409, (int)e.StatusCode);
        Assert.Contains("is disabled", e.Message);
    }

    [KmsTheory]
    [InlineData(6)]
    [InlineData(31)]
    public async Task Pending_window_outside_7_to_30_days_is_rejected(int days)
    {
        var keyId = await NewKeyAsync();
        var e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() =>
            kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = days }));
        Assert.Equal(400, (int)e.StatusCode);
        Assert.Equal(KeyState.Enabled, (await Describe(keyId)).KeyState);
    }

    [KmsFact]
    public async Task Older_ciphertext_still_decrypts_after_on_demand_rotation()
    {
        var keyId = await NewKeyAsync();
        var before = (await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream("before rotation"u8.ToArray()) })).CiphertextBlob;
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = keyId });
        f.Server.Clock.Advance(f.Server.Kms.OnDemandRotationDuration);   // wait for the background rotation, as against AWS
        var rotations = await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId });
        Assert.NotEmpty(rotations.Rotations);
        var after = (await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream("after rotation"u8.ToArray()) })).CiphertextBlob;
        before.Position = 0;
        after.Position = 0;
        var old = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = before });
        Assert.Equal("before rotation"u8.ToArray(), old.Plaintext.ToArray());
        Assert.EndsWith(keyId, old.KeyId);
        Assert.Equal("after rotation"u8.ToArray(), (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = after })).Plaintext.ToArray());
    }

    [KmsFact]
    public async Task Key_is_gone_after_the_clock_passes_the_deletion_window()
    {
        var keyId = await NewKeyAsync();
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = 7 });
        f.Server.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(KeyState.PendingDeletion, (await Describe(keyId)).KeyState);
        f.Server.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<NotFoundException>(() => Describe(keyId));
    }

    public void Dispose()
    {
        kms.Dispose();
        f.Dispose();
    }
}
