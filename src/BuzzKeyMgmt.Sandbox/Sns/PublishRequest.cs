using System.Text;
using BuzzKeyMgmt.Sandbox.Protocols;

namespace BuzzKeyMgmt.Sandbox.Sns;

/// <summary>Publish's parameters checked as SNS checks them (message size, subject, message attributes).</summary>
internal sealed record PublishRequest(string TopicArn, string Message, string? Subject, Dictionary<string, MessageAttribute> Attributes)
{
    public const int MaxMessageBytes = 262_144;
    private const int MaxAttributes = 10;

    public static PublishRequest? Parse(FormParameters p, out AwsError? error)
    {
        error = null;
        var topic = p["TopicArn"] ?? p["TargetArn"];
        if (string.IsNullOrEmpty(topic))
        {
            error = Invalid("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
            return null;
        }
        var message = p["Message"];
        if (message is null)
        {
            error = new AwsError("ValidationError", "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null", 400);
            return null;
        }
        if (message.Length == 0) { error = Invalid("Invalid parameter: Empty message"); return null; }
        if (Encoding.UTF8.GetByteCount(message) > MaxMessageBytes) { error = Invalid("Invalid parameter: Message too long"); return null; }
        var subject = p["Subject"];
        if (subject is not null && (subject.Length == 0 || subject.Length >= 100 || subject.Any(char.IsControl)))
        {
            error = Invalid("Invalid parameter: Subject");
            return null;
        }
        var attributes = new Dictionary<string, MessageAttribute>(StringComparer.Ordinal);
        for (int i = 1; p.Has($"MessageAttributes.entry.{i}.Name"); i++)
        {
            if (i > MaxAttributes)
            {
                error = Value($"Number of message attributes [{CountEntries(p)}] exceeds the allowed maximum [{MaxAttributes}].");
                return null;
            }
            var prefix = $"MessageAttributes.entry.{i}.";
            var name = p[prefix + "Name"]!;
            var type = p[prefix + "Value.DataType"];
            if (string.IsNullOrEmpty(name)) { error = Value("The message attribute name must not be empty."); return null; }
            if (string.IsNullOrEmpty(type)) { error = Value($"The message attribute '{name}' must contain non-empty message attribute type."); return null; }
            string? value;
            if (type.StartsWith("Binary", StringComparison.Ordinal)) value = p[prefix + "Value.BinaryValue"];
            else if (type.StartsWith("String", StringComparison.Ordinal) || type.StartsWith("Number", StringComparison.Ordinal)) value = p[prefix + "Value.StringValue"];
            else
            {
                error = Value($"The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
                return null;
            }
            if (string.IsNullOrEmpty(value))
            {
                error = Value($"The message attribute '{name}' must contain non-empty message attribute value for message attribute type '{type}'.");
                return null;
            }
            if (type.StartsWith("Number", StringComparison.Ordinal) && !decimal.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                error = Value($"Could not cast message attribute '{name}' value to number.");
                return null;
            }
            attributes[name] = new MessageAttribute(type, value);
        }
        return new PublishRequest(topic, message, subject, attributes);
    }

    private static int CountEntries(FormParameters p)
    {
        int n = 0;
        while (p.Has($"MessageAttributes.entry.{n + 1}.Name")) n++;
        return n;
    }

    private static AwsError Invalid(string message) => new("InvalidParameter", message, 400);
    private static AwsError Value(string message) => new("InvalidParameterValue", message, 400);
}
