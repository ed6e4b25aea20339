using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.Runtime;
using BuzzKeyMgmt.Sandbox.Kms;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;
using static BuzzKeyMgmt.Sandbox.Tests.Regions.RegionClients;

namespace BuzzKeyMgmt.Sandbox.Tests.Regions;

/// <summary>One endpoint, several Regions (the SigV4 scope's Region picks one): KMS keys, aliases, ARNs and STS, through the AWS SDK.</summary>
public sealed class RegionKmsTests(SandboxFixture f) : IClassFixture<SandboxFixture>
{
    [Fact]
    public void Default_options_serve_us_east_1_then_eu_west_2_with_a_KMS_each()
    {
        Assert.Equal([Primary, Second], f.Server.Regions);
        Assert.Equal(Primary, f.Server.Region);
        Assert.Same(f.Server.Kms, f.Server.KmsIn(Primary));
        Assert.Equal(Second, f.Server.KmsIn(Second).Region);
        Assert.Same(f.Server.KmsIn(Second), f.Server.KmsIn(Second));
        Assert.Same(f.Server.Clock, f.Server.KmsIn(Second).Clock);
        Assert.Equal(f.Server.AccountId, f.Server.KmsIn(Second).AccountId);
        var e = Assert.Throws<ArgumentException>(() => f.Server.KmsIn("ap-southeast-2"));
        Assert.Contains("us-east-1, eu-west-2", e.Message);
    }

    [Fact]
    public void Options_choose_the_Regions_primary_first_ignoring_repeats_and_refusing_non_names()
    {
        using (var one = SandboxServer.Start(new SandboxOptions { AdditionalRegions = [] }))
            Assert.Equal(["us-east-1"], one.Regions);
        using (var three = SandboxServer.Start(new SandboxOptions { Region = "eu-west-2", AdditionalRegions = ["eu-west-2", "ap-south-1", "ap-south-1", "us-east-1"] }))
        {
            Assert.Equal(["eu-west-2", "ap-south-1", "us-east-1"], three.Regions);
            Assert.Equal("arn:aws:sns:eu-west-2:111122223333:buzzkeymgmt-alerts", three.AlertTopicArn);
        }
        Assert.Throws<ArgumentException>(() => SandboxServer.Start(new SandboxOptions { AdditionalRegions = ["eu west 2"] }));
        Assert.Throws<ArgumentException>(() => SandboxServer.Start(new SandboxOptions { AdditionalRegions = [""] }));
        Assert.Throws<ArgumentException>(() => SandboxServer.Start(new SandboxOptions { AdditionalRegions = null! }));
    }

    [Fact]
    public async Task Keys_made_in_one_Region_are_not_seen_from_the_other_and_their_ARNs_name_their_Region()
    {
        using var east = KmsClient(f.Server, Primary);
        using var west = KmsClient(f.Server, Second);
        var inWest = (await west.CreateKeyAsync(new CreateKeyRequest { Description = "london" })).KeyMetadata;
        var inEast = (await east.CreateKeyAsync(new CreateKeyRequest { Description = "virginia" })).KeyMetadata;
        Assert.Equal($"arn:aws:kms:eu-west-2:{f.Server.AccountId}:key/{inWest.KeyId}", inWest.Arn);
        Assert.Equal($"arn:aws:kms:us-east-1:{f.Server.AccountId}:key/{inEast.KeyId}", inEast.Arn);

        Assert.Equal(inWest.Arn, (await west.DescribeKeyAsync(new DescribeKeyRequest { KeyId = inWest.KeyId })).KeyMetadata.Arn);
        var westIds = await AllKeyIds(west);
        var eastIds = await AllKeyIds(east);
        Assert.Contains(inWest.KeyId, westIds);
        Assert.DoesNotContain(inEast.KeyId, westIds);
        Assert.Contains(inEast.KeyId, eastIds);
        Assert.DoesNotContain(inWest.KeyId, eastIds);

        // By id or by ARN, a key of the other Region does not exist here, as on AWS.
        var byId = await Assert.ThrowsAsync<NotFoundException>(() => east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = inWest.KeyId }));
        Assert.Equal($"Key 'arn:aws:kms:us-east-1:{f.Server.AccountId}:key/{inWest.KeyId}' does not exist", byId.Message);
        var byArn = await Assert.ThrowsAsync<NotFoundException>(() => east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = inWest.Arn }));
        Assert.Equal($"Key '{inWest.Arn}' does not exist", byArn.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => west.DisableKeyAsync(new DisableKeyRequest { KeyId = inEast.KeyId }));
        Assert.Equal(KeyState.Enabled, (await east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = inEast.KeyId })).KeyMetadata.KeyState);

        Assert.Null(f.Server.Kms.KeyFacts().FirstOrDefault(k => k.KeyId == inWest.KeyId));
        Assert.NotNull(f.Server.KmsIn(Second).KeyFacts().FirstOrDefault(k => k.KeyId == inWest.KeyId));
    }

    [Fact]
    public async Task Alias_names_are_per_Region_and_alias_ARNs_name_the_Region()
    {
        using var east = KmsClient(f.Server, Primary);
        using var west = KmsClient(f.Server, Second);
        var eastKey = (await east.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var westKey = (await west.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await east.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/orders-regional", TargetKeyId = eastKey });
        await west.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/orders-regional", TargetKeyId = westKey });

        Assert.Equal(eastKey, (await east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/orders-regional" })).KeyMetadata.KeyId);
        Assert.Equal(westKey, (await west.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/orders-regional" })).KeyMetadata.KeyId);
        var westAlias = (await west.ListAliasesAsync(new ListAliasesRequest { Limit = 100 })).Aliases.Single(a => a.AliasName == "alias/orders-regional");
        Assert.Equal($"arn:aws:kms:eu-west-2:{f.Server.AccountId}:alias/orders-regional", westAlias.AliasArn);

        // An alias may not target a key of another Region: that key does not exist where the alias is made.
        await Assert.ThrowsAsync<NotFoundException>(() => west.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/cross", TargetKeyId = eastKey }));
    }

    [Fact]
    public async Task Each_Region_has_its_own_AWS_managed_keys()
    {
        using var east = KmsClient(f.Server, Primary);
        using var west = KmsClient(f.Server, Second);
        var eastEbs = (await east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/ebs" })).KeyMetadata;
        var westEbs = (await west.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/ebs" })).KeyMetadata;
        Assert.NotEqual(eastEbs.KeyId, westEbs.KeyId);
        Assert.StartsWith("arn:aws:kms:eu-west-2:", westEbs.Arn);
        Assert.Equal(KeyManagerType.AWS, westEbs.KeyManager);
    }

    [Fact]
    public async Task Ciphertext_made_in_one_Region_does_not_decrypt_in_the_other()
    {
        using var east = KmsClient(f.Server, Primary);
        using var west = KmsClient(f.Server, Second);
        var westKey = (await west.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var blob = (await west.EncryptAsync(new EncryptRequest { KeyId = westKey, Plaintext = new MemoryStream("secret"u8.ToArray()) })).CiphertextBlob;
        var back = await west.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.ToArray()) });
        Assert.Equal("secret"u8.ToArray(), back.Plaintext.ToArray());
        await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => east.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.ToArray()) }));
    }

    [Fact]
    public async Task Access_denied_names_the_key_ARN_of_the_request_Region()
    {
        using var west = KmsClient(f.Server, Second, credentials: f.UserCredentials("trainee"));
        var id = Guid.NewGuid().ToString();
        var e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => west.DescribeKeyAsync(new DescribeKeyRequest { KeyId = id }));
        Assert.Equal("AccessDeniedException", e.ErrorCode);
        Assert.Contains($"on resource: arn:aws:kms:eu-west-2:{f.Server.AccountId}:key/{id} ", e.Message);
    }

    [Fact]
    public async Task Seeding_another_Region_through_KmsIn_leaves_the_primary_alone()
    {
        var before = f.Server.Kms.KeyFacts().Count;
        Assert.Equal(3, f.Server.KmsIn(Second).Seed(3, "alias/seeded-west-", SeedMix.Plain));
        Assert.Equal(before, f.Server.Kms.KeyFacts().Count);
        using var west = KmsClient(f.Server, Second);
        using var east = KmsClient(f.Server, Primary);
        var seeded = (await west.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/seeded-west-2" })).KeyMetadata;
        Assert.StartsWith("arn:aws:kms:eu-west-2:", seeded.Arn);
        await Assert.ThrowsAsync<NotFoundException>(() => east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/seeded-west-2" }));
    }

    [Fact]
    public async Task A_scope_Region_the_sandbox_does_not_serve_is_refused_by_KMS_and_STS()
    {
        using var kms = KmsClient(f.Server, "ap-southeast-2");
        var k = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("InvalidSignatureException", k.ErrorCode);
        Assert.Contains("Credential should be scoped to a valid region, not 'ap-southeast-2'", k.Message);
        using var sts = StsClient(f.Server, "ap-southeast-2");
        var s = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("SignatureDoesNotMatch", s.ErrorCode);
        Assert.Contains("Credential should be scoped to a valid region, not 'ap-southeast-2'", s.Message);

        // eu-west-2 is served only because it is configured: a sandbox without it refuses it as any other.
        using var lone = SandboxServer.Start(new SandboxOptions { EnforceQuotas = false, AdditionalRegions = [] });
        using var loneWest = KmsClient(lone, Second);
        var w = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => loneWest.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("InvalidSignatureException", w.ErrorCode);
        Assert.Throws<ArgumentException>(() => lone.KmsIn(Second));
        Assert.Throws<ArgumentException>(() => lone.AlertTopicArnIn(Second));
    }

    [Fact]
    public async Task Sts_answers_in_every_served_Region_and_its_sessions_work_in_every_Region()
    {
        foreach (var region in f.Server.Regions)
        {
            using var sts = StsClient(f.Server, region);
            Assert.Equal(f.Server.Root.Arn, (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
        }
        // IAM roles are global: a session made through eu-west-2's STS reads keys in us-east-1 too.
        using var westSts = StsClient(f.Server, Second, credentials: f.UserCredentials("operator"));
        var session = (await westSts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = f.Server.AdminRoleArn, RoleSessionName = "west" })).Credentials;
        var creds = new SessionAWSCredentials(session.AccessKeyId, session.SecretAccessKey, session.SessionToken);
        using var east = KmsClient(f.Server, Primary, credentials: creds);
        var made = (await east.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        Assert.StartsWith("arn:aws:kms:us-east-1:", made.Arn);
        using var sessionSts = StsClient(f.Server, Primary, credentials: creds);
        Assert.EndsWith(":assumed-role/BuzzKeyMgmtAdmin/west", (await sessionSts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
    }

    [Fact]
    public async Task Request_counts_stay_global_and_can_be_read_per_Region()
    {
        using var fresh = new SandboxFixture();
        using var east = KmsClient(fresh.Server, Primary);
        using var west = KmsClient(fresh.Server, Second);
        var id = (await east.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = id });
        for (int i = 0; i < 2; i++)
            await Assert.ThrowsAsync<NotFoundException>(() => west.DescribeKeyAsync(new DescribeKeyRequest { KeyId = id }));
        Assert.Equal(3, fresh.Server.RequestCount("KMS.DescribeKey"));
        Assert.Equal(1, fresh.Server.RequestCount("KMS.DescribeKey", Primary));
        Assert.Equal(2, fresh.Server.RequestCount("KMS.DescribeKey", Second));
        Assert.Equal(0, fresh.Server.RequestCount("KMS.CreateKey", Second));
        Assert.Equal(3, fresh.Server.RequestCounts()["KMS.DescribeKey"]);
        Assert.Throws<ArgumentException>(() => fresh.Server.RequestCount("KMS.DescribeKey", "ap-south-1"));
        Assert.Throws<ArgumentException>(() => fresh.Server.RequestCount("KMS.Nope", Second));
    }

    private static async Task<HashSet<string>> AllKeyIds(AmazonKeyManagementServiceClient kms)
    {
        var ids = new HashSet<string>();
        string? marker = null;
        do
        {
            var page = await kms.ListKeysAsync(new ListKeysRequest { Limit = 1000, Marker = marker });
            foreach (var k in page.Keys) ids.Add(k.KeyId);
            marker = page.Truncated == true ? page.NextMarker : null;
        } while (marker is not null);
        return ids;
    }
}
