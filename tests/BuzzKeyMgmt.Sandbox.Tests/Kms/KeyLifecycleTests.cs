using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

public sealed class KeyLifecycleTests
{
    private readonly KmsFixture _f = new();

    [Fact]
    public void CreateKey_symmetric_returns_full_metadata_with_epoch_timestamps()
    {
        var meta = _f.Ok("CreateKey", new { Description = "payroll", Tags = new[] { new { TagKey = "Owner", TagValue = "hr" } } }).Body["KeyMetadata"]!;
        var id = meta["KeyId"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", id);
        Assert.Equal(KmsFixture.KeyArn(id), meta["Arn"]!.GetValue<string>());
        Assert.Equal(KmsFixture.Account, meta["AWSAccountId"]!.GetValue<string>());
        Assert.Equal("payroll", meta["Description"]!.GetValue<string>());
        Assert.Equal("Enabled", meta["KeyState"]!.GetValue<string>());
        Assert.True(meta["Enabled"]!.GetValue<bool>());
        Assert.Equal("ENCRYPT_DECRYPT", meta["KeyUsage"]!.GetValue<string>());
        Assert.Equal("SYMMETRIC_DEFAULT", meta["KeySpec"]!.GetValue<string>());
        Assert.Equal("AWS_KMS", meta["Origin"]!.GetValue<string>());
        Assert.Equal("CUSTOMER", meta["KeyManager"]!.GetValue<string>());
        Assert.Equal(KmsFixture.Epoch(_f.Clock.GetUtcNow()), meta["CreationDate"]!.GetValue<double>(), 3);
        Assert.Null(meta["DeletionDate"]);
        Assert.Equal("SYMMETRIC_DEFAULT", meta["EncryptionAlgorithms"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("RSA_2048", "ENCRYPT_DECRYPT", "EncryptionAlgorithms", "RSAES_OAEP_SHA_256")]
    [InlineData("RSA_3072", "SIGN_VERIFY", "SigningAlgorithms", "RSASSA_PSS_SHA_256")]
    [InlineData("RSA_4096", "SIGN_VERIFY", "SigningAlgorithms", "RSASSA_PKCS1_V1_5_SHA_512")]
    public void CreateKey_rsa_keeps_spec_usage_and_algorithms(string spec, string usage, string list, string algorithm)
    {
        var meta = _f.Ok("CreateKey", new { KeySpec = spec, KeyUsage = usage }).Body["KeyMetadata"]!;
        Assert.Equal(spec, meta["KeySpec"]!.GetValue<string>());
        Assert.Equal(usage, meta["KeyUsage"]!.GetValue<string>());
        Assert.Contains(algorithm, meta[list]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public void CreateKey_rejects_unknown_spec_sign_verify_symmetric_and_other_origins()
    {
        var bad = _f.Fails("CreateKey", new { KeySpec = "RSA_1024" }, "ValidationException", 400);
        Assert.StartsWith("1 validation error detected: Value 'RSA_1024' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set", bad.Message);
        _f.Fails("CreateKey", new { KeyUsage = "SIGN_VERIFY" }, "ValidationException", 400);
        _f.Fails("CreateKey", new { KeyUsage = "WRAP" }, "ValidationException", 400);
        _f.Fails("CreateKey", new { Origin = "EXTERNAL" }, "UnsupportedOperationException", 400);
    }

    [Fact]
    public void DescribeKey_resolves_key_id_key_arn_alias_name_and_alias_arn()
    {
        var id = _f.CreateKey();
        _f.Ok("CreateAlias", new { AliasName = "alias/payroll", TargetKeyId = id });
        foreach (var reference in new[] { id, KmsFixture.KeyArn(id), "alias/payroll", KmsFixture.AliasArn("alias/payroll") })
            Assert.Equal(id, _f.Describe(reference)["KeyId"]!.GetValue<string>());
    }

    [Fact]
    public void DescribeKey_unknown_key_and_alias_answer_NotFound_with_AWS_messages()
    {
        const string missing = "0b7a1a1e-0000-4000-8000-000000000001";
        var key = _f.Fails("DescribeKey", new { KeyId = missing }, "NotFoundException", 404);
        Assert.Equal($"Key '{KmsFixture.KeyArn(missing)}' does not exist", key.Message);
        var alias = _f.Fails("DescribeKey", new { KeyId = "alias/nope" }, "NotFoundException", 404);
        Assert.Equal($"Alias '{KmsFixture.AliasArn("alias/nope")}' is not found.", alias.Message);
        _f.Fails("DescribeKey", new { KeyId = "not-a-key" }, "NotFoundException", 404);
        _f.Fails("DescribeKey", new { KeyId = "arn:aws:s3:::bucket" }, "InvalidArnException", 400);
        var elsewhere = $"arn:aws:kms:us-east-1:999988887777:key/{missing}";
        Assert.Equal($"Key '{elsewhere}' does not exist", _f.Fails("DescribeKey", new { KeyId = elsewhere }, "NotFoundException", 404).Message);
        _f.Fails("DescribeKey", new { KeyId = "arn:aws:kms:us-east-1:999988887777:alias/x" }, "NotFoundException", 404);
    }

    [Fact]
    public void DisableKey_then_EnableKey_flips_state_and_Enabled_flag()
    {
        var id = _f.CreateKey();
        Assert.Empty(_f.Ok("DisableKey", new { KeyId = id }).Body);
        var meta = _f.Describe(id);
        Assert.Equal("Disabled", meta["KeyState"]!.GetValue<string>());
        Assert.False(meta["Enabled"]!.GetValue<bool>());
        _f.Ok("EnableKey", new { KeyId = KmsFixture.KeyArn(id) });
        Assert.True(_f.Describe(id)["Enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void ScheduleKeyDeletion_answers_arn_date_state_window_and_DescribeKey_shows_DeletionDate()
    {
        var id = _f.CreateKey();
        var a = _f.Ok("ScheduleKeyDeletion", new { KeyId = id, PendingWindowInDays = 7 });
        var deletion = KmsFixture.Epoch(_f.Clock.GetUtcNow().AddDays(7));
        Assert.Equal(KmsFixture.KeyArn(id), a["KeyId"].GetValue<string>());
        Assert.Equal(deletion, a["DeletionDate"].GetValue<double>(), 3);
        Assert.Equal("PendingDeletion", a["KeyState"].GetValue<string>());
        Assert.Equal(7, a["PendingWindowInDays"].GetValue<int>());
        var meta = _f.Describe(id);
        Assert.False(meta["Enabled"]!.GetValue<bool>());
        Assert.Equal(deletion, meta["DeletionDate"]!.GetValue<double>(), 3);
    }

    [Fact]
    public void ScheduleKeyDeletion_defaults_to_30_days_and_rejects_windows_outside_7_to_30()
    {
        var id = _f.CreateKey();
        var low = _f.Fails("ScheduleKeyDeletion", new { KeyId = id, PendingWindowInDays = 6 }, "ValidationException", 400);
        Assert.Equal("1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7", low.Message);
        _f.Fails("ScheduleKeyDeletion", new { KeyId = id, PendingWindowInDays = 31 }, "ValidationException", 400);
        Assert.Equal("Enabled", _f.State(id));
        Assert.Equal(30, _f.Ok("ScheduleKeyDeletion", new { KeyId = id })["PendingWindowInDays"].GetValue<int>());
    }

    [Fact]
    public void CancelKeyDeletion_answers_the_arn_and_leaves_the_key_Disabled()
    {
        var id = _f.CreateKey();
        _f.Ok("ScheduleKeyDeletion", new { KeyId = id });
        Assert.Equal(KmsFixture.KeyArn(id), _f.Ok("CancelKeyDeletion", new { KeyId = id })["KeyId"].GetValue<string>());
        var meta = _f.Describe(id);
        Assert.Equal("Disabled", meta["KeyState"]!.GetValue<string>());
        Assert.Null(meta["DeletionDate"]);
    }

    [Fact]
    public void Key_pending_deletion_is_gone_once_the_clock_passes_its_DeletionDate()
    {
        var id = _f.CreateKey();
        _f.Ok("CreateAlias", new { AliasName = "alias/doomed", TargetKeyId = id });
        _f.Ok("ScheduleKeyDeletion", new { KeyId = id, PendingWindowInDays = 7 });
        _f.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Equal("PendingDeletion", _f.State(id));
        _f.Clock.Advance(TimeSpan.FromSeconds(2));
        _f.Fails("DescribeKey", new { KeyId = id }, "NotFoundException", 404);
        _f.Fails("DescribeKey", new { KeyId = "alias/doomed" }, "NotFoundException", 404);
        _f.Fails("CancelKeyDeletion", new { KeyId = id }, "NotFoundException", 404);
        var keys = _f.Ok("ListKeys", new { })["Keys"].AsArray().Select(k => k!["KeyId"]!.GetValue<string>());
        Assert.DoesNotContain(id, keys);
        var aliases = _f.Ok("ListAliases", new { })["Aliases"].AsArray().Select(a => a!["AliasName"]!.GetValue<string>());
        Assert.DoesNotContain("alias/doomed", aliases);
    }

    [Fact]
    public void Listings_drop_a_key_whose_DeletionDate_passed_without_it_being_read_and_keep_a_cancelled_one()
    {
        // Listings look only at the keys pending deletion (not at every key of the account), so nothing but the
        // listing itself may be what notices the date has passed.
        var doomed = _f.CreateKey();
        var spared = _f.CreateKey();
        _f.Ok("CreateAlias", new { AliasName = "alias/doomed-unread", TargetKeyId = doomed });
        _f.Ok("CreateAlias", new { AliasName = "alias/spared", TargetKeyId = spared });
        string[] Keys() => _f.Ok("ListKeys", new { })["Keys"].AsArray().Select(k => k!["KeyId"]!.GetValue<string>()).ToArray();
        string[] Aliases() => _f.Ok("ListAliases", new { })["Aliases"].AsArray().Select(a => a!["AliasName"]!.GetValue<string>()).ToArray();
        Assert.Contains(doomed, Keys());   // a listing cached before the deletion is scheduled
        _f.Ok("ScheduleKeyDeletion", new { KeyId = doomed, PendingWindowInDays = 7 });
        _f.Ok("ScheduleKeyDeletion", new { KeyId = spared, PendingWindowInDays = 7 });
        _f.Ok("CancelKeyDeletion", new { KeyId = spared });
        Assert.Contains(doomed, Keys());
        _f.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(doomed, Keys());
        Assert.DoesNotContain("alias/doomed-unread", Aliases());
        Assert.Contains(spared, Keys());
        Assert.Contains("alias/spared", Aliases());
        _f.Fails("DescribeKey", new { KeyId = doomed }, "NotFoundException", 404);
    }

    [Fact]
    public void ListKeys_pages_with_Limit_and_Marker_through_every_key_once()
    {
        var created = Enumerable.Range(0, 7).Select(_ => _f.CreateKey()).ToHashSet();
        var seen = new List<string>();
        string? marker = null;
        var pages = 0;
        do
        {
            var a = _f.Ok("ListKeys", new { Limit = 3, Marker = marker });
            var keys = a["Keys"].AsArray();
            Assert.True(keys.Count <= 3);
            foreach (var k in keys) Assert.Equal(KmsFixture.KeyArn(k!["KeyId"]!.GetValue<string>()), k["KeyArn"]!.GetValue<string>());
            seen.AddRange(keys.Select(k => k!["KeyId"]!.GetValue<string>()));
            var truncated = a["Truncated"].GetValue<bool>();
            marker = truncated ? a["NextMarker"].GetValue<string>() : null;
            if (!truncated) Assert.Null(a.Body["NextMarker"]);
            pages++;
        } while (marker is not null);
        Assert.Equal(9, seen.Count);                 // 7 created + 2 AWS managed keys
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), created);
        Assert.Equal(3, pages);
        _f.Fails("ListKeys", new { Limit = 0 }, "ValidationException", 400);
        _f.Fails("ListKeys", new { Marker = "garbage" }, "InvalidMarkerException", 400);
    }
}
