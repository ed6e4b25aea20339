using Amazon.Runtime;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>Turns AWS SDK exceptions into <see cref="KeyMgmtException"/>s that say what happened and what to do,
/// instead of a raw SDK dump.</summary>
public static class AwsErrors
{
    public static KeyMgmtException Translate(Exception ex, string action, string? target = null, string? environment = null)
    {
        var what = target is null ? action : $"{action} {target}";
        switch (ex)
        {
            case KeyMgmtException known:
                return known;
            case OperationCanceledException:
                return new KeyMgmtException("OperationStopped", FailureKind.OperationStopped, $"{what}: stopped.", null, ex);
            case AmazonServiceException aws:
                return FromService(aws, what, environment);
            case AmazonClientException or HttpRequestException or IOException or TimeoutException:
                return new KeyMgmtException("EndpointUnreachable", FailureKind.ConnectionError,
                    $"{what}: the AWS endpoint could not be reached ({ex.GetBaseException().Message}).",
                    "Check the network path to the endpoint (Test-KeyMgmtEnvironment shows reachability) and try again.", ex);
            default:
                return new KeyMgmtException("UnexpectedFailure", FailureKind.NotSpecified, $"{what}: {ex.Message}", null, ex);
        }
    }

    private static KeyMgmtException FromService(AmazonServiceException aws, string what, string? environment)
    {
        var code = aws.ErrorCode ?? "";
        var reconnect = environment is null ? "Connect-KeyManagement" : $"Connect-KeyManagement -Environment {environment}";
        return code switch
        {
            "NotFoundException" => new("KeyNotFound", FailureKind.ObjectNotFound, $"{what}: no such key ({aws.Message})", null, aws),
            "AccessDeniedException" or "AccessDenied" or "AuthorizationError" => new("AccessDenied", FailureKind.PermissionDenied,
                $"{what}: access denied ({aws.Message})", null, aws),
            "ExpiredTokenException" or "ExpiredToken" => new("SessionExpired", FailureKind.AuthenticationError,
                $"{what}: the session's credentials have expired.", $"Reconnect: {reconnect} -Role <role> -MfaCode <code>", aws),
            "UnrecognizedClientException" or "InvalidClientTokenId" or "InvalidSignatureException" or "SignatureDoesNotMatch"
                or "IncompleteSignature" or "MissingAuthenticationToken" => new("CredentialsRejected", FailureKind.AuthenticationError,
                $"{what}: AWS rejected the credentials ({code}: {aws.Message})", $"Check the profile or credentials, then {reconnect}.", aws),
            "ThrottlingException" or "Throttling" or "LimitExceededException" => new("Throttled", FailureKind.LimitsExceeded,
                $"{what}: still throttled after retries ({aws.Message})", "Lower -ThrottleLimit or retry later.", aws),
            "KMSInvalidStateException" or "DisabledException" => new("InvalidKeyState", FailureKind.InvalidOperation,
                $"{what}: {aws.Message}", null, aws),
            "KMSInternalException" or "DependencyTimeoutException" or "InternalError" or "KeyUnavailableException" => new("AwsUnavailable",
                FailureKind.ResourceUnavailable, $"{what}: AWS answered {code} ({aws.Message})", "Retry; if it persists, check the AWS Health Dashboard.", aws),
            _ => new("AwsError", FailureKind.NotSpecified, $"{what}: {code}: {aws.Message}", null, aws),
        };
    }
}
