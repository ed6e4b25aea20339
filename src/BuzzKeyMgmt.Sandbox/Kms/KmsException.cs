namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>A KMS error as AWS names it: the exception type (the "__type" of the body), message and HTTP status.</summary>
public sealed class KmsException(string type, string message, int status = 400) : Exception(message)
{
    public string Type { get; } = type;
    public int Status { get; } = status;

    public static KmsException NotFound(string message) => new("NotFoundException", message, 404);
    public static KmsException InvalidState(string message) => new("KMSInvalidStateException", message, 409);
    public static KmsException Disabled(string arn) => new("DisabledException", $"{arn} is disabled.", 409);
    public static KmsException Validation(string value, string member, string constraint) =>
        new("ValidationException", $"1 validation error detected: Value {value} at '{member}' failed to satisfy constraint: {constraint}");
    public static KmsException Missing(string member) => Validation("null", member, "Member must not be null");
    public static KmsException Serialization(string message) => new("SerializationException", message);
    public static KmsException Unsupported(string message) => new("UnsupportedOperationException", message);
    /// <summary>ConflictException, 409 (Smithy model: httpError 409; botocore: a structure with a message only).</summary>
    public static KmsException Conflict(string message) => new("ConflictException", message, 409);
    public static KmsException LimitExceeded(string message) => new("LimitExceededException", message);
}
