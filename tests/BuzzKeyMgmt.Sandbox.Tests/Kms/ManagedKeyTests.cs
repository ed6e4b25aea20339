using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

/// <summary>The two AWS managed keys present from the start (alias/aws/ebs, alias/aws/s3).</summary>
public sealed class ManagedKeyTests
{
    private readonly KmsFixture _f = new();

    [Theory]
    [InlineData("alias/aws/ebs")]
    [InlineData("alias/aws/s3")]
    public void Managed_key_exists_is_AWS_managed_enabled_rotating_and_usable(string alias)
    {
        var meta = _f.Describe(alias);
        Assert.Equal("AWS", meta["KeyManager"]!.GetValue<string>());
        Assert.Equal("Enabled", meta["KeyState"]!.GetValue<string>());
        var id = meta["KeyId"]!.GetValue<string>();
        var listed = _f.Ok("ListAliases", new { })["Aliases"].AsArray().Single(a => a!["AliasName"]!.GetValue<string>() == alias)!;
        Assert.Equal(id, listed["TargetKeyId"]!.GetValue<string>());
        Assert.Contains(id, _f.Ok("ListKeys", new { })["Keys"].AsArray().Select(k => k!["KeyId"]!.GetValue<string>()));
        Assert.True(_f.Ok("GetKeyRotationStatus", new { KeyId = id })["KeyRotationEnabled"].GetValue<bool>());
        var blob = _f.Encrypt(alias, "data"u8.ToArray());
        Assert.Equal(Convert.ToBase64String("data"u8.ToArray()), _f.Ok("Decrypt", new { CiphertextBlob = blob })["Plaintext"].GetValue<string>());
    }

    [Theory]
    [InlineData("DisableKey")]
    [InlineData("ScheduleKeyDeletion")]
    [InlineData("DisableKeyRotation")]
    [InlineData("RotateKeyOnDemand")]
    public void Customer_may_not_change_a_managed_key(string operation)
    {
        var arn = _f.Describe("alias/aws/ebs")["Arn"]!.GetValue<string>();
        var a = _f.Fails(operation, new { KeyId = arn }, "AccessDeniedException", 400);
        Assert.Equal($"User: {KmsFixture.Caller} is not authorized to perform: kms:{operation} on resource: {arn} because no resource-based policy allows the kms:{operation} action", a.Message);
        Assert.Equal("Enabled", _f.State("alias/aws/ebs"));
        Assert.True(_f.Ok("GetKeyRotationStatus", new { KeyId = arn })["KeyRotationEnabled"].GetValue<bool>());
    }
}
