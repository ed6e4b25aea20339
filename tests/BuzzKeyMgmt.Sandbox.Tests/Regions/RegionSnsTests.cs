using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;
using static BuzzKeyMgmt.Sandbox.Tests.Regions.RegionClients;

namespace BuzzKeyMgmt.Sandbox.Tests.Regions;

/// <summary>SNS topics per Region over signed raw awsQuery (no SNS SDK here): a default topic in each, Publish only to the signing Region's topics.</summary>
public sealed class RegionSnsTests(SandboxFixture f) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly RawAws east = new(f.Server, Primary);
    private readonly RawAws west = new(f.Server, Second);

    private static IEnumerable<KeyValuePair<string, string>> Sns(params (string, string)[] extra) =>
        RawAws.Params([("Version", "2010-03-31"), .. extra]);

    [Fact]
    public async Task Every_served_Region_has_its_own_default_topic_and_lists_only_its_own_topics()
    {
        Assert.Equal($"arn:aws:sns:eu-west-2:{f.Server.AccountId}:buzzkeymgmt-alerts", f.Server.AlertTopicArnIn(Second));
        Assert.Equal(f.Server.AlertTopicArn, f.Server.AlertTopicArnIn(Primary));
        Assert.Equal($"arn:aws:sns:us-east-1:{f.Server.AccountId}:buzzkeymgmt-alerts", f.Server.AlertTopicArn);
        Assert.Throws<ArgumentException>(() => f.Server.AlertTopicArnIn("ap-south-1"));

        var created = await west.QueryAsync("sns", Sns(("Action", "CreateTopic"), ("Name", "london-drills")));
        Assert.Equal($"arn:aws:sns:eu-west-2:{f.Server.AccountId}:london-drills", created.Value("TopicArn"));

        var westTopics = await Topics(west);
        var eastTopics = await Topics(east);
        Assert.Contains(f.Server.AlertTopicArnIn(Second), westTopics);
        Assert.Contains(created.Value("TopicArn"), westTopics);
        Assert.DoesNotContain(f.Server.AlertTopicArn, westTopics);
        Assert.Contains(f.Server.AlertTopicArn, eastTopics);
        Assert.DoesNotContain(created.Value("TopicArn"), eastTopics);
        Assert.All(westTopics, t => Assert.StartsWith("arn:aws:sns:eu-west-2:", t));
    }

    [Fact]
    public async Task Publish_in_eu_west_2_to_its_topic_is_read_back_with_that_Region()
    {
        var answer = await west.QueryAsync("sns", Sns(("Action", "Publish"), ("TopicArn", f.Server.AlertTopicArnIn(Second)),
            ("Subject", "Key disabled in London"), ("Message", "INC-2026-0099")));
        Assert.Equal(200, answer.Status);
        var m = Assert.Single(f.Server.Messages, m => m.MessageId == answer.Value("MessageId"));
        Assert.Equal(f.Server.AlertTopicArnIn(Second), m.TopicArn);
        Assert.Equal(Second, m.Region);
        Assert.Equal("INC-2026-0099", m.Message);
        Assert.Equal(f.Server.Root.Arn, m.PublisherArn);

        var inEast = await east.QueryAsync("sns", Sns(("Action", "Publish"), ("TopicArn", f.Server.AlertTopicArn), ("Message", "INC-2026-0100")));
        var e = Assert.Single(f.Server.Messages, m => m.MessageId == inEast.Value("MessageId"));
        Assert.Equal(Primary, e.Region);
        // One list for every Region, in publishing order.
        var ids = f.Server.Messages.Select(x => x.MessageId).ToList();
        Assert.True(ids.IndexOf(m.MessageId) < ids.IndexOf(e.MessageId));
    }

    [Fact]
    public async Task Publish_signed_for_us_east_1_to_the_eu_west_2_topic_is_InvalidParameter_TopicArn_as_on_AWS()
    {
        var a = await east.QueryAsync("sns", Sns(("Action", "Publish"), ("TopicArn", f.Server.AlertTopicArnIn(Second)), ("Message", "wrong Region")));
        Assert.Equal(400, a.Status);
        Assert.Equal("text/xml", a.ContentType);
        Assert.Equal("InvalidParameter", a.QueryErrorCode);
        Assert.Equal("Invalid parameter: TopicArn", a.QueryErrorMessage);
        Assert.Equal("Sender", a.Value("Type"));
        Assert.DoesNotContain(f.Server.Messages, m => m.Message == "wrong Region");

        // The other way round too, and with TargetArn the parameter is named as given; a topic that does not exist in the
        // signing Region itself stays NotFound.
        var back = await west.QueryAsync("sns", Sns(("Action", "Publish"), ("TargetArn", f.Server.AlertTopicArn), ("Message", "wrong Region")));
        Assert.Equal(400, back.Status);
        Assert.Equal("Invalid parameter: TargetArn", back.QueryErrorMessage);
        var missing = await west.QueryAsync("sns", Sns(("Action", "Publish"), ("TopicArn", $"arn:aws:sns:eu-west-2:{f.Server.AccountId}:nope"), ("Message", "x")));
        Assert.Equal(404, missing.Status);
        Assert.Equal("NotFound", missing.QueryErrorCode);
        Assert.DoesNotContain(f.Server.Messages, m => m.Message is "wrong Region" or "x");
    }

    private static async Task<List<string>> Topics(RawAws raw)
    {
        var list = await raw.QueryAsync("sns", Sns(("Action", "ListTopics")));
        Assert.Equal(200, list.Status);
        return list.Xml.Descendants().Where(e => e.Name.LocalName == "TopicArn").Select(e => e.Value).ToList();
    }

    public void Dispose()
    {
        east.Dispose();
        west.Dispose();
    }
}
