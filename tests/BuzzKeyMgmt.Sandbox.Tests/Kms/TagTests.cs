using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

public sealed class TagTests
{
    private readonly KmsFixture _f = new();

    private Dictionary<string, string> Tags(string id) =>
        _f.Ok("ListResourceTags", new { KeyId = id })["Tags"].AsArray()
            .ToDictionary(t => t!["TagKey"]!.GetValue<string>(), t => t!["TagValue"]!.GetValue<string>());

    [Fact]
    public void Tags_from_CreateKey_TagResource_and_UntagResource_show_in_ListResourceTags()
    {
        var id = _f.CreateKey(new { Tags = new[] { new { TagKey = "Owner", TagValue = "hr" } } });
        Assert.Equal(new Dictionary<string, string> { ["Owner"] = "hr" }, Tags(id));
        _f.Ok("TagResource", new { KeyId = id, Tags = new[] { new { TagKey = "Owner", TagValue = "finance" }, new { TagKey = "Env", TagValue = "prod" } } });
        Assert.Equal(new Dictionary<string, string> { ["Owner"] = "finance", ["Env"] = "prod" }, Tags(id));
        _f.Ok("UntagResource", new { KeyId = KmsFixture.KeyArn(id), TagKeys = new[] { "Owner", "Absent" } });
        Assert.Equal(new Dictionary<string, string> { ["Env"] = "prod" }, Tags(id));
    }

    [Fact]
    public void ListResourceTags_pages_and_tag_errors_are_AWS_shaped()
    {
        var id = _f.CreateKey();
        _f.Ok("TagResource", new { KeyId = id, Tags = Enumerable.Range(0, 5).Select(i => new { TagKey = $"k{i}", TagValue = "v" }).ToArray() });
        var first = _f.Ok("ListResourceTags", new { KeyId = id, Limit = 3 });
        Assert.Equal(new[] { "k0", "k1", "k2" }, first["Tags"].AsArray().Select(t => t!["TagKey"]!.GetValue<string>()));
        Assert.True(first["Truncated"].GetValue<bool>());
        var rest = _f.Ok("ListResourceTags", new { KeyId = id, Limit = 3, Marker = first["NextMarker"].GetValue<string>() });
        Assert.Equal(new[] { "k3", "k4" }, rest["Tags"].AsArray().Select(t => t!["TagKey"]!.GetValue<string>()));
        Assert.False(rest["Truncated"].GetValue<bool>());
        _f.Fails("TagResource", new { KeyId = id, Tags = new[] { new { TagKey = "aws:x", TagValue = "v" } } }, "TagException", 400);
        _f.Fails("TagResource", new { KeyId = id, Tags = Enumerable.Range(0, 46).Select(i => new { TagKey = $"m{i}", TagValue = "v" }).ToArray() }, "TagException", 400);
        Assert.Equal(5, Tags(id).Count);   // a refused TagResource changes nothing
        _f.Fails("TagResource", new { KeyId = id }, "ValidationException", 400);
        _f.Fails("UntagResource", new { KeyId = id }, "ValidationException", 400);
        _f.Fails("TagResource", new { KeyId = "alias/none", Tags = new[] { new { TagKey = "a", TagValue = "b" } } }, "NotFoundException", 404);
    }

    [Fact]
    public void Tag_members_are_validated_as_AWS_does_and_CreateKey_refuses_reserved_tags()
    {
        var id = _f.CreateKey();
        var missing = _f.Raw("TagResource", $"{{\"KeyId\":\"{id}\",\"Tags\":[{{\"TagKey\":\"a\",\"TagValue\":\"b\"}},{{\"TagValue\":\"c\"}}]}}");
        Assert.Equal("ValidationException", missing.ErrorType);
        Assert.Equal("1 validation error detected: Value null at 'tags.2.member.tagKey' failed to satisfy constraint: Member must not be null", missing.Message);
        var longKey = _f.Fails("TagResource", new { KeyId = id, Tags = new[] { new { TagKey = new string('k', 129), TagValue = "v" } } }, "ValidationException", 400);
        Assert.Contains("at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128", longKey.Message);
        _f.Fails("TagResource", new { KeyId = id, Tags = new[] { new { TagKey = "k", TagValue = new string('v', 257) } } }, "ValidationException", 400);
        Assert.Empty(Tags(id));
        _f.Fails("CreateKey", new { Tags = new[] { new { TagKey = "aws:owner", TagValue = "x" } } }, "TagException", 400);
    }
}
