using Amazon.Runtime;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>Turns AWS SDK exceptions into <see cref="KeyMgmtException"/>s that say what happened and what to do,
/// instead of a raw SDK dump.</summary>
public static class AwsErrors
{
    /// <param name="service">The service that was called (for errors without a code); KMS when not given.</param>
    public static KeyMgmtException Translate(Exception ex, string action, string? target = null, string? environment = null, AwsService service = AwsService.Kms)
    {
        var what = target is null ? action : $"{action} {target}";
        switch (ex)
        {
            case KeyMgmtException known:
                return known;
            case OperationCanceledException:
                return new KeyMgmtException("OperationStopped", FailureKind.OperationStopped, $"{what}: stopped.", null, ex);
            case ThrottleBudgetExhaustedException spent:
                return new KeyMgmtException("Throttled", FailureKind.LimitsExceeded,
                    $"{what}: AWS kept throttling {spent.Operation}: {spent.Throttles} throttled answers, retried with backoff for the whole " +
                    $"{spent.Budget.TotalSeconds:0} s budget ({ThrottlingSource(spent.InnerException!)}).", ThrottledAdvice, ex);
            case AmazonClientException client when IsClientSideThrottling(client):
                // The SDK's adaptive retry refused to send: its own rate limiter, slowed by earlier throttling, had no
                // capacity. Nothing went over the network; it is throttling, not an unreachable endpoint.
                return new KeyMgmtException("Throttled", FailureKind.LimitsExceeded,
                    $"{what}: not sent: the AWS SDK's client-side rate limiter (adaptive retry) held the call back after earlier throttling ({client.Message}).",
                    ThrottledAdvice, ex);
            case AmazonServiceException aws:
                return string.IsNullOrEmpty(aws.ErrorCode) ? WithoutCode(aws, what, service) : FromService(aws, what, environment);
            case AmazonClientException or HttpRequestException or IOException or TimeoutException:
                return new KeyMgmtException("EndpointUnreachable", FailureKind.ConnectionError,
                    $"{what}: the AWS endpoint could not be reached ({ex.GetBaseException().Message}).",
                    "Check the network path to the endpoint (Test-KeyMgmtEnvironment shows reachability) and try again.", ex);
            default:
                return new KeyMgmtException("UnexpectedFailure", FailureKind.NotSpecified, $"{what}: {ex.Message}", null, ex);
        }
    }

    /// <summary>Advice for throttling that names no cmdlet's parameter (the fleet reads add -ThrottleLimit, revocation its own).</summary>
    public const string ThrottledAdvice =
        "AWS limits the request rate per account and Region, shared with every other caller there: retry in a minute, and look for what else is calling KMS.";

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "ThrottledException", "RequestThrottledException", "RequestThrottled",
        "TooManyRequestsException", "RequestLimitExceeded", "SlowDown", "ProvisionedThroughputExceededException",
    };

    /// <summary>True for AWS's throttling answers (a throttling code or HTTP 429) and for the SDK's client-side throttling
    /// (adaptive retry's "capacity could not be obtained"), looking through wrapping exceptions. Not for KMS's
    /// LimitExceededException, which is a quota on resources, not on the request rate.</summary>
    public static bool IsThrottling(Exception? ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is AmazonServiceException aws)
                return ThrottlingCodes.Contains(aws.ErrorCode ?? "") || (int)aws.StatusCode == 429 || aws.Retryable?.Throttling == true;
            if (e is AmazonClientException client && IsClientSideThrottling(client)) return true;
        }
        return false;
    }

    /// <summary>"ThrottlingException: Rate exceeded", or "client-side rate limiter" for the SDK's own.</summary>
    internal static string ThrottlingSource(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is AmazonServiceException aws) return $"{aws.ErrorCode}: {aws.Message}";
            if (e is AmazonClientException client && IsClientSideThrottling(client)) return "the SDK's client-side rate limiter";
        }
        return ex.Message;
    }

    /// <summary>The SDK's adaptive retry mode throws a plain AmazonClientException when its token bucket has no capacity
    /// ("… capacity could not be obtained …"): recognised by that message, the only thing that tells it apart.</summary>
    private static bool IsClientSideThrottling(AmazonClientException ex) =>
        ex.Message.Contains("capacity could not be obtained", StringComparison.OrdinalIgnoreCase);

    /// <summary>An answer with no AWS error code (a proxy, a load balancer, or an endpoint of another service — a KMS VPC
    /// endpoint answers STS calls with a bare UnknownOperationException): reported with the service and HTTP status.</summary>
    private static KeyMgmtException WithoutCode(AmazonServiceException aws, string what, AwsService service)
    {
        var name = service.ToString().ToUpperInvariant();
        var status = (int)aws.StatusCode;
        var body = string.IsNullOrWhiteSpace(aws.Message) ? "no message" : aws.Message.Trim();
        var unknownOperation = body.Contains("UnknownOperation", StringComparison.OrdinalIgnoreCase);
        return new KeyMgmtException(unknownOperation ? "WrongServiceEndpoint" : "AwsErrorWithoutCode",
            status >= 500 ? FailureKind.ResourceUnavailable : FailureKind.ConnectionError,
            $"{what}: the {name} endpoint answered HTTP {status} ({aws.StatusCode}) without an AWS error code ({body}).",
            unknownOperation
                ? $"That endpoint does not serve {name} (a KMS VPC endpoint answers KMS only): set endpoints.{name.ToLowerInvariant()} in the environments file, or remove endpointUrl so {name} uses its public endpoint."
                : $"Check that the endpoint configured for {name} is an AWS {name} endpoint (Get-KeyMgmtEnvironment shows the endpoints).", aws);
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
            _ when IsThrottling(aws) => new("Throttled", FailureKind.LimitsExceeded,
                $"{what}: AWS throttled the call and the SDK's retries ran out ({code}: {aws.Message})", ThrottledAdvice, aws),
            "LimitExceededException" => new("LimitExceeded", FailureKind.LimitsExceeded,
                $"{what}: a KMS quota was exceeded ({aws.Message}); this is a limit on resources or operations, not a request rate.",
                "See the KMS quotas of the account (Service Quotas console); retrying will not help until the quota allows it.", aws),
            "KMSInvalidStateException" or "DisabledException" => new("InvalidKeyState", FailureKind.InvalidOperation,
                $"{what}: {aws.Message}", null, aws),
            "KMSInternalException" or "DependencyTimeoutException" or "InternalError" or "KeyUnavailableException" => new("AwsUnavailable",
                FailureKind.ResourceUnavailable, $"{what}: AWS answered {code} ({aws.Message})", "Retry; if it persists, check the AWS Health Dashboard.", aws),
            _ => new("AwsError", FailureKind.NotSpecified, $"{what}: {code}: {aws.Message}", null, aws),
        };
    }
}
