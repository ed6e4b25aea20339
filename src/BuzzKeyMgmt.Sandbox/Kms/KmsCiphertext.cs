using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>
/// The sandbox's symmetric ciphertext blob, AES-256-GCM under one version of a key's material:
/// <c>[1 byte version = 1][16 bytes key id (GUID)][4 bytes material index, big-endian][12 bytes nonce][16 bytes tag][ciphertext]</c>.
/// The additional authenticated data binds the key id and the encryption context (sorted pairs, length-prefixed), so a blob
/// only decrypts under its own key, material and context.
/// </summary>
internal static class KmsCiphertext
{
    private const byte Version = 1;
    private const int HeaderLength = 1 + 16 + 4 + 12 + 16;

    public static byte[] Seal(KmsKey key, ReadOnlySpan<byte> plaintext, IReadOnlyDictionary<string, string> context)
    {
        var index = key.Materials.Count - 1;
        var blob = new byte[HeaderLength + plaintext.Length];
        blob[0] = Version;
        Guid.Parse(key.Id).TryWriteBytes(blob.AsSpan(1, 16));
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(17, 4), index);
        var nonce = blob.AsSpan(21, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Materials[index], 16);
        aes.Encrypt(nonce, plaintext, blob.AsSpan(HeaderLength), blob.AsSpan(33, 16), Aad(key.Id, context));
        return blob;
    }

    /// <summary>The key id a blob names, or null when the bytes are not a sandbox ciphertext.</summary>
    public static string? KeyIdOf(byte[] blob) =>
        blob.Length >= HeaderLength && blob[0] == Version ? new Guid(blob.AsSpan(1, 16)).ToString() : null;

    public static byte[] Open(KmsKey key, byte[] blob, IReadOnlyDictionary<string, string> context)
    {
        var index = BinaryPrimitives.ReadInt32BigEndian(blob.AsSpan(17, 4));
        if (index < 0 || index >= key.Materials.Count) throw Invalid();
        var plaintext = new byte[blob.Length - HeaderLength];
        try
        {
            using var aes = new AesGcm(key.Materials[index], 16);
            aes.Decrypt(blob.AsSpan(21, 12), blob.AsSpan(HeaderLength), blob.AsSpan(33, 16), plaintext, Aad(key.Id, context));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Invalid();
        }
        return plaintext;
    }

    public static KmsException Invalid() => new("InvalidCiphertextException", "The ciphertext is invalid, or was not encrypted under this key with this encryption context.");

    /// <summary>The AAD: a label, the key id, then each context pair sorted by key, every string length-prefixed so that
    /// no two different contexts give the same bytes.</summary>
    private static byte[] Aad(string keyId, IReadOnlyDictionary<string, string> context)
    {
        using var aad = new MemoryStream();
        void Put(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            aad.Write(length);
            aad.Write(bytes);
        }
        Put("kms-sandbox-v1");
        Put(keyId);
        foreach (var pair in context.OrderBy(p => p.Key, StringComparer.Ordinal)) { Put(pair.Key); Put(pair.Value); }
        return aad.ToArray();
    }
}
