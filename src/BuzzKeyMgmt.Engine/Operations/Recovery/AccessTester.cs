using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace BuzzKeyMgmt.Engine.Operations.Recovery;

/// <summary>Proves applications can use a key: GenerateDataKey (AES-256) under an encryption context, then Decrypt
/// of that ciphertext, and the plaintexts must match.</summary>
internal static class AccessTester
{
    public static async Task<(bool Passed, long GenerateMs, long DecryptMs)> RoundTripAsync(IAmazonKeyManagementService kms, string keyId, CancellationToken cancellation)
    {
        var context = new Dictionary<string, string> { ["purpose"] = "buzzkeymgmt-access-test" };
        var sw = Stopwatch.StartNew();
        var generated = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = keyId, KeySpec = DataKeySpec.AES_256, EncryptionContext = context }, cancellation).ConfigureAwait(false);
        var generateMs = sw.ElapsedMilliseconds;
        sw.Restart();
        var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = generated.CiphertextBlob, KeyId = keyId, EncryptionContext = context }, cancellation).ConfigureAwait(false);
        var decryptMs = sw.ElapsedMilliseconds;
        var passed = CryptographicOperations.FixedTimeEquals(generated.Plaintext.ToArray(), decrypted.Plaintext.ToArray());
        return (passed, generateMs, decryptMs);
    }
}
