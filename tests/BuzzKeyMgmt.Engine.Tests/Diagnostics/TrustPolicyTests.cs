using BuzzKeyMgmt.Engine.Diagnostics;

namespace BuzzKeyMgmt.Engine.Tests.Diagnostics;

/// <summary>Reading a role's trust policy for one caller: who it names, MFA, Deny, and what it does not evaluate.</summary>
public sealed class TrustPolicyTests
{
    private const string User = "arn:aws:iam::111122223333:user/alice";
    private const string Account = "111122223333";

    private static string Policy(string principal, string action = "\"sts:AssumeRole\"", string effect = "Allow", string? condition = null) =>
        $"{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"{effect}\",\"Principal\":{principal},\"Action\":{action}" +
        (condition is null ? "" : $",\"Condition\":{condition}") + "}]}";

    [Theory]
    [InlineData("{\"AWS\":\"arn:aws:iam::111122223333:root\"}", "arn:aws:iam::111122223333:root")]
    [InlineData("{\"AWS\":\"111122223333\"}", "111122223333")]
    [InlineData("{\"AWS\":[\"arn:aws:iam::444455556666:root\",\"arn:aws:iam::111122223333:user/alice\"]}", User)]
    [InlineData("\"*\"", "*")]
    public void The_account_the_callers_ARN_or_anyone_is_trusted(string principal, string matched)
    {
        var verdict = TrustPolicy.Evaluate(Policy(principal), User, Account);
        Assert.True(verdict.Readable);
        Assert.True(verdict.Allowed);
        Assert.False(verdict.Denied);
        Assert.Equal(matched, verdict.MatchedPrincipal);
        Assert.False(verdict.RequiresMfa);
    }

    [Theory]
    [InlineData("{\"AWS\":\"arn:aws:iam::444455556666:root\"}")]
    [InlineData("{\"AWS\":\"arn:aws:iam::111122223333:user/bob\"}")]
    [InlineData("{\"Service\":\"ec2.amazonaws.com\"}")]
    public void Another_account_another_user_or_a_service_is_not_the_caller(string principal)
    {
        var verdict = TrustPolicy.Evaluate(Policy(principal), User, Account);
        Assert.True(verdict.Readable);
        Assert.False(verdict.Allowed);
    }

    [Fact]
    public void A_role_session_is_trusted_through_its_role_with_or_without_a_path()
    {
        const string session = "arn:aws:sts::111122223333:assumed-role/Deployer/ci-42";
        Assert.True(TrustPolicy.Evaluate(Policy("{\"AWS\":\"arn:aws:iam::111122223333:role/Deployer\"}"), session, Account).Allowed);
        Assert.True(TrustPolicy.Evaluate(Policy("{\"AWS\":\"arn:aws:iam::111122223333:role/ci/Deployer\"}"), session, Account).Allowed);
        Assert.False(TrustPolicy.Evaluate(Policy("{\"AWS\":\"arn:aws:iam::111122223333:role/Other\"}"), session, Account).Allowed);
    }

    [Theory]
    [InlineData("{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}")]
    [InlineData("{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":true}}")]
    [InlineData("{\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":\"3600\"}}")]
    public void An_MFA_condition_on_the_allowing_statement_requires_MFA(string condition)
    {
        var verdict = TrustPolicy.Evaluate(Policy("{\"AWS\":\"arn:aws:iam::111122223333:root\"}", condition: condition), User, Account);
        Assert.True(verdict.Allowed);
        Assert.True(verdict.RequiresMfa);
        Assert.Empty(verdict.OtherConditions);
    }

    [Fact]
    public void A_Deny_when_MFA_is_absent_also_requires_MFA_and_an_unconditional_Deny_denies()
    {
        var mfaDeny = "{\"Version\":\"2012-10-17\",\"Statement\":[" +
                      "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\"}," +
                      "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"sts:*\",\"Condition\":{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}";
        var verdict = TrustPolicy.Evaluate(mfaDeny, User, Account);
        Assert.True(verdict.Allowed);
        Assert.True(verdict.RequiresMfa);
        Assert.False(verdict.Denied);

        var deny = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\"}," +
                   "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/alice\"},\"Action\":\"*\"}]}";
        Assert.True(TrustPolicy.Evaluate(deny, User, Account).Denied);
    }

    [Fact]
    public void Actions_match_with_wildcards_and_other_STS_actions_do_not_count()
    {
        Assert.True(TrustPolicy.Evaluate(Policy("{\"AWS\":\"111122223333\"}", "\"sts:*\""), User, Account).Allowed);
        Assert.True(TrustPolicy.Evaluate(Policy("{\"AWS\":\"111122223333\"}", "[\"STS:assumerole\"]"), User, Account).Allowed);
        Assert.False(TrustPolicy.Evaluate(Policy("{\"AWS\":\"111122223333\"}", "\"sts:AssumeRoleWithSAML\""), User, Account).Allowed);
        Assert.False(TrustPolicy.Evaluate(Policy("{\"AWS\":\"111122223333\"}", "\"sts:TagSession\""), User, Account).Allowed);
    }

    [Fact]
    public void Other_conditions_are_named_not_evaluated()
    {
        var verdict = TrustPolicy.Evaluate(Policy("{\"AWS\":\"111122223333\"}", condition: "{\"StringEquals\":{\"sts:ExternalId\":\"x\"}}"), User, Account);
        Assert.True(verdict.Allowed);
        Assert.Equal(["sts:ExternalId"], verdict.OtherConditions);
    }

    [Fact]
    public void A_single_statement_object_is_read_and_garbage_is_unreadable()
    {
        var single = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\"}}";
        Assert.True(TrustPolicy.Evaluate(single, User, Account).Allowed);
        Assert.False(TrustPolicy.Evaluate("not json", User, Account).Readable);
        Assert.False(TrustPolicy.Evaluate("{\"Version\":\"2012-10-17\"}", User, Account).Readable);
        Assert.False(TrustPolicy.Evaluate(null, User, Account).Readable);
    }
}
