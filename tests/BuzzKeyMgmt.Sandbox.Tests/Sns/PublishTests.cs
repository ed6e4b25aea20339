using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Sns;

/// <summary>SNS over signed raw awsQuery requests (AWSSDK.SimpleNotificationService is not available): publish and read back.</summary>
public sealed class PublishTests(SandboxFixture f) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly RawAws raw = new(f.Server);

    private Task<RawAws.Answer> Publish(params (string, string)[] extra) =>
        raw.QueryAsync("sns", RawAws.Params([("Action", "Publish"), ("Version", "2010-03-31"), .. extra]));

    [Fact]
    public async Task Published_message_with_attributes_is_readable_through_Messages()
    {
        var user = f.Server.User("operator");
        var answer = await raw.QueryAsync("sns", RawAws.Params(("Action", "Publish"), ("Version", "2010-03-31"),
            ("TopicArn", f.Server.AlertTopicArn), ("Subject", "Key revoked: alias/CEK_orders"), ("Message", "{\"incident\":\"INC-2026-0042\", \"ü\":\"ok\"}"),
            ("MessageAttributes.entry.1.Name", "severity"), ("MessageAttributes.entry.1.Value.DataType", "String"),
            ("MessageAttributes.entry.1.Value.StringValue", "high"),
            ("MessageAttributes.entry.2.Name", "attempt"), ("MessageAttributes.entry.2.Value.DataType", "Number"),
            ("MessageAttributes.entry.2.Value.StringValue", "2")), new TestSigner.Credentials(user.AccessKeyId, user.SecretAccessKey));

        Assert.Equal(200, answer.Status);
        var id = answer.Value("MessageId");
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal("http://sns.amazonaws.com/doc/2010-03-31/", answer.Xml.Name.NamespaceName);
        Assert.False(string.IsNullOrEmpty(answer.Value("RequestId")));
        var m = Assert.Single(f.Server.Messages, m => m.MessageId == id);
        Assert.Equal(f.Server.AlertTopicArn, m.TopicArn);
        Assert.Equal("Key revoked: alias/CEK_orders", m.Subject);
        Assert.Equal("{\"incident\":\"INC-2026-0042\", \"ü\":\"ok\"}", m.Message);
        Assert.Equal("high", m.Attributes["severity"].Value);
        Assert.Equal("Number", m.Attributes["attempt"].DataType);
        Assert.Equal(user.Arn, m.PublisherArn);
    }

    [Fact]
    public async Task Default_topic_exists_and_CreateTopic_is_idempotent_and_listed()
    {
        Assert.Equal($"arn:aws:sns:{f.Server.Region}:{f.Server.AccountId}:buzzkeymgmt-alerts", f.Server.AlertTopicArn);
        var first = await raw.QueryAsync("sns", RawAws.Params(("Action", "CreateTopic"), ("Version", "2010-03-31"), ("Name", "drills")));
        var second = await raw.QueryAsync("sns", RawAws.Params(("Action", "CreateTopic"), ("Version", "2010-03-31"), ("Name", "drills")));
        Assert.Equal(first.Value("TopicArn"), second.Value("TopicArn"));
        var list = await raw.QueryAsync("sns", RawAws.Params(("Action", "ListTopics"), ("Version", "2010-03-31")));
        var arns = list.Xml.Descendants().Where(e => e.Name.LocalName == "TopicArn").Select(e => e.Value).ToList();
        Assert.Contains(f.Server.AlertTopicArn, arns);
        Assert.Contains(first.Value("TopicArn"), arns);
        var bad = await raw.QueryAsync("sns", RawAws.Params(("Action", "CreateTopic"), ("Version", "2010-03-31"), ("Name", "bad name!")));
        Assert.Equal("InvalidParameter", bad.QueryErrorCode);
    }

    [Fact]
    public async Task Unknown_topic_is_NotFound_404()
    {
        var a = await Publish(("TopicArn", $"arn:aws:sns:{f.Server.Region}:{f.Server.AccountId}:nope"), ("Message", "x"));
        Assert.Equal(404, a.Status);
        Assert.Equal("NotFound", a.QueryErrorCode);
        Assert.Equal("Topic does not exist", a.QueryErrorMessage);
    }

    [Fact]
    public async Task Missing_topic_is_InvalidParameter()
    {
        var a = await Publish(("Message", "x"));
        Assert.Equal(400, a.Status);
        Assert.Equal("InvalidParameter", a.QueryErrorCode);
        Assert.Equal("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter", a.QueryErrorMessage);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("tab\there")]
    [InlineData("")]
    public async Task Subject_with_control_characters_or_empty_is_InvalidParameter(string subject)
    {
        var a = await Publish(("TopicArn", f.Server.AlertTopicArn), ("Message", "x"), ("Subject", subject));
        Assert.Equal(400, a.Status);
        Assert.Equal("InvalidParameter", a.QueryErrorCode);
        Assert.Equal("Invalid parameter: Subject", a.QueryErrorMessage);
    }

    [Fact]
    public async Task Subject_must_be_shorter_than_100_characters()
    {
        var ok = await Publish(("TopicArn", f.Server.AlertTopicArn), ("Message", "x"), ("Subject", new string('s', 99)));
        Assert.Equal(200, ok.Status);
        var tooLong = await Publish(("TopicArn", f.Server.AlertTopicArn), ("Message", "x"), ("Subject", new string('s', 100)));
        Assert.Equal("InvalidParameter", tooLong.QueryErrorCode);
    }

    [Fact]
    public async Task Message_limit_is_262144_utf8_bytes()
    {
        var atLimit = await Publish(("TopicArn", f.Server.AlertTopicArn), ("Message", new string('m', 262_144)));
        Assert.Equal(200, atLimit.Status);
        // 131,073 two-byte characters = 262,146 bytes.
        var over = await Publish(("TopicArn", f.Server.AlertTopicArn), ("Message", new string('é', 131_073)));
        Assert.Equal(400, over.Status);
        Assert.Equal("Invalid parameter: Message too long", over.QueryErrorMessage);
    }

    [Fact]
    public async Task Attribute_without_value_is_rejected_and_nothing_is_published()
    {
        int before = f.Server.Messages.Count;
        var a = await Publish(("TopicArn", f.Server.AlertTopicArn), ("Message", "x"),
            ("MessageAttributes.entry.1.Name", "severity"), ("MessageAttributes.entry.1.Value.DataType", "String"));
        Assert.Equal("InvalidParameterValue", a.QueryErrorCode);
        Assert.Equal("The message attribute 'severity' must contain non-empty message attribute value for message attribute type 'String'.", a.QueryErrorMessage);
        Assert.Equal(before, f.Server.Messages.Count);   // tests of this class run one after another
    }

    public void Dispose() => raw.Dispose();
}
