using System.Text;
using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

public sealed class CryptoTests
{
    private readonly KmsFixture _f = new();

    private string Decrypt(object body) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(_f.Ok("Decrypt", body)["Plaintext"].GetValue<string>()));

    [Fact]
    public void Encrypt_then_Decrypt_round_trips_with_and_without_KeyId()
    {
        var id = _f.CreateKey();
        _f.Ok("CreateAlias", new { AliasName = "alias/app", TargetKeyId = id });
        var enc = _f.Ok("Encrypt", new { KeyId = "alias/app", Plaintext = Convert.ToBase64String("hello"u8.ToArray()) });
        Assert.Equal(KmsFixture.KeyArn(id), enc["KeyId"].GetValue<string>());
        Assert.Equal("SYMMETRIC_DEFAULT", enc["EncryptionAlgorithm"].GetValue<string>());
        var blob = enc["CiphertextBlob"].GetValue<string>();
        Assert.NotEqual("hello", Encoding.UTF8.GetString(Convert.FromBase64String(blob)));
        Assert.Equal("hello", Decrypt(new { CiphertextBlob = blob }));
        Assert.Equal("hello", Decrypt(new { CiphertextBlob = blob, KeyId = id }));
        Assert.Equal(KmsFixture.KeyArn(id), _f.Ok("Decrypt", new { CiphertextBlob = blob })["KeyId"].GetValue<string>());
    }

    [Fact]
    public void Ciphertext_blob_layout_is_version_key_id_material_index_nonce_tag_ciphertext()
    {
        var id = _f.CreateKey();
        _f.Ok("RotateKeyOnDemand", new { KeyId = id });
        var blob = Convert.FromBase64String(_f.Encrypt(id, new byte[10]));
        Assert.Equal(1 + 16 + 4 + 12 + 16 + 10, blob.Length);
        Assert.Equal(1, blob[0]);
        Assert.Equal(Guid.Parse(id), new Guid(blob.AsSpan(1, 16)));
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, blob[17..21]);   // material 1 = the one made by the rotation
    }

    [Fact]
    public void Ciphertext_made_before_rotations_still_decrypts_after_them()
    {
        var id = _f.CreateKey();
        var old = _f.Encrypt(id, "before"u8.ToArray());
        _f.Ok("EnableKeyRotation", new { KeyId = id, RotationPeriodInDays = 90 });
        _f.Ok("RotateKeyOnDemand", new { KeyId = id });
        _f.Clock.AdvanceDays(200);   // two automatic rotations
        Assert.Equal(3, _f.Ok("ListKeyRotations", new { KeyId = id })["Rotations"].AsArray().Count);
        var fresh = _f.Encrypt(id, "after"u8.ToArray());
        Assert.Equal(3, BitConverter.ToInt32(Convert.FromBase64String(fresh).AsSpan(17, 4).ToArray().Reverse().ToArray()));
        Assert.Equal("before", Decrypt(new { CiphertextBlob = old }));
        Assert.Equal("after", Decrypt(new { CiphertextBlob = fresh }));
    }

    [Fact]
    public void Ciphertext_is_bound_to_its_key_context_and_bytes()
    {
        var id = _f.CreateKey();
        var other = _f.CreateKey();
        var context = new Dictionary<string, string> { ["purpose"] = "payroll" };
        var blob = _f.Encrypt(id, "bound"u8.ToArray(), context);
        var wrongKey = _f.Fails("Decrypt", new { CiphertextBlob = blob, KeyId = other, EncryptionContext = context }, "IncorrectKeyException", 400);
        Assert.False(string.IsNullOrEmpty(wrongKey.Message));
        _f.Fails("Decrypt", new { CiphertextBlob = blob }, "InvalidCiphertextException", 400);   // context missing
        _f.Fails("Decrypt", new { CiphertextBlob = blob, EncryptionContext = new Dictionary<string, string> { ["purpose"] = "other" } }, "InvalidCiphertextException", 400);
        var tampered = Convert.FromBase64String(blob);
        tampered[^1] ^= 0x01;
        _f.Fails("Decrypt", new { CiphertextBlob = Convert.ToBase64String(tampered), EncryptionContext = context }, "InvalidCiphertextException", 400);
        _f.Fails("Decrypt", new { CiphertextBlob = Convert.ToBase64String(new byte[60]) }, "InvalidCiphertextException", 400);
        Assert.Equal("bound", Decrypt(new { CiphertextBlob = blob, EncryptionContext = context }));
    }

    [Fact]
    public void Encryption_context_pairs_cannot_be_shifted_between_key_and_value()
    {
        var id = _f.CreateKey();
        var blob = _f.Encrypt(id, "x"u8.ToArray(), new Dictionary<string, string> { ["a"] = "b;c=d" });
        _f.Fails("Decrypt", new { CiphertextBlob = blob, EncryptionContext = new Dictionary<string, string> { ["a"] = "b", ["c"] = "d" } }, "InvalidCiphertextException", 400);
    }

    [Theory]
    [InlineData("AES_256", 32)]
    [InlineData("AES_128", 16)]
    public void GenerateDataKey_with_KeySpec_returns_a_plaintext_that_its_ciphertext_decrypts_to(string spec, int length)
    {
        var id = _f.CreateKey();
        var a = _f.Ok("GenerateDataKey", new { KeyId = id, KeySpec = spec });
        Assert.Equal(KmsFixture.KeyArn(id), a["KeyId"].GetValue<string>());
        var plaintext = a["Plaintext"].GetValue<string>();
        Assert.Equal(length, Convert.FromBase64String(plaintext).Length);
        var back = _f.Ok("Decrypt", new { CiphertextBlob = a["CiphertextBlob"].GetValue<string>() })["Plaintext"].GetValue<string>();
        Assert.Equal(plaintext, back);
    }

    [Fact]
    public void GenerateDataKey_with_NumberOfBytes_and_its_validation()
    {
        var id = _f.CreateKey();
        Assert.Equal(64, Convert.FromBase64String(_f.Ok("GenerateDataKey", new { KeyId = id, NumberOfBytes = 64 })["Plaintext"].GetValue<string>()).Length);
        _f.Fails("GenerateDataKey", new { KeyId = id }, "ValidationException", 400);
        _f.Fails("GenerateDataKey", new { KeyId = id, KeySpec = "AES_256", NumberOfBytes = 32 }, "ValidationException", 400);
        _f.Fails("GenerateDataKey", new { KeyId = id, NumberOfBytes = 1025 }, "ValidationException", 400);
        _f.Fails("GenerateDataKey", new { KeyId = id, KeySpec = "AES_512" }, "ValidationException", 400);
    }

    [Fact]
    public void Rsa_key_encrypts_with_OAEP_and_a_signing_key_refuses_encryption()
    {
        var id = _f.CreateKey(new { KeySpec = "RSA_2048", KeyUsage = "ENCRYPT_DECRYPT" });
        var enc = _f.Ok("Encrypt", new { KeyId = id, Plaintext = Convert.ToBase64String("rsa"u8.ToArray()), EncryptionAlgorithm = "RSAES_OAEP_SHA_256" });
        Assert.Equal(256, Convert.FromBase64String(enc["CiphertextBlob"].GetValue<string>()).Length);
        Assert.Equal("rsa", Decrypt(new { KeyId = id, CiphertextBlob = enc["CiphertextBlob"].GetValue<string>(), EncryptionAlgorithm = "RSAES_OAEP_SHA_256" }));
        _f.Fails("Encrypt", new { KeyId = id, Plaintext = Convert.ToBase64String("rsa"u8.ToArray()) }, "ValidationException", 400);
        _f.Fails("GenerateDataKey", new { KeyId = id, KeySpec = "AES_256" }, "InvalidKeyUsageException", 400);
        var signing = _f.CreateKey(new { KeySpec = "RSA_2048", KeyUsage = "SIGN_VERIFY" });
        _f.Fails("Encrypt", new { KeyId = signing, Plaintext = Convert.ToBase64String("x"u8.ToArray()), EncryptionAlgorithm = "RSAES_OAEP_SHA_256" }, "InvalidKeyUsageException", 400);
    }
}
