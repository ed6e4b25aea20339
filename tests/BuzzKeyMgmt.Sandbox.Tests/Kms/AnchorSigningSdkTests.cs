using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

/// <summary>
/// Sign, Verify, GetPublicKey, GenerateMac and VerifyMac through the real AWS SDK client over HTTP: every member
/// unmarshals, the two invalid-signature errors arrive as the SDK's own exception types, and the permissions follow the
/// design: the identities that write audit rows (the three roles, the IAM users who request and approve) may sign with
/// the audit digest key and nothing else; every reader may verify; "trainee" may do neither.
/// </summary>
public sealed class AnchorSigningSdkTests : IDisposable
{
    private readonly DigestKeySandboxFixture _f = new();
    private readonly AmazonKeyManagementServiceClient _root;
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("d1|7:sandbox|1:1|1:1|1:2|64:" + new string('a', 64));

    public AnchorSigningSdkTests() => _root = _f.Kms(_f.RootCredentials);

    public void Dispose()
    {
        _root.Dispose();
        _f.Dispose();
    }

    private async Task<SignResponse> SignAsync(IAmazonKeyManagementService kms, string keyId, string algorithm = "ECDSA_SHA_256") =>
        await kms.SignAsync(new SignRequest
        {
            KeyId = keyId, Message = new MemoryStream(Message), MessageType = MessageType.RAW, SigningAlgorithm = SigningAlgorithmSpec.FindValue(algorithm),
        });

    [KmsFact]
    public async Task Sign_Verify_and_GetPublicKey_unmarshal_and_the_signature_verifies_offline()
    {
        var signed = await SignAsync(_root, _f.Server.AuditDigestKeyAlias);
        Assert.NotNull(_f.Server.AuditDigestKeyArn);
        Assert.Equal(_f.Server.AuditDigestKeyArn, signed.KeyId);
        Assert.Equal(SigningAlgorithmSpec.ECDSA_SHA_256, signed.SigningAlgorithm);
        var signature = signed.Signature.ToArray();

        var publicKey = await _root.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = _f.Server.AuditDigestKeyAlias });
        Assert.Equal(_f.Server.AuditDigestKeyArn, publicKey.KeyId);
        Assert.Equal(KeySpec.ECC_NIST_P256, publicKey.KeySpec);
        Assert.Equal(KeyUsageType.SIGN_VERIFY, publicKey.KeyUsage);
        Assert.Equal(["ECDSA_SHA_256"], publicKey.SigningAlgorithms);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(publicKey.PublicKey.ToArray(), out _);
        Assert.True(ecdsa.VerifyData(Message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        var verify = await _root.VerifyAsync(new VerifyRequest
        {
            KeyId = _f.Server.AuditDigestKeyArn, Message = new MemoryStream(Message), Signature = new MemoryStream(signature),
            SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        });
        Assert.True(verify.SignatureValid);
        Assert.Equal(_f.Server.AuditDigestKeyArn, verify.KeyId);

        signature[^1] ^= 1;
        var bad = await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => _root.VerifyAsync(new VerifyRequest
        {
            KeyId = _f.Server.AuditDigestKeyArn, Message = new MemoryStream(Message), Signature = new MemoryStream(signature),
            SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        }));
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Equal("KMSInvalidSignatureException", bad.ErrorCode);
    }

    [KmsFact]
    public async Task Only_a_sandbox_started_with_AuditDigestKey_has_the_digest_key()
    {
        using var bare = new SandboxFixture();
        Assert.Null(bare.Server.AuditDigestKeyArn);
        using var kms = bare.Kms(bare.RootCredentials);
        Assert.Equal("NotFoundException", (await Assert.ThrowsAsync<NotFoundException>(() => SignAsync(kms, bare.Server.AuditDigestKeyAlias))).ErrorCode);
        Assert.Contains(_f.Server.AuditDigestKeyArn!.Split('/')[^1], (await _root.ListKeysAsync(new ListKeysRequest())).Keys.Select(k => k.KeyId));
    }

    [KmsFact]
    public async Task Rsa_and_hmac_keys_sign_and_mac_through_the_sdk()
    {
        var rsa = (await _root.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_3072, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;
        var signed = await SignAsync(_root, rsa, "RSASSA_PSS_SHA_256");
        using var publicRsa = RSA.Create();
        publicRsa.ImportSubjectPublicKeyInfo((await _root.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = rsa })).PublicKey.ToArray(), out _);
        Assert.True(publicRsa.VerifyData(Message, signed.Signature.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));

        var hmac = (await _root.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.HMAC_256, KeyUsage = KeyUsageType.GENERATE_VERIFY_MAC })).KeyMetadata.KeyId;
        var mac = await _root.GenerateMacAsync(new GenerateMacRequest { KeyId = hmac, Message = new MemoryStream(Message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 });
        Assert.Equal(MacAlgorithmSpec.HMAC_SHA_256, mac.MacAlgorithm);
        Assert.EndsWith(hmac, mac.KeyId);
        var ok = await _root.VerifyMacAsync(new VerifyMacRequest
        {
            KeyId = hmac, Message = new MemoryStream(Message), Mac = new MemoryStream(mac.Mac.ToArray()), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256,
        });
        Assert.True(ok.MacValid);
        var wrong = mac.Mac.ToArray();
        wrong[0] ^= 1;
        var bad = await Assert.ThrowsAsync<KMSInvalidMacException>(() => _root.VerifyMacAsync(new VerifyMacRequest
        {
            KeyId = hmac, Message = new MemoryStream(Message), Mac = new MemoryStream(wrong), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256,
        }));
        Assert.Equal("KMSInvalidMacException", bad.ErrorCode);
    }

    [KmsFact]
    public async Task The_roles_that_write_audit_rows_sign_with_the_digest_key_and_with_no_other_key()
    {
        var other = (await _root.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;
        foreach (var roleArn in new[] { _f.Server.AdminRoleArn, _f.Server.EmergencyRoleArn, _f.Server.RecoveryRoleArn })
        {
            var (credentials, _) = await _f.AssumeAsync(roleArn, withMfa: roleArn != _f.Server.AdminRoleArn);
            using var kms = _f.Kms(credentials);
            Assert.Equal(_f.Server.AuditDigestKeyArn, (await SignAsync(kms, _f.Server.AuditDigestKeyAlias)).KeyId);
            var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => SignAsync(kms, other));
            Assert.Equal("AccessDeniedException", denied.ErrorCode);
            Assert.Contains($"is not authorized to perform: kms:Sign on resource: arn:aws:kms:{_f.Server.Region}:{_f.Server.AccountId}:key/{other}", denied.Message);
        }
        using (var approver = _f.Kms(_f.UserCredentials("approver1")))
            await SignAsync(approver, _f.Server.AuditDigestKeyAlias);   // requests and approvals are written as the IAM user
    }

    [KmsFact]
    public async Task Readers_verify_and_read_the_public_key_but_trainee_can_do_neither_nor_sign()
    {
        var signature = (await SignAsync(_root, _f.Server.AuditDigestKeyAlias)).Signature.ToArray();
        using (var op = _f.Kms(_f.UserCredentials("operator")))
        {
            Assert.NotNull((await op.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = _f.Server.AuditDigestKeyAlias })).PublicKey);
            Assert.True((await op.VerifyAsync(new VerifyRequest
            {
                KeyId = _f.Server.AuditDigestKeyAlias, Message = new MemoryStream(Message), Signature = new MemoryStream(signature),
                SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
            })).SignatureValid);
        }
        using var trainee = _f.Kms(_f.UserCredentials("trainee"));
        foreach (var call in new Func<Task>[]
                 {
                     () => SignAsync(trainee, _f.Server.AuditDigestKeyAlias),
                     () => trainee.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = _f.Server.AuditDigestKeyAlias }),
                 })
            Assert.Equal("AccessDeniedException", (await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(call)).ErrorCode);
    }
}

/// <summary>A sandbox started with its audit digest key, as Start-KeyMgmtSandbox starts it.</summary>
public sealed class DigestKeySandboxFixture() : SandboxFixture(new SandboxOptions { EnforceQuotas = false, AuditDigestKey = true });
