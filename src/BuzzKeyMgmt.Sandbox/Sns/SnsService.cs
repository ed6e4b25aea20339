using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Protocols;

namespace BuzzKeyMgmt.Sandbox.Sns;

/// <summary>
/// The emulated SNS (awsQuery 2010-03-31) of one Region: CreateTopic (idempotent by name), ListTopics, Publish, GetTopicAttributes. Every
/// published message is kept in order for tests and drills to read back (in the queue given, which Regions may share).
/// </summary>
internal sealed partial class SnsService
{
    public const string Namespace = "http://sns.amazonaws.com/doc/2010-03-31/";
    public const string Version = "2010-03-31";
    public static readonly IReadOnlySet<string> Actions = new HashSet<string>(StringComparer.Ordinal) { "CreateTopic", "ListTopics", "Publish", "GetTopicAttributes" };
    private const int PageSize = 100;

    private readonly ConcurrentDictionary<string, string> _topicsByArn = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PublishedMessage> _messages;
    private readonly string _accountId, _region;
    private readonly TimeProvider _clock;

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,256}$")] private static partial Regex TopicName();

    public SnsService(string accountId, string region, TimeProvider clock, ConcurrentQueue<PublishedMessage>? messages = null)
    {
        (_accountId, _region, _clock, _messages) = (accountId, region, clock, messages ?? new());
        DefaultTopicArn = CreateTopic("buzzkeymgmt-alerts");
    }

    public string DefaultTopicArn { get; }
    public IReadOnlyList<PublishedMessage> Messages => _messages.ToArray();

    public string CreateTopic(string name)
    {
        var arn = $"arn:aws:sns:{_region}:{_accountId}:{name}";
        _topicsByArn.TryAdd(arn, name);
        return arn;
    }

    public HttpResponseData Handle(string action, FormParameters p, CallerIdentity caller, string requestId) => action switch
    {
        "CreateTopic" => HandleCreateTopic(p, requestId),
        "ListTopics" => ListTopics(p, requestId),
        "Publish" => Publish(p, caller, requestId),
        "GetTopicAttributes" => GetTopicAttributes(p, caller, requestId),
        _ => QueryProtocol.Error(new AwsError("InvalidAction", $"Could not find operation {action} for version {Version}", 400), requestId),
    };

    private HttpResponseData HandleCreateTopic(FormParameters p, string requestId)
    {
        var name = p["Name"];
        if (name is null || !(TopicName().IsMatch(name) || (name.EndsWith(".fifo", StringComparison.Ordinal) && TopicName().IsMatch(name[..^5]))))
            return QueryProtocol.Error(new AwsError("InvalidParameter", "Invalid parameter: Topic Name", 400), requestId);
        var sb = new StringBuilder().Element("TopicArn", CreateTopic(name));
        return QueryProtocol.Success("CreateTopic", Namespace, sb.ToString(), requestId);
    }

    private HttpResponseData ListTopics(FormParameters p, string requestId)
    {
        var all = _topicsByArn.Keys.OrderBy(a => a, StringComparer.Ordinal).ToList();
        int start = 0;
        if (p["NextToken"] is { } token && (!int.TryParse(token, out start) || start < 0 || start > all.Count))
            return QueryProtocol.Error(new AwsError("InvalidParameter", "Invalid parameter: NextToken", 400), requestId);
        var sb = new StringBuilder("<Topics>");
        foreach (var arn in all.Skip(start).Take(PageSize)) sb.Append("<member>").Element("TopicArn", arn).Append("</member>");
        sb.Append("</Topics>");
        if (start + PageSize < all.Count) sb.Element("NextToken", (start + PageSize).ToString());
        return QueryProtocol.Success("ListTopics", Namespace, sb.ToString(), requestId);
    }

    private HttpResponseData Publish(FormParameters p, CallerIdentity caller, string requestId)
    {
        var request = PublishRequest.Parse(p, out var invalid);
        if (request is null) return QueryProtocol.Error(invalid!, requestId);
        // A topic of another Region: SNS publishes "only to topics and endpoints in the same Amazon Web Services Region"
        // (SNS API Reference, Publish) and answers 400 InvalidParameter "Invalid parameter: TopicArn" (Sender), as reported
        // from AWS in mozilla/security#8 and emulated by LocalStack's SNS provider (region check before the topic lookup);
        // a TargetArn is named as such (ex-aws/ex_aws#402 shows AWS's "Invalid parameter: TargetArn" body).
        if (request.TopicArn.Split(':') is { Length: 6 } arn && arn[0] == "arn" && arn[3] != _region)
            return QueryProtocol.Error(new AwsError("InvalidParameter",
                $"Invalid parameter: {(string.IsNullOrEmpty(p["TopicArn"]) ? "TargetArn" : "TopicArn")}", 400), requestId);
        if (!_topicsByArn.ContainsKey(request.TopicArn))
            return QueryProtocol.Error(new AwsError("NotFound", "Topic does not exist", 404), requestId);
        var id = Guid.NewGuid().ToString();
        _messages.Enqueue(new PublishedMessage(request.TopicArn, id, request.Subject, request.Message, request.Attributes, _clock.GetUtcNow(), caller.Arn));
        return QueryProtocol.Success("Publish", Namespace, new StringBuilder().Element("MessageId", id).ToString(), requestId);
    }
}
