namespace BuzzKeyMgmt.Sandbox.Protocols;

/// <summary>An AWS error as a protocol writes it: code, message, HTTP status, and for awsQuery Sender/Receiver.</summary>
internal sealed record AwsError(string Code, string Message, int Status)
{
    public string Type => Status >= 500 ? "Receiver" : "Sender";
}
