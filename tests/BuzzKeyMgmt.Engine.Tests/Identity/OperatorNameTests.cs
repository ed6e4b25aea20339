using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Tests.Identity;

public class OperatorNameTests
{
    [Theory]
    [InlineData("arn:aws:iam::111122223333:user/alice", "alice")]
    [InlineData("arn:aws:iam::111122223333:user/team/bob", "bob")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/Ops/carol@INC-1", "carol@INC-1")]
    [InlineData("arn:aws:iam::111122223333:root", "root")]
    public void Operator_comes_from_the_caller_arn(string arn, string expected) => Assert.Equal(expected, OperatorName.FromArn(arn));

    [Fact]
    public void Session_name_carries_operator_and_incident_within_sts_rules()
    {
        var name = OperatorName.SessionName("alice", "INC-2026-0042", DateTimeOffset.UnixEpoch);
        Assert.Equal("alice@INC-2026-0042", name);
        var longName = OperatorName.SessionName(new string('x', 80), "INC-2026-0042", DateTimeOffset.UnixEpoch);
        Assert.Equal(64, longName.Length);
        Assert.Matches(@"^[\w+=,.@-]{2,64}$", OperatorName.SessionName("a b/c", null, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Source_identity_is_valid_for_sts()
    {
        Assert.Equal("alice", OperatorName.SourceIdentity("alice"));
        Assert.Equal("a-", OperatorName.SourceIdentity("a"));
        Assert.Matches(@"^[\w+=,.@-]{2,64}$", OperatorName.SourceIdentity("domain\\user name"));
    }
}
