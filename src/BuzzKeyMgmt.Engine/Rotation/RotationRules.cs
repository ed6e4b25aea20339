using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Rotation;

/// <summary>What rotation refuses before any change is sent, with the reason in the operator's words, and the reads
/// both rotation operations share.</summary>
internal static class RotationRules
{
    /// <summary>Refuses keys KMS cannot rotate, and keys that are not Enabled (KMS does not rotate a disabled key).</summary>
    public static void RequireRotatable(OperationRun run, string purpose)
    {
        var key = run.Target.Metadata!;
        var name = run.Target.Display;
        if (key.KeyManager == KeyManagerType.AWS)
            throw Refused("AwsManagedKey", $"{name} is an AWS managed key: AWS rotates it every year and its rotation cannot be changed.");
        if (key.KeySpec != KeySpec.SYMMETRIC_DEFAULT)
            throw Refused("CannotRotate", $"{name} is a {key.KeySpec} key: KMS rotates only symmetric encryption keys; replace it with a new key instead.");
        if (key.Origin != OriginType.AWS_KMS)
            throw Refused("CannotRotate", $"{name} has {key.Origin} key material: KMS cannot rotate imported or external material; replace the key instead.");
        if (key.KeyState == KeyState.PendingDeletion)
            throw Refused("KeyPendingDeletion", $"{name} is pending deletion: {purpose.ToLowerInvariant()} does not apply; cancel the deletion first if the key is still needed.");
        if (key.KeyState != KeyState.Enabled)
            throw Refused("KeyNotEnabled", $"{name} is {key.KeyState}: KMS does not rotate a key that is not enabled; recover or enable it first.");
    }

    public static Task<GetKeyRotationStatusResponse> StatusAsync(OperationRun run) =>
        run.KmsAsync("GetKeyRotationStatus", (kms, t) => kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = run.Target.KeyId }, t));

    /// <summary>The key's rotations, oldest first as KMS lists them (all pages).</summary>
    public static async Task<List<RotationsListEntry>> RotationsAsync(OperationRun run)
    {
        var all = new List<RotationsListEntry>();
        string? marker = null;
        do
        {
            var page = await run.KmsAsync("ListKeyRotations", (kms, t) =>
                kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = run.Target.KeyId, Limit = 1000, Marker = marker }, t)).ConfigureAwait(false);
            all.AddRange(page.Rotations ?? []);
            marker = page.Truncated == true ? page.NextMarker : null;
        } while (marker is not null);
        return all;
    }

    public static DateTimeOffset? Newest(IEnumerable<RotationsListEntry> rotations) =>
        rotations.Select(r => KeyStatusMapper.Utc(r.RotationDate)).Where(d => d is not null).Max();

    public static KeyMgmtException Refused(string id, string message) => new(id, FailureKind.InvalidOperation, message);
}
