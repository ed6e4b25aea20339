using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

public sealed class AliasTests
{
    private readonly KmsFixture _f = new();

    [Fact]
    public void CreateAlias_lists_with_arn_target_and_dates_and_DeleteAlias_removes_it()
    {
        var id = _f.CreateKey();
        Assert.Empty(_f.Ok("CreateAlias", new { AliasName = "alias/payroll", TargetKeyId = KmsFixture.KeyArn(id) }).Body);
        var alias = _f.Ok("ListAliases", new { KeyId = id })["Aliases"].AsArray().Single()!;
        Assert.Equal("alias/payroll", alias["AliasName"]!.GetValue<string>());
        Assert.Equal(KmsFixture.AliasArn("alias/payroll"), alias["AliasArn"]!.GetValue<string>());
        Assert.Equal(id, alias["TargetKeyId"]!.GetValue<string>());
        Assert.Equal(KmsFixture.Epoch(_f.Clock.GetUtcNow()), alias["CreationDate"]!.GetValue<double>(), 3);
        Assert.Equal(KmsFixture.Epoch(_f.Clock.GetUtcNow()), alias["LastUpdatedDate"]!.GetValue<double>(), 3);
        _f.Ok("DeleteAlias", new { AliasName = "alias/payroll" });
        _f.Fails("DescribeKey", new { KeyId = "alias/payroll" }, "NotFoundException", 404);
        var again = _f.Fails("DeleteAlias", new { AliasName = "alias/payroll" }, "NotFoundException", 404);
        Assert.Equal($"Alias '{KmsFixture.AliasArn("alias/payroll")}' is not found.", again.Message);
    }

    [Fact]
    public void CreateAlias_twice_is_AlreadyExists_and_names_are_checked()
    {
        var id = _f.CreateKey();
        _f.Ok("CreateAlias", new { AliasName = "alias/app", TargetKeyId = id });
        var dup = _f.Fails("CreateAlias", new { AliasName = "alias/app", TargetKeyId = _f.CreateKey() }, "AlreadyExistsException", 400);
        Assert.Equal($"An alias with the name {KmsFixture.AliasArn("alias/app")} already exists", dup.Message);
        var prefix = _f.Fails("CreateAlias", new { AliasName = "app2", TargetKeyId = id }, "ValidationException", 400);
        Assert.StartsWith("Alias must start with the prefix \"alias/\".", prefix.Message);
        _f.Fails("CreateAlias", new { AliasName = "alias/aws/mine", TargetKeyId = id }, "NotAuthorizedException", 400);
        _f.Fails("CreateAlias", new { AliasName = "alias/sp ace", TargetKeyId = id }, "ValidationException", 400);
        _f.Fails("CreateAlias", new { AliasName = "alias/x" }, "ValidationException", 400);
        _f.Fails("CreateAlias", new { AliasName = "alias/x", TargetKeyId = "alias/app" }, "NotFoundException", 404);
        _f.Fails("DeleteAlias", new { AliasName = "alias/aws/ebs" }, "NotAuthorizedException", 400);
    }

    [Fact]
    public void CreateAlias_on_a_key_pending_deletion_is_KMSInvalidState()
    {
        var id = _f.CreateKey();
        _f.Ok("ScheduleKeyDeletion", new { KeyId = id });
        _f.Fails("CreateAlias", new { AliasName = "alias/late", TargetKeyId = id }, "KMSInvalidStateException", 409);
    }

    [Fact]
    public void ListAliases_pages_by_name_with_Limit_and_Marker_and_filters_by_KeyId()
    {
        var a = _f.CreateKey();
        var b = _f.CreateKey();
        foreach (var n in new[] { "c", "a", "e", "b", "d" }) _f.Ok("CreateAlias", new { AliasName = $"alias/k-{n}", TargetKeyId = n is "a" or "b" ? b : a });
        var names = new List<string>();
        string? marker = null;
        do
        {
            var page = _f.Ok("ListAliases", new { Limit = 2, Marker = marker });
            Assert.True(page["Aliases"].AsArray().Count <= 2);
            names.AddRange(page["Aliases"].AsArray().Select(x => x!["AliasName"]!.GetValue<string>()));
            marker = page["Truncated"].GetValue<bool>() ? page["NextMarker"].GetValue<string>() : null;
        } while (marker is not null);
        Assert.Equal(new[] { "alias/aws/ebs", "alias/aws/s3", "alias/k-a", "alias/k-b", "alias/k-c", "alias/k-d", "alias/k-e" }, names);
        var ofB = _f.Ok("ListAliases", new { KeyId = KmsFixture.KeyArn(b) })["Aliases"].AsArray().Select(x => x!["AliasName"]!.GetValue<string>());
        Assert.Equal(new[] { "alias/k-a", "alias/k-b" }, ofB);
        _f.Fails("ListAliases", new { Limit = 101 }, "ValidationException", 400);
        _f.Fails("ListAliases", new { KeyId = "0b7a1a1e-0000-4000-8000-000000000009" }, "NotFoundException", 404);
    }
}
