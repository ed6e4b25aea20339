using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace BuzzKeyMgmt.Sandbox.Tests.Rotation;

/// <summary>
/// Keys that cannot rotate: asymmetric and HMAC keys ("You cannot enable automatic rotation of asymmetric KMS keys, HMAC
/// KMS keys, KMS keys with imported key material, or KMS keys in a custom key store"), and AWS managed keys, which KMS
/// rotates every year by itself ("The key rotation status for AWS managed KMS keys is always true").
/// </summary>
public sealed class KeyTypeRotationTests : IDisposable
{
    private readonly RotationClient _c = new(TimeSpan.Zero);

    public void Dispose() => _c.Dispose();

    public static TheoryData<string, string> KeysThatCannotRotate => new()
    {
        { "RSA_3072", "SIGN_VERIFY" },
        { "RSA_2048", "ENCRYPT_DECRYPT" },
        { "ECC_NIST_P256", "SIGN_VERIFY" },
        { "HMAC_256", "GENERATE_VERIFY_MAC" },
    };

    [Theory]
    [MemberData(nameof(KeysThatCannotRotate))]
    public async Task Rotation_calls_are_UnsupportedOperation_and_the_status_reads_false(string spec, string usage)
    {
        var id = await _c.NewKeyAsync(new KeySpec(spec), new KeyUsageType(usage));
        var meta = (await _c.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = id })).KeyMetadata;
        Assert.Equal(spec, meta.KeySpec.Value);
        Assert.Equal(usage, meta.KeyUsage.Value);
        foreach (var call in new Func<Task>[]
        {
            () => _c.EnableRotationAsync(id),
            () => _c.EnableRotationAsync(id, 90),
            () => _c.Kms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = id }),
            () => _c.RotateAsync(id),
            () => _c.Kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = id }),
        })
        {
            var e = await Assert.ThrowsAsync<UnsupportedOperationException>(call);
            Assert.Equal(400, (int)e.StatusCode);
            Assert.Contains($"key/{id}", e.Message);
        }
        // Status: false, no period, no date. Older API references: "The key rotation status of these KMS keys is always
        // false"; Terraform's AWS provider reads it for every AWS_KMS-origin key and would fail on an error.
        var status = await _c.StatusAsync(id);
        Assert.False(status.KeyRotationEnabled);
        Assert.Null(status.RotationPeriodInDays);
        Assert.Null(status.NextRotationDate);
        Assert.EndsWith(id, status.KeyId);
    }

    [Fact]
    public async Task Ecc_and_hmac_keys_describe_their_algorithms_and_refuse_other_usages()
    {
        var ecc = (await _c.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = await _c.NewKeyAsync(KeySpec.ECC_NIST_P256, KeyUsageType.SIGN_VERIFY) })).KeyMetadata;
        Assert.Equal(["ECDSA_SHA_256"], ecc.SigningAlgorithms);
        var hmac = (await _c.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = await _c.NewKeyAsync(KeySpec.HMAC_256, KeyUsageType.GENERATE_VERIFY_MAC) })).KeyMetadata;
        Assert.Equal(["HMAC_SHA_256"], hmac.MacAlgorithms);
        var e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _c.NewKeyAsync(KeySpec.HMAC_256, KeyUsageType.ENCRYPT_DECRYPT));
        Assert.Equal("ValidationException", e.ErrorCode);
        e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _c.NewKeyAsync(KeySpec.SYMMETRIC_DEFAULT, KeyUsageType.GENERATE_VERIFY_MAC));
        Assert.Equal("ValidationException", e.ErrorCode);
    }

    [Fact]
    public async Task Keys_with_imported_material_cannot_be_created_in_the_sandbox()
    {
        // The sandbox does not model EXTERNAL origin (PendingImport, ImportKeyMaterial): it says so instead of faking it.
        var e = await Assert.ThrowsAsync<UnsupportedOperationException>(() =>
            _c.Kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL }));
        Assert.Contains("EXTERNAL", e.Message);
    }

    [Theory]
    [InlineData("alias/aws/ebs")]
    [InlineData("alias/aws/s3")]
    public async Task An_aws_managed_key_reads_enabled_every_365_days_with_a_next_date_and_refuses_changes(string alias)
    {
        var meta = (await _c.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias })).KeyMetadata;
        Assert.Equal(KeyManagerType.AWS, meta.KeyManager);
        var status = await _c.StatusAsync(meta.KeyId);
        Assert.True(status.KeyRotationEnabled);
        Assert.Equal(365, status.RotationPeriodInDays);
        Assert.True(status.NextRotationDate!.Value.ToUniversalTime() > _c.Clock.GetUtcNow().UtcDateTime);
        Assert.NotEmpty(await _c.RotationsAsync(meta.KeyId));   // rotated yearly since its creation two years ago
        foreach (var call in new Func<Task>[]
        {
            () => _c.EnableRotationAsync(meta.KeyId, 90),
            () => _c.Kms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = meta.KeyId }),
            () => _c.RotateAsync(meta.KeyId),
        })
        {
            var e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(call);
            Assert.Equal("AccessDeniedException", e.ErrorCode);   // its key policy lets only AWS services change it
        }
        Assert.Equal(365, (await _c.StatusAsync(meta.KeyId)).RotationPeriodInDays);
    }
}
