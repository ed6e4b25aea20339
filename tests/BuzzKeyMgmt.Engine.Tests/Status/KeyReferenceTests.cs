using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Tests.Status;

public class KeyReferenceTests
{
    [Theory]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab", KeyReferenceKind.KeyId)]
    [InlineData("mrk-1234abcd12ab34cd56ef1234567890ab", KeyReferenceKind.KeyId)]
    [InlineData("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", KeyReferenceKind.KeyArn)]
    [InlineData("alias/CEK_User_12345", KeyReferenceKind.AliasName)]
    [InlineData("alias/aws/ebs", KeyReferenceKind.AliasName)]
    [InlineData("arn:aws:kms:us-east-1:111122223333:alias/CEK_User_12345", KeyReferenceKind.AliasArn)]
    public void Recognises_the_four_accepted_forms(string text, KeyReferenceKind kind)
    {
        Assert.True(KeyReference.TryParse(text, out var reference));
        Assert.Equal(kind, reference!.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("CEK_User_12345")]
    [InlineData("1234abcd")]
    [InlineData("alias/")]
    [InlineData("alias/has space")]
    [InlineData("arn:aws:kms:us-east-1:111122223333:key/not-a-key")]
    [InlineData("arn:aws:s3:::bucket")]
    public void Rejects_anything_else_with_the_accepted_forms(string text)
    {
        Assert.False(KeyReference.TryParse(text, out _));
        var ex = Assert.Throws<KeyMgmtException>(() => KeyReference.Parse(text));
        Assert.Equal("InvalidKeyReference", ex.ErrorId);
        Assert.Contains("alias name (alias/ExampleAlias)", ex.Message);
    }

    [Fact]
    public void Alias_arn_gives_its_alias_name()
    {
        Assert.Equal("alias/App", KeyReference.Parse("arn:aws:kms:us-east-1:111122223333:alias/App").AliasName);
        Assert.Null(KeyReference.Parse("1234abcd-12ab-34cd-56ef-1234567890ab").AliasName);
    }

    [Theory]
    [InlineData("alias/CEK_*", "alias/CEK_User_1", true)]
    [InlineData("CEK_*", "alias/CEK_User_1", true)]
    [InlineData("alias/CEK_*", "alias/cek_user_1", false)]
    [InlineData("alias/app-?", "alias/app-1", true)]
    [InlineData("alias/app-?", "alias/app-10", false)]
    [InlineData("alias/app-[12]", "alias/app-2", true)]
    [InlineData("alias/a.b", "alias/aXb", false)]
    public void Alias_patterns_match_like_PowerShell_wildcards_case_sensitively(string pattern, string alias, bool match)
    {
        Assert.Equal(match, new AliasPattern(pattern).IsMatch(alias));
    }

    [Fact]
    public void A_pattern_without_wildcards_is_a_plain_alias()
    {
        Assert.False(new AliasPattern("alias/App").HasWildcard);
        Assert.True(new AliasPattern("alias/App*").HasWildcard);
        Assert.Equal("alias/App", new AliasPattern("arn:aws:kms:us-east-1:111122223333:alias/App").Text);
    }

    [Theory]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab", true)]
    [InlineData("alias/CEK_User_1", true)]
    [InlineData("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", true)]
    [InlineData("arn:aws:kms:us-east-1:111122223333:alias/CEK_User_1", true)]
    [InlineData("arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", false)]
    [InlineData("arn:aws:kms:us-east-1:444455556666:alias/CEK_User_1", false)]
    public void A_key_ARN_can_be_only_in_its_own_account_and_Region(string text, bool canBe)
    {
        Assert.Equal(canBe, KeyReference.Parse(text).CanBeIn("111122223333", "US-EAST-1"));
        if (!canBe)
        {
            var refused = KeyReference.Parse(text).NotIn("prod", "111122223333", "us-east-1");
            Assert.Equal("KeyNotInEnvironment", refused.ErrorId);
            Assert.Contains("environment 'prod' is account 111122223333, Region us-east-1", refused.Message);
        }
    }
}
