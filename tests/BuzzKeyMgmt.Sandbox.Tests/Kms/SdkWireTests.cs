using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

/// <summary>
/// The KMS answers as the real AWS SDK reads them over HTTP through the sandbox host: member names, timestamps,
/// enums and error types must all unmarshal (a misspelt member would read as null here).
/// </summary>
public sealed class SdkWireTests : IDisposable
{
    private readonly SandboxFixture _f = new();
    private readonly AmazonKeyManagementServiceClient _kms;

    public SdkWireTests() => _kms = _f.Kms(_f.RootCredentials);

    public void Dispose()
    {
        _kms.Dispose();
        _f.Dispose();
    }

    [KmsFact]
    public async Task Rsa_key_metadata_and_tags_unmarshal()
    {
        var meta = (await _kms.CreateKeyAsync(new CreateKeyRequest
        {
            KeySpec = KeySpec.RSA_3072, KeyUsage = KeyUsageType.SIGN_VERIFY, Description = "signing",
            Tags = [new Tag { TagKey = "Owner", TagValue = "pki" }],
        })).KeyMetadata;
        Assert.Equal(KeySpec.RSA_3072, meta.KeySpec);
        Assert.Equal(KeyUsageType.SIGN_VERIFY, meta.KeyUsage);
        Assert.Equal(KeyManagerType.CUSTOMER, meta.KeyManager);
        Assert.Equal(OriginType.AWS_KMS, meta.Origin);
        Assert.Contains("RSASSA_PSS_SHA_256", meta.SigningAlgorithms);
        Assert.InRange(meta.CreationDate!.Value.ToUniversalTime(), DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddDays(1));
        var tags = await _kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = meta.KeyId });
        Assert.Equal("pki", Assert.Single(tags.Tags).TagValue);
        Assert.False(tags.Truncated);
    }

    [KmsFact]
    public async Task Rotation_status_and_rotation_list_unmarshal()
    {
        var keyId = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await _kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = keyId, RotationPeriodInDays = 120 });
        var status = await _kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId });
        Assert.True(status.KeyRotationEnabled);
        Assert.Equal(120, status.RotationPeriodInDays);
        Assert.InRange(status.NextRotationDate!.Value.ToUniversalTime(), DateTime.UtcNow.AddDays(119), DateTime.UtcNow.AddDays(121));
        Assert.EndsWith(keyId, status.KeyId);
        Assert.Equal(keyId, (await _kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = keyId })).KeyId);
        _f.Server.Clock.Advance(_f.Server.Kms.OnDemandRotationDuration);   // on-demand rotation runs in the background, as on AWS
        var rotations = await _kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId });
        var entry = Assert.Single(rotations.Rotations);
        Assert.Equal(RotationType.ON_DEMAND, entry.RotationType);
        Assert.NotNull(entry.RotationDate);
        Assert.Equal(keyId, entry.KeyId);
    }

    [KmsFact]
    public async Task Data_key_aliases_and_seeded_fleet_page_through_the_sdk()
    {
        Assert.Equal(120, _f.Server.SeedKeys(120, "alias/wire-", rotationMix: true));
        var dataKey = await _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = "alias/wire-1", KeySpec = DataKeySpec.AES_256 });
        Assert.Equal(32, dataKey.Plaintext.Length);
        var back = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob });
        Assert.Equal(dataKey.Plaintext.ToArray(), back.Plaintext.ToArray());
        Assert.Equal(dataKey.KeyId, back.KeyId);

        var aliases = new List<AliasListEntry>();
        string? marker = null;
        do
        {
            var page = await _kms.ListAliasesAsync(new ListAliasesRequest { Limit = 50, Marker = marker });
            aliases.AddRange(page.Aliases);
            marker = page.Truncated == true ? page.NextMarker : null;
        } while (marker is not null);
        var wire = aliases.Where(a => a.AliasName.StartsWith("alias/wire-", StringComparison.Ordinal)).ToList();
        Assert.Equal(120, wire.Count);   // keys pending deletion still exist, so do their aliases
        Assert.All(aliases, a => Assert.NotNull(a.CreationDate));
        Assert.All(aliases, a => Assert.Equal($"arn:aws:kms:{_f.Server.Region}:{_f.Server.AccountId}:{a.AliasName}", a.AliasArn));
    }

    [KmsFact]
    public async Task Errors_arrive_as_the_sdk_exception_types()
    {
        var a = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var b = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = a, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("p")) })).CiphertextBlob;
        await Assert.ThrowsAsync<IncorrectKeyException>(() => _kms.DecryptAsync(new DecryptRequest { KeyId = b, CiphertextBlob = blob }));
        await _kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/dup", TargetKeyId = a });
        await Assert.ThrowsAsync<AlreadyExistsException>(() => _kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/dup", TargetKeyId = b }));
        await Assert.ThrowsAsync<NotFoundException>(() => _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/none" }));
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL }));
        var managed = (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/s3" })).KeyMetadata.Arn;
        var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => _kms.DisableKeyAsync(new DisableKeyRequest { KeyId = managed }));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
    }
}
