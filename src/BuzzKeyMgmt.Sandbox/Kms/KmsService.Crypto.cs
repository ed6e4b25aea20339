using System.Security.Cryptography;

namespace BuzzKeyMgmt.Sandbox.Kms;

public sealed partial class KmsService
{
    private static void UsableForCrypto(KmsKey k)
    {
        if (k.State == KmsKey.StateDisabled) throw KmsException.Disabled(k.Arn);
        NotPendingDeletion(k);
        if (k.KeyUsage != "ENCRYPT_DECRYPT")
            throw new KmsException("InvalidKeyUsageException", $"{k.Arn} key usage is {k.KeyUsage} which is not valid for this operation.");
    }

    private static RSAEncryptionPadding RsaPadding(string? algorithm, KmsKey k) => algorithm switch
    {
        "RSAES_OAEP_SHA_256" => RSAEncryptionPadding.OaepSHA256,
        "RSAES_OAEP_SHA_1" => RSAEncryptionPadding.OaepSHA1,
        null => throw new KmsException("ValidationException", $"EncryptionAlgorithm is required for {k.KeySpec} keys."),
        _ => throw new KmsException("InvalidKeyUsageException", $"Algorithm {algorithm} is incompatible with key spec {k.KeySpec}."),
    };

    private ServiceResponse Encrypt(KmsRequest r)
    {
        var plaintext = r.Blob("Plaintext", required: true, 1, 4096)!;
        var context = r.StringMap("EncryptionContext");
        var algorithm = r.String("EncryptionAlgorithm");
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: true);
        return Change(key, k =>
        {
            UsableForCrypto(k);
            byte[] blob;
            if (k.IsSymmetric)
            {
                if (algorithm is not (null or "SYMMETRIC_DEFAULT"))
                    throw new KmsException("InvalidKeyUsageException", $"Algorithm {algorithm} is incompatible with key spec {k.KeySpec}.");
                blob = KmsCiphertext.Seal(k, plaintext, context);
                algorithm = "SYMMETRIC_DEFAULT";
            }
            else
            {
                try { blob = k.Rsa.Encrypt(plaintext, RsaPadding(algorithm, k)); }
                catch (CryptographicException) { throw KmsException.Validation("'plaintext'", "plaintext", $"Member must fit one {k.KeySpec} block"); }
            }
            return KmsResponse.Write(w =>
            {
                w.WriteBase64String("CiphertextBlob", blob);
                w.WriteString("KeyId", k.Arn);
                w.WriteString("EncryptionAlgorithm", algorithm);
            });
        });
    }

    private ServiceResponse Decrypt(KmsRequest r)
    {
        var blob = r.Blob("CiphertextBlob", required: true, 1, 6144)!;
        var context = r.StringMap("EncryptionContext");
        var requested = r.String("KeyId");
        var algorithm = r.String("EncryptionAlgorithm");
        KmsKey key;
        if (requested is not null)
        {
            key = _store.Resolve(requested, aliasAllowed: true);
            var named = KmsCiphertext.KeyIdOf(blob);
            if (key.IsSymmetric && named is not null && named != key.Id)
                throw new KmsException("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
        }
        else
        {
            var named = KmsCiphertext.KeyIdOf(blob) ?? throw KmsCiphertext.Invalid();
            key = _store.Resolve(named, aliasAllowed: false);
        }
        return Change(key, k =>
        {
            UsableForCrypto(k);
            byte[] plaintext;
            if (k.IsSymmetric)
            {
                if (KmsCiphertext.KeyIdOf(blob) is null) throw KmsCiphertext.Invalid();
                plaintext = KmsCiphertext.Open(k, blob, context);
                algorithm = "SYMMETRIC_DEFAULT";
            }
            else
            {
                try { plaintext = k.Rsa.Decrypt(blob, RsaPadding(algorithm, k)); }
                catch (CryptographicException) { throw KmsCiphertext.Invalid(); }
            }
            return KmsResponse.Write(w =>
            {
                w.WriteString("KeyId", k.Arn);
                w.WriteBase64String("Plaintext", plaintext);
                w.WriteString("EncryptionAlgorithm", algorithm);
            });
        });
    }

    private ServiceResponse GenerateDataKey(KmsRequest r)
    {
        var keyRef = r.String("KeyId", required: true)!;
        var spec = r.String("KeySpec");
        var bytes = r.Int("NumberOfBytes", 1, 1024);
        if (spec is not null && bytes is not null)
            throw new KmsException("ValidationException", "Please specify either number of bytes or key spec.");
        var length = bytes ?? spec switch
        {
            "AES_256" => 32,
            "AES_128" => 16,
            null => throw new KmsException("ValidationException", "Please specify either number of bytes or key spec."),
            _ => throw KmsException.Validation($"'{spec}'", "keySpec", "Member must satisfy enum value set: [AES_256, AES_128]"),
        };
        var context = r.StringMap("EncryptionContext");
        var key = _store.Resolve(keyRef, aliasAllowed: true);
        return Change(key, k =>
        {
            UsableForCrypto(k);
            if (!k.IsSymmetric) throw new KmsException("InvalidKeyUsageException", $"{k.Arn} key spec {k.KeySpec} is not valid for this operation.");
            var plaintext = RandomNumberGenerator.GetBytes(length);
            var blob = KmsCiphertext.Seal(k, plaintext, context);
            return KmsResponse.Write(w =>
            {
                w.WriteBase64String("CiphertextBlob", blob);
                w.WriteBase64String("Plaintext", plaintext);
                w.WriteString("KeyId", k.Arn);
            });
        });
    }
}
