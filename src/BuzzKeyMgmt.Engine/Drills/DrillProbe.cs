using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Drills;

/// <summary>
/// The drill's own KMS work, as the Admin role on the drill key only (an IAM statement conditioned on the tag
/// Purpose=drill allows Encrypt, Decrypt and ScheduleKeyDeletion on such keys; runbooks/quarterly-drill.md): create the
/// key and its alias, encrypt a probe, prove what decrypts and what does not, and retire the key.
/// </summary>
internal sealed class DrillProbe(DrillState state)
{
    public const string TagKey = "Purpose", TagValue = "drill";
    public const int DeletionWindowDays = 7;

    public async Task<DrillCheck> CreateKeyAsync(OperationRun run)
    {
        var created = await run.ChangeAsync("createKey", "CreateKey", (kms, t) => kms.CreateKeyAsync(new CreateKeyRequest
        {
            Description = $"BuzzKeyMgmt drill {state.DrillId}: created by Invoke-KeyRevocationDrill, deleted when it ends",
            KeyUsage = KeyUsageType.ENCRYPT_DECRYPT,
            KeySpec = KeySpec.SYMMETRIC_DEFAULT,
            Tags = [new Tag { TagKey = TagKey, TagValue = TagValue }, new Tag { TagKey = "DrillId", TagValue = state.DrillId }],
        }, t)).ConfigureAwait(false);
        state.KeyId = created.KeyMetadata.KeyId;
        state.KeyArn = created.KeyMetadata.Arn;
        await run.ChangeAsync("createAlias", "CreateAlias", (kms, t) =>
            kms.CreateAliasAsync(new CreateAliasRequest { AliasName = state.Alias, TargetKeyId = state.KeyId }, t)).ConfigureAwait(false);
        state.AliasCreated = true;
        return new DrillCheck(created.KeyMetadata.KeyState == KeyState.Enabled, $"{state.Alias} -> {state.KeyId} ({created.KeyMetadata.KeyState})");
    }

    /// <summary>Encrypts 32 random bytes and decrypts them back: the probe the later steps prove against. Only the
    /// ciphertext and the plaintext's SHA-256 are kept.</summary>
    public async Task<DrillCheck> EncryptAsync(OperationRun run)
    {
        var plaintext = RandomNumberGenerator.GetBytes(32);
        var encrypted = await run.KmsAsync("Encrypt", (kms, t) =>
            kms.EncryptAsync(new EncryptRequest { KeyId = state.KeyId, Plaintext = new MemoryStream(plaintext) }, t)).ConfigureAwait(false);
        state.ProbeCiphertext = Convert.ToBase64String(encrypted.CiphertextBlob.ToArray());
        state.ProbeSha256 = Convert.ToHexString(SHA256.HashData(plaintext)).ToLowerInvariant();
        return await ProveDecryptsAsync(run, "right after encryption").ConfigureAwait(false);
    }

    public async Task<DrillCheck> ProveDecryptsAsync(OperationRun run, string when)
    {
        var decrypted = await DecryptAsync(run).ConfigureAwait(false);
        var hash = Convert.ToHexString(SHA256.HashData(decrypted.Plaintext.ToArray())).ToLowerInvariant();
        return hash == state.ProbeSha256
            ? new DrillCheck(true, $"the probe decrypts {when} (key {decrypted.KeyId})")
            : new DrillCheck(false, $"the probe decrypted {when} to other bytes than were encrypted");
    }

    /// <summary>Decryption must now fail as KMS fails it for a revoked key: DisabledException for a disabled key,
    /// KMSInvalidStateException for one pending deletion.</summary>
    public async Task<DrillCheck> ProveRevokedAsync(OperationRun run, bool pendingDeletion)
    {
        var expected = pendingDeletion ? nameof(KMSInvalidStateException) : nameof(DisabledException);
        try
        {
            await DecryptAsync(run).ConfigureAwait(false);
            return new DrillCheck(false, "the probe still decrypts: the key is not out of service");
        }
        catch (AmazonKeyManagementServiceException ex) when (ex is DisabledException or KMSInvalidStateException)
        {
            var name = ex.GetType().Name;
            return new DrillCheck(name == expected, name == expected
                ? $"Decrypt refused with {ex.ErrorCode}: data under the key is unreadable"
                : $"Decrypt refused with {ex.ErrorCode}, {expected} expected");
        }
    }

    /// <summary>After an on-demand rotation: waits (bounded) for it to finish, then proves the probe, encrypted under the
    /// old material, still decrypts, and that KMS lists the rotation.</summary>
    public async Task<DrillCheck> ProveRotatedAsync(OperationRun run)
    {
        var (finished, _, _) = await run.WaitUntilAsync(
            t => run.KmsAsync("GetKeyRotationStatus", (kms, c) => kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = state.KeyId }, c)),
            s => s.OnDemandRotationStartDate is null).ConfigureAwait(false);
        var rotations = await run.KmsAsync("ListKeyRotations", (kms, t) =>
            kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = state.KeyId }, t)).ConfigureAwait(false);
        var decrypts = await ProveDecryptsAsync(run, "under the rotated key").ConfigureAwait(false);
        var listed = rotations.Rotations?.Count ?? 0;
        return new DrillCheck(decrypts.Passed && listed > 0,
            $"{(finished ? "rotation completed" : "rotation still in progress")}, {listed} rotation(s) listed; old ciphertext: {decrypts.Detail}");
    }

    /// <summary>Schedules the drill key's deletion (7 days: the shortest KMS allows) unless it is pending already, and
    /// removes its alias. Each thing it cannot do goes to <paramref name="notCleaned"/>, naming how to finish it.</summary>
    public async Task<DrillCheck> RetireAsync(OperationRun run, List<string> notCleaned)
    {
        var done = new List<string>();
        try
        {
            var key = await run.KmsAsync("DescribeKey", (kms, t) => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = state.KeyId }, t))
                .ConfigureAwait(false);
            if (key.KeyMetadata.KeyState == KeyState.PendingDeletion) done.Add("deletion already scheduled");
            else
            {
                var scheduled = await run.ChangeAsync("scheduleDeletion", "ScheduleKeyDeletion", (kms, t) =>
                    kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = state.KeyId, PendingWindowInDays = DeletionWindowDays }, t))
                    .ConfigureAwait(false);
                done.Add($"deletion scheduled for {scheduled.DeletionDate:yyyy-MM-dd}");
            }
        }
        catch (Amazon.Runtime.AmazonServiceException ex)
        {
            notCleaned.Add($"{state.KeyId}: its deletion could not be scheduled ({ex.ErrorCode}: {ex.Message}); " +
                           $"run aws kms schedule-key-deletion --key-id {state.KeyId} --pending-window-in-days {DeletionWindowDays}.");
        }
        if (state.AliasCreated)
        {
            try
            {
                await run.ChangeAsync("deleteAlias", "DeleteAlias", (kms, t) => kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = state.Alias }, t))
                    .ConfigureAwait(false);
                state.AliasCreated = false;
                done.Add($"{state.Alias} deleted");
            }
            catch (NotFoundException)
            {
                state.AliasCreated = false;
                done.Add($"{state.Alias} already gone");
            }
            catch (Amazon.Runtime.AmazonServiceException ex)
            {
                notCleaned.Add($"{state.Alias}: the alias could not be deleted ({ex.ErrorCode}: {ex.Message}); run aws kms delete-alias --alias-name {state.Alias}.");
            }
        }
        return new DrillCheck(notCleaned.Count == 0, notCleaned.Count == 0 ? string.Join("; ", done) : string.Join(" ", notCleaned));
    }

    private Task<DecryptResponse> DecryptAsync(OperationRun run) =>
        run.KmsAsync("Decrypt", (kms, t) => kms.DecryptAsync(new DecryptRequest
        {
            KeyId = state.KeyId, CiphertextBlob = new MemoryStream(Convert.FromBase64String(state.ProbeCiphertext!)),
        }, t));
}
