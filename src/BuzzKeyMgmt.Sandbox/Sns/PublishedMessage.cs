namespace BuzzKeyMgmt.Sandbox.Sns;

/// <summary>One SNS message attribute as published (Binary values stay base64 text).</summary>
public sealed record MessageAttribute(string DataType, string Value);

/// <summary>A message accepted by the sandbox's SNS Publish, readable through <c>SandboxServer.Messages</c>.</summary>
public sealed record PublishedMessage(
    string TopicArn,
    string MessageId,
    string? Subject,
    string Message,
    IReadOnlyDictionary<string, MessageAttribute> Attributes,
    DateTimeOffset Timestamp,
    string PublisherArn)
{
    /// <summary>The Region whose topic got the message (the Region of <see cref="TopicArn"/>, which SNS accepts only when the
    /// request was signed for that Region).</summary>
    public string Region => TopicArn.Split(':') is { Length: >= 4 } parts ? parts[3] : "";
}
