using System.Security.Cryptography;
using System.Text;
using BuzzKeyMgmt.Sandbox.Kms;
using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

/// <summary>
/// KMS Sign, Verify, GetPublicKey, GenerateMac and VerifyMac in the service (the calls audit chain digests are signed
/// and checked with): AWS's members, algorithms, message types, limits and errors; signatures that verify offline with
/// the public key GetPublicKey returns, as any verifier outside KMS checks them.
/// </summary>
public sealed class AnchorSigningTests
{
    private readonly KmsFixture _f = new();
    private static readonly byte[] Digest = Encoding.UTF8.GetBytes("d1|7:sandbox|1:1|1:1|1:2");

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private string Key(string spec, string usage = "SIGN_VERIFY") => _f.CreateKey(new { KeySpec = spec, KeyUsage = usage });

    private byte[] PublicKey(string keyRef) => Convert.FromBase64String(_f.Ok("GetPublicKey", new { KeyId = keyRef })["PublicKey"].GetValue<string>());

    private byte[] Sign(string keyRef, string algorithm, byte[] message, string? messageType = null) =>
        Convert.FromBase64String(_f.Ok("Sign", new { KeyId = keyRef, Message = B64(message), MessageType = messageType, SigningAlgorithm = algorithm })
            ["Signature"].GetValue<string>());

    [Fact]
    public void Ecc_signature_is_DER_ECDSA_over_SHA256_and_verifies_offline_with_GetPublicKey()
    {
        var id = Key("ECC_NIST_P256");
        var sign = _f.Ok("Sign", new { KeyId = id, Message = B64(Digest), SigningAlgorithm = "ECDSA_SHA_256" });
        Assert.Equal(KmsFixture.KeyArn(id), sign["KeyId"].GetValue<string>());
        Assert.Equal("ECDSA_SHA_256", sign["SigningAlgorithm"].GetValue<string>());
        var signature = Convert.FromBase64String(sign["Signature"].GetValue<string>());
        Assert.Equal(0x30, signature[0]);   // a DER SEQUENCE of r and s, as KMS returns it

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(PublicKey(id), out _);
        Assert.Equal(256, ecdsa.KeySize);
        Assert.True(ecdsa.VerifyData(Digest, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(ecdsa.VerifyData(Encoding.UTF8.GetBytes("d1|7:sandbox|1:2"), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        var verified = _f.Ok("Verify", new { KeyId = id, Message = B64(Digest), Signature = B64(signature), SigningAlgorithm = "ECDSA_SHA_256" });
        Assert.True(verified["SignatureValid"].GetValue<bool>());
        Assert.Equal(KmsFixture.KeyArn(id), verified["KeyId"].GetValue<string>());
    }

    [Theory]
    [InlineData("RSASSA_PSS_SHA_256")]
    [InlineData("RSASSA_PKCS1_V1_5_SHA_256")]
    [InlineData("RSASSA_PSS_SHA_384")]
    public void Rsa_signatures_verify_offline_with_their_padding_and_hash(string algorithm)
    {
        var id = Key("RSA_3072");
        var signature = Sign(id, algorithm, Digest);
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(PublicKey(id), out _);
        Assert.Equal(3072, rsa.KeySize);
        var hash = algorithm.EndsWith("384", StringComparison.Ordinal) ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
        var padding = algorithm.Contains("PSS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        Assert.True(rsa.VerifyData(Digest, signature, hash, padding));
        Assert.False(rsa.VerifyData(Digest, signature, hash, padding == RSASignaturePadding.Pss ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss));
    }

    [Fact]
    public void A_DIGEST_message_is_the_hash_and_signs_the_same_message_as_RAW()
    {
        var id = Key("ECC_NIST_P256");
        var overDigest = Sign(id, "ECDSA_SHA_256", SHA256.HashData(Digest), "DIGEST");
        // The signature over the hash verifies as a signature over the raw message, and the other way round.
        _f.Ok("Verify", new { KeyId = id, Message = B64(Digest), MessageType = "RAW", Signature = B64(overDigest), SigningAlgorithm = "ECDSA_SHA_256" });
        var overRaw = Sign(id, "ECDSA_SHA_256", Digest);
        _f.Ok("Verify", new { KeyId = id, Message = B64(SHA256.HashData(Digest)), MessageType = "DIGEST", Signature = B64(overRaw), SigningAlgorithm = "ECDSA_SHA_256" });

        var wrongLength = _f.Fails("Sign", new { KeyId = id, Message = B64(new byte[31]), MessageType = "DIGEST", SigningAlgorithm = "ECDSA_SHA_256" },
            "ValidationException", 400);
        Assert.Equal("Digest is invalid length for algorithm ECDSA_SHA_256.", wrongLength.Message);
    }

    [Fact]
    public void A_signature_that_does_not_match_is_KMSInvalidSignatureException_without_a_message()
    {
        var id = Key("ECC_NIST_P256");
        var signature = Sign(id, "ECDSA_SHA_256", Digest);
        var tampered = (byte[])Digest.Clone();
        tampered[^1] ^= 1;
        var wrong = _f.Fails("Verify", new { KeyId = id, Message = B64(tampered), Signature = B64(signature), SigningAlgorithm = "ECDSA_SHA_256" },
            "KMSInvalidSignatureException", 400);
        Assert.Equal("", wrong.Message);
        _f.Fails("Verify", new { KeyId = id, Message = B64(Digest), Signature = B64([1, 2, 3]), SigningAlgorithm = "ECDSA_SHA_256" },
            "KMSInvalidSignatureException", 400);
        // Another key's signature does not verify either.
        var other = Key("ECC_NIST_P256");
        _f.Fails("Verify", new { KeyId = other, Message = B64(Digest), Signature = B64(signature), SigningAlgorithm = "ECDSA_SHA_256" },
            "KMSInvalidSignatureException", 400);
    }

    [Fact]
    public void Messages_members_and_algorithms_are_validated_as_KMS_validates_them()
    {
        var id = Key("ECC_NIST_P256");
        var tooLong = _f.Fails("Sign", new { KeyId = id, Message = B64(new byte[4097]), SigningAlgorithm = "ECDSA_SHA_256" }, "ValidationException", 400);
        Assert.Contains("'message' failed to satisfy constraint: Member must have length less than or equal to 4096", tooLong.Message);
        _f.Ok("Sign", new { KeyId = id, Message = B64(new byte[4096]), SigningAlgorithm = "ECDSA_SHA_256" });
        var empty = _f.Fails("Sign", new { KeyId = id, Message = "", SigningAlgorithm = "ECDSA_SHA_256" }, "ValidationException", 400);
        Assert.Contains("greater than or equal to 1", empty.Message);
        var none = _f.Fails("Sign", new { KeyId = id, Message = B64(Digest) }, "ValidationException", 400);
        Assert.Equal("1 validation error detected: Value null at 'signingAlgorithm' failed to satisfy constraint: Member must not be null", none.Message);
        var unknown = _f.Fails("Sign", new { KeyId = id, Message = B64(Digest), SigningAlgorithm = "ECDSA_SHA_1" }, "ValidationException", 400);
        Assert.Contains("Member must satisfy enum value set", unknown.Message);
        _f.Fails("Sign", new { KeyId = id, Message = B64(Digest), MessageType = "HASHED", SigningAlgorithm = "ECDSA_SHA_256" }, "ValidationException", 400);

        var rsa = Key("RSA_2048");
        var mismatch = _f.Fails("Sign", new { KeyId = rsa, Message = B64(Digest), SigningAlgorithm = "ECDSA_SHA_256" }, "InvalidKeyUsageException", 400);
        Assert.Equal("Algorithm ECDSA_SHA_256 is incompatible with key spec RSA_2048.", mismatch.Message);
        _f.Fails("Sign", new { KeyId = id, Message = B64(Digest), SigningAlgorithm = "RSASSA_PSS_SHA_256" }, "InvalidKeyUsageException", 400);
    }

    [Fact]
    public void Keys_of_another_usage_are_InvalidKeyUsageException_naming_the_operation()
    {
        var symmetric = _f.CreateKey();
        var sign = _f.Fails("Sign", new { KeyId = symmetric, Message = B64(Digest), SigningAlgorithm = "ECDSA_SHA_256" }, "InvalidKeyUsageException", 400);
        Assert.Equal($"{KmsFixture.KeyArn(symmetric)} key usage is ENCRYPT_DECRYPT which is not valid for Sign.", sign.Message);
        var hmac = Key("HMAC_256", "GENERATE_VERIFY_MAC");
        _f.Fails("Verify", new { KeyId = hmac, Message = B64(Digest), Signature = B64([1]), SigningAlgorithm = "ECDSA_SHA_256" }, "InvalidKeyUsageException", 400);
        var mac = _f.Fails("GenerateMac", new { KeyId = symmetric, Message = B64(Digest), MacAlgorithm = "HMAC_SHA_256" }, "InvalidKeyUsageException", 400);
        Assert.Equal($"{KmsFixture.KeyArn(symmetric)} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.", mac.Message);
        var rsaEncrypt = Key("RSA_3072", "ENCRYPT_DECRYPT");
        _f.Fails("Sign", new { KeyId = rsaEncrypt, Message = B64(Digest), SigningAlgorithm = "RSASSA_PSS_SHA_256" }, "InvalidKeyUsageException", 400);
        // GetPublicKey answers for any asymmetric key (an RSA encryption key lists its encryption algorithms), not for symmetric or HMAC keys.
        var rsaPublic = _f.Ok("GetPublicKey", new { KeyId = rsaEncrypt });
        Assert.Equal("ENCRYPT_DECRYPT", rsaPublic["KeyUsage"].GetValue<string>());
        Assert.Contains("RSAES_OAEP_SHA_256", rsaPublic["EncryptionAlgorithms"].AsArray().Select(a => a!.GetValue<string>()));
        _f.Fails("GetPublicKey", new { KeyId = symmetric }, "UnsupportedOperationException", 400);
        _f.Fails("GetPublicKey", new { KeyId = hmac }, "UnsupportedOperationException", 400);
    }

    [Fact]
    public void GetPublicKey_answers_spec_usage_and_signing_algorithms()
    {
        var id = Key("ECC_NIST_P256");
        _f.Ok("CreateAlias", new { AliasName = "alias/digests", TargetKeyId = id });
        var answer = _f.Ok("GetPublicKey", new { KeyId = "alias/digests" });
        Assert.Equal(KmsFixture.KeyArn(id), answer["KeyId"].GetValue<string>());
        Assert.Equal("ECC_NIST_P256", answer["KeySpec"].GetValue<string>());
        Assert.Equal("ECC_NIST_P256", answer["CustomerMasterKeySpec"].GetValue<string>());
        Assert.Equal("SIGN_VERIFY", answer["KeyUsage"].GetValue<string>());
        Assert.Equal(["ECDSA_SHA_256"], answer["SigningAlgorithms"].AsArray().Select(a => a!.GetValue<string>()));
        Assert.Null(answer.Body["EncryptionAlgorithms"]);
        // Signing by alias name and alias ARN answers with the key ARN.
        Assert.Equal(KmsFixture.KeyArn(id), _f.Ok("Sign", new { KeyId = KmsFixture.AliasArn("alias/digests"), Message = B64(Digest), SigningAlgorithm = "ECDSA_SHA_256" })
            ["KeyId"].GetValue<string>());
    }

    [Fact]
    public void Disabled_keys_are_DisabledException_and_keys_pending_deletion_KMSInvalidStateException()
    {
        var id = Key("ECC_NIST_P256");
        var signature = Sign(id, "ECDSA_SHA_256", Digest);
        var hmac = Key("HMAC_256", "GENERATE_VERIFY_MAC");
        _f.Ok("DisableKey", new { KeyId = id });
        _f.Ok("DisableKey", new { KeyId = hmac });
        var disabled = _f.Fails("Sign", new { KeyId = id, Message = B64(Digest), SigningAlgorithm = "ECDSA_SHA_256" }, "DisabledException", 409);
        Assert.Equal($"{KmsFixture.KeyArn(id)} is disabled.", disabled.Message);
        _f.Fails("Verify", new { KeyId = id, Message = B64(Digest), Signature = B64(signature), SigningAlgorithm = "ECDSA_SHA_256" }, "DisabledException", 409);
        _f.Fails("GetPublicKey", new { KeyId = id }, "DisabledException", 409);
        _f.Fails("GenerateMac", new { KeyId = hmac, Message = B64(Digest), MacAlgorithm = "HMAC_SHA_256" }, "DisabledException", 409);
        _f.Ok("ScheduleKeyDeletion", new { KeyId = id, PendingWindowInDays = 7 });
        var pending = _f.Fails("Sign", new { KeyId = id, Message = B64(Digest), SigningAlgorithm = "ECDSA_SHA_256" }, "KMSInvalidStateException", 409);
        Assert.EndsWith("is pending deletion.", pending.Message);
    }

    [Fact]
    public void Hmac_keys_generate_and_verify_HMAC_SHA_256_and_a_wrong_mac_is_KMSInvalidMacException()
    {
        var id = Key("HMAC_256", "GENERATE_VERIFY_MAC");
        var generated = _f.Ok("GenerateMac", new { KeyId = id, Message = B64(Digest), MacAlgorithm = "HMAC_SHA_256" });
        Assert.Equal(KmsFixture.KeyArn(id), generated["KeyId"].GetValue<string>());
        Assert.Equal("HMAC_SHA_256", generated["MacAlgorithm"].GetValue<string>());
        var mac = Convert.FromBase64String(generated["Mac"].GetValue<string>());
        Assert.Equal(32, mac.Length);
        Assert.Equal(mac, Convert.FromBase64String(_f.Ok("GenerateMac", new { KeyId = id, Message = B64(Digest), MacAlgorithm = "HMAC_SHA_256" })["Mac"].GetValue<string>()));

        var verified = _f.Ok("VerifyMac", new { KeyId = id, Message = B64(Digest), Mac = B64(mac), MacAlgorithm = "HMAC_SHA_256" });
        Assert.True(verified["MacValid"].GetValue<bool>());
        mac[0] ^= 1;
        var wrong = _f.Fails("VerifyMac", new { KeyId = id, Message = B64(Digest), Mac = B64(mac), MacAlgorithm = "HMAC_SHA_256" }, "KMSInvalidMacException", 400);
        Assert.Equal("", wrong.Message);
        var other = Key("HMAC_256", "GENERATE_VERIFY_MAC");
        mac[0] ^= 1;
        _f.Fails("VerifyMac", new { KeyId = other, Message = B64(Digest), Mac = B64(mac), MacAlgorithm = "HMAC_SHA_256" }, "KMSInvalidMacException", 400);
        var algorithm = _f.Fails("GenerateMac", new { KeyId = id, Message = B64(Digest), MacAlgorithm = "HMAC_SHA_384" }, "InvalidKeyUsageException", 400);
        Assert.Equal("Algorithm HMAC_SHA_384 is incompatible with key spec HMAC_256.", algorithm.Message);
        var missing = _f.Fails("GenerateMac", new { KeyId = id, Message = B64(Digest) }, "ValidationException", 400);
        Assert.Contains("'macAlgorithm' failed to satisfy constraint: Member must not be null", missing.Message);
    }

    [Fact]
    public void The_audit_digest_key_is_an_ECC_signing_key_with_its_alias_and_tag_made_once()
    {
        var arn = _f.Kms.AddAuditDigestKey();
        Assert.Equal(arn, _f.Kms.AddAuditDigestKey());
        var meta = _f.Describe(KmsService.AuditDigestAlias);
        Assert.Equal(arn, meta["Arn"]!.GetValue<string>());
        Assert.Equal("ECC_NIST_P256", meta["KeySpec"]!.GetValue<string>());
        Assert.Equal("SIGN_VERIFY", meta["KeyUsage"]!.GetValue<string>());
        var tags = _f.Ok("ListResourceTags", new { KeyId = arn })["Tags"].AsArray();
        var tag = Assert.Single(tags)!;
        Assert.Equal((KmsService.AuditDigestTagKey, KmsService.AuditDigestTagValue), (tag["TagKey"]!.GetValue<string>(), tag["TagValue"]!.GetValue<string>()));
        Sign(KmsService.AuditDigestAlias, "ECDSA_SHA_256", Digest);
    }

    [Fact]
    public void Sign_and_Verify_take_from_the_ECC_or_RSA_bucket_and_MACs_from_the_symmetric_one()
    {
        Assert.Equal(300, KmsQuotas.RateFor("Sign", "ECC_NIST_P256"));
        Assert.Equal(500, KmsQuotas.RateFor("Verify", "RSA_3072"));
        Assert.Equal(2000, KmsQuotas.RateFor("GetPublicKey"));
        Assert.Equal(10_000, KmsQuotas.RateFor("GenerateMac"));
        var quotas = new KmsQuotas();
        var ecc = Enumerable.Range(0, 1000).Count(i => quotas.TryAcquire(i % 2 == 0 ? "Sign" : "Verify", "ECC_NIST_P256"));
        Assert.InRange(ecc, 300, 999);   // Sign and Verify drew from one ECC bucket of 300 (plus what refilled meanwhile)
        Assert.True(quotas.TryAcquire("Sign", "RSA_2048"), "RSA keys have their own bucket");
    }
}
