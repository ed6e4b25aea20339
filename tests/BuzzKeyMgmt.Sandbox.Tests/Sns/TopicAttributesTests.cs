using System.Text.Json;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Sns;

/// <summary>SNS GetTopicAttributes over signed awsQuery (AWSSDK.SimpleNotificationService is not available): the
/// Attributes/entry/{key,value} map, NotFound, AuthorizationError for trainee, parameter checks and the request count.</summary>
public sealed class TopicAttributesTests : IDisposable
{
    private readonly SandboxFixture f = new();   // own sandbox: counts start at zero
    private readonly RawAws raw;

    public TopicAttributesTests() => raw = new RawAws(f.Server);

    private TestSigner.Credentials User(string name) => new(f.Server.User(name).AccessKeyId, f.Server.User(name).SecretAccessKey);

    private Task<RawAws.Answer> Get(TestSigner.Credentials creds, string? topicArn) =>
        raw.SdkQueryAsync("sns", f.Server.Region, RawAws.Params([("Action", "GetTopicAttributes"), ("Version", "2010-03-31"),
            .. topicArn is null ? Array.Empty<(string, string)>() : [("TopicArn", topicArn)]]), creds);

    private static Dictionary<string, string> Attributes(RawAws.Answer a) =>
        a.Xml.Descendants().Single(e => e.Name.LocalName == "Attributes").Elements()
            .ToDictionary(e => e.Elements().Single(x => x.Name.LocalName == "key").Value, e => e.Elements().Single(x => x.Name.LocalName == "value").Value);

    [Fact]
    public async Task The_alert_topics_attributes_come_as_entry_key_value_pairs()
    {
        var a = await Get(User("operator"), f.Server.AlertTopicArn);

        Assert.Equal(200, a.Status);
        Assert.Equal("GetTopicAttributesResponse", a.Xml.Name.LocalName);
        Assert.Equal("http://sns.amazonaws.com/doc/2010-03-31/", a.Xml.Name.NamespaceName);
        Assert.All(a.Xml.Descendants().Single(e => e.Name.LocalName == "Attributes").Elements(), e =>
        {
            Assert.Equal("entry", e.Name.LocalName);
            Assert.Equal(["key", "value"], e.Elements().Select(x => x.Name.LocalName));
        });
        var attributes = Attributes(a);
        Assert.Equal(f.Server.AlertTopicArn, attributes["TopicArn"]);
        Assert.Equal(f.Server.AccountId, attributes["Owner"]);
        Assert.Equal("", attributes["DisplayName"]);
        foreach (var count in new[] { "SubscriptionsConfirmed", "SubscriptionsPending", "SubscriptionsDeleted" })
            Assert.Equal("0", attributes[count]);
        using var policy = JsonDocument.Parse(attributes["Policy"]);
        var statement = policy.RootElement.GetProperty("Statement")[0];
        Assert.Contains("SNS:Publish", statement.GetProperty("Action").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(f.Server.AlertTopicArn, statement.GetProperty("Resource").GetString());
        Assert.Equal(f.Server.AccountId, statement.GetProperty("Condition").GetProperty("StringEquals").GetProperty("AWS:SourceOwner").GetString());
        using var delivery = JsonDocument.Parse(attributes["EffectiveDeliveryPolicy"]);
        Assert.Equal(3, delivery.RootElement.GetProperty("http").GetProperty("defaultHealthyRetryPolicy").GetProperty("numRetries").GetInt32());
        Assert.Equal(1, f.Server.RequestCount("SNS.GetTopicAttributes"));
    }

    [Fact]
    public async Task An_unknown_topic_is_NotFound_404()
    {
        var a = await Get(raw.Root, $"arn:aws:sns:{f.Server.Region}:{f.Server.AccountId}:no-such-topic");
        Assert.Equal(404, a.Status);
        Assert.Equal("ErrorResponse", a.Xml.Name.LocalName);
        Assert.Equal("Sender", a.Value("Type"));
        Assert.Equal("NotFound", a.QueryErrorCode);
        Assert.Equal("Topic does not exist", a.QueryErrorMessage);
    }

    [Fact]
    public async Task Trainee_is_AuthorizationError_403_yet_may_still_publish()
    {
        var trainee = f.Server.User("trainee");
        var a = await Get(User("trainee"), f.Server.AlertTopicArn);
        Assert.Equal(403, a.Status);
        Assert.Equal("AuthorizationError", a.QueryErrorCode);
        Assert.Equal($"User: {trainee.Arn} is not authorized to perform: SNS:GetTopicAttributes on resource: {f.Server.AlertTopicArn} " +
                     "because no identity-based policy allows the SNS:GetTopicAttributes action", a.QueryErrorMessage);

        var published = await raw.SdkQueryAsync("sns", f.Server.Region, RawAws.Params(("Action", "Publish"), ("Version", "2010-03-31"),
            ("TopicArn", f.Server.AlertTopicArn), ("Message", "drill")), User("trainee"));
        Assert.Equal(200, published.Status);
    }

    [Fact]
    public async Task A_missing_or_malformed_TopicArn_is_refused_before_any_lookup()
    {
        var missing = await Get(raw.Root, null);
        Assert.Equal(400, missing.Status);
        Assert.Equal("ValidationError", missing.QueryErrorCode);
        Assert.Equal("1 validation error detected: Value null at 'topicArn' failed to satisfy constraint: Member must not be null", missing.QueryErrorMessage);

        var malformed = await Get(raw.Root, "buzzkeymgmt-alerts");
        Assert.Equal(400, malformed.Status);
        Assert.Equal("InvalidParameter", malformed.QueryErrorCode);
        Assert.Equal("Invalid parameter: TopicArn", malformed.QueryErrorMessage);
    }

    public void Dispose()
    {
        raw.Dispose();
        f.Dispose();
    }
}
