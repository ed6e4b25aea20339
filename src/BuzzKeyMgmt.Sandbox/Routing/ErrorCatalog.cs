using BuzzKeyMgmt.Sandbox.Protocols;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Signing;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>AWS's codes, statuses and messages for authentication failures, throttling and injected faults, per protocol.</summary>
internal static class ErrorCatalog
{
    public const string RateExceeded = "Rate exceeded";

    public static AwsError KmsAuth(AuthFailure f) => f.Kind switch
    {
        AuthFailureKind.MissingToken => new("MissingAuthenticationTokenException", "Missing Authentication Token", 400),
        AuthFailureKind.IncompleteSignature => new("IncompleteSignatureException", f.Message, 400),
        AuthFailureKind.InvalidClientToken => new("UnrecognizedClientException", f.Message, 400),
        AuthFailureKind.ExpiredToken => new("ExpiredTokenException", f.Message, 400),
        _ => new("InvalidSignatureException", f.Message, 400),
    };

    public static AwsError QueryAuth(AuthFailure f) => f.Kind switch
    {
        AuthFailureKind.MissingToken => new("MissingAuthenticationToken", "Request is missing Authentication Token", 403),
        AuthFailureKind.IncompleteSignature => new("IncompleteSignature", f.Message, 400),
        AuthFailureKind.InvalidClientToken => new("InvalidClientTokenId", f.Message, 403),
        AuthFailureKind.ExpiredToken => new("ExpiredToken", f.Message, 403),
        _ => new("SignatureDoesNotMatch", f.Message, 403),
    };

    public static AwsError KmsFault(FaultKind kind) => kind switch
    {
        FaultKind.Throttling => new("ThrottlingException", RateExceeded, 400),
        FaultKind.DependencyTimeout => new("DependencyTimeoutException", "The system timed out while trying to fulfill the request. You can retry the request.", 503),
        _ => new("KMSInternalException", "The request was rejected because an internal exception occurred. The request can be retried.", 500),
    };

    public static AwsError QueryFault(FaultKind kind, string service) => kind switch
    {
        FaultKind.Throttling => new("Throttling", RateExceeded, 400),
        FaultKind.DependencyTimeout => new("ServiceUnavailable", "Service is unable to handle request.", 503),
        _ when service == "STS" => new("InternalFailure", "An internal error occurred. Try the request again.", 500),
        _ => new("InternalError", "An internal error occurred. Try the request again.", 500),
    };
}
