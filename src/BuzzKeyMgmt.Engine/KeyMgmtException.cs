namespace BuzzKeyMgmt.Engine;

/// <summary>What kind of failure, so the cmdlet layer can pick a real ErrorCategory (names match PowerShell's).</summary>
public enum FailureKind
{
    InvalidArgument,
    InvalidData,
    InvalidResult,
    ObjectNotFound,
    PermissionDenied,
    AuthenticationError,
    InvalidOperation,
    ConnectionError,
    LimitsExceeded,
    ResourceUnavailable,
    ResourceBusy,
    OperationStopped,
    NotSpecified,
}

/// <summary>A failure the engine explains: a stable error id, its kind, a message for people and what to do next.</summary>
public class KeyMgmtException : Exception
{
    public KeyMgmtException(string errorId, FailureKind kind, string message, string? recommendedAction = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        RecommendedAction = recommendedAction;
    }

    public string ErrorId { get; }
    public FailureKind Kind { get; }
    public string? RecommendedAction { get; }

    /// <summary>The AWS error code behind it, when there is one (e.g. NotFoundException).</summary>
    public string? AwsErrorCode => (InnerException as Amazon.Runtime.AmazonServiceException)?.ErrorCode;
}
