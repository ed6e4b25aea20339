using System.Text;
using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Protocols;

namespace BuzzKeyMgmt.Sandbox.Sns;

/// <summary>
/// GetTopicAttributes: a topic's attributes as <c>Attributes/entry/{key,value}</c>, as SNS answers them: TopicArn, Owner,
/// Policy (the default access policy: the owner account may do everything, Publish included), DisplayName (empty),
/// the subscription counts (the sandbox's topics have no subscriptions; messages are kept for tests to read instead) and
/// EffectiveDeliveryPolicy. The IAM user "trainee" is refused (AuthorizationError 403), as a user whose IAM policy
/// allows Publish but not reading topics would be; an unknown topic is NotFound 404.
/// </summary>
internal sealed partial class SnsService
{
    private const string EffectiveDeliveryPolicy =
        "{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":20,\"maxDelayTarget\":20,\"numRetries\":3,\"numMaxDelayRetries\":0," +
        "\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,\"backoffFunction\":\"linear\"},\"disableSubscriptionOverrides\":false," +
        "\"defaultRequestPolicy\":{\"headerContentType\":\"text/plain; charset=UTF-8\"}}}";

    private HttpResponseData GetTopicAttributes(FormParameters p, CallerIdentity caller, string requestId)
    {
        var arn = p["TopicArn"];
        if (arn is null)
            return QueryProtocol.Error(new AwsError("ValidationError",
                "1 validation error detected: Value null at 'topicArn' failed to satisfy constraint: Member must not be null", 400), requestId);
        if (arn.Split(':') is not { Length: 6 } parts || parts[0] != "arn" || parts[2] != "sns" || parts[5].Length == 0)
            return QueryProtocol.Error(new AwsError("InvalidParameter", "Invalid parameter: TopicArn", 400), requestId);
        if (caller.Kind == CallerKind.User && caller.Principal?.Name == IdentityStore.NoKmsUser)
            return QueryProtocol.Error(new AwsError("AuthorizationError",
                $"User: {caller.Arn} is not authorized to perform: SNS:GetTopicAttributes on resource: {arn} " +
                "because no identity-based policy allows the SNS:GetTopicAttributes action", 403), requestId);
        if (!_topicsByArn.ContainsKey(arn))
            return QueryProtocol.Error(new AwsError("NotFound", "Topic does not exist", 404), requestId);

        var sb = new StringBuilder(2048).Append("<Attributes>");
        Entry(sb, "Policy", DefaultPolicy(arn));
        Entry(sb, "Owner", _accountId);
        Entry(sb, "SubscriptionsPending", "0");
        Entry(sb, "TopicArn", arn);
        Entry(sb, "EffectiveDeliveryPolicy", EffectiveDeliveryPolicy);
        Entry(sb, "SubscriptionsConfirmed", "0");
        Entry(sb, "DisplayName", "");
        Entry(sb, "SubscriptionsDeleted", "0");
        sb.Append("</Attributes>");
        return QueryProtocol.Success("GetTopicAttributes", Namespace, sb.ToString(), requestId);
    }

    private string DefaultPolicy(string arn) =>
        "{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\",\"Statement\":[{\"Sid\":\"__default_statement_ID\",\"Effect\":\"Allow\"," +
        "\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"SNS:GetTopicAttributes\",\"SNS:SetTopicAttributes\",\"SNS:AddPermission\"," +
        "\"SNS:RemovePermission\",\"SNS:DeleteTopic\",\"SNS:Subscribe\",\"SNS:ListSubscriptionsByTopic\",\"SNS:Publish\"]," +
        $"\"Resource\":\"{arn}\",\"Condition\":{{\"StringEquals\":{{\"AWS:SourceOwner\":\"{_accountId}\"}}}}}}]}}";

    private static void Entry(StringBuilder sb, string key, string value) =>
        sb.Append("<entry>").Element("key", key).Element("value", value).Append("</entry>");
}
