using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Protocols;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>
/// Routes every request: an <c>X-Amz-Target</c> header or a JSON content type → KMS (awsJson1_1); otherwise awsQuery
/// (STS/SNS by SigV4 scope). Nothing escapes as an exception: any failure becomes an AWS-shaped error with a body.
/// With <paramref name="kmsOnly"/> (a KMS VPC endpoint's listener) only KMS is served: anything else gets KMS's
/// <see cref="JsonProtocol.UnknownOperation"/> answer.
/// </summary>
internal sealed class RequestPipeline(SandboxServices services, bool kmsOnly = false)
{
    private readonly KmsRoute _kms = new(services);
    private readonly QueryRoute _query = new(services);

    public async ValueTask<HttpResponseData> HandleAsync(HttpRequestData request)
    {
        var requestId = Identity.IdGenerator.RequestId();
        var target = request.Header("X-Amz-Target");
        bool json = target is not null || IsJson(request.Header("Content-Type"));
        if (kmsOnly && !json) return JsonProtocol.UnknownOperation(requestId);
        try
        {
            return json ? await _kms.HandleAsync(request, target, requestId) : await _query.HandleAsync(request, requestId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var error = new AwsError(json ? "KMSInternalException" : "InternalFailure", $"Internal error in the sandbox: {e.GetType().Name}", 500);
            return json ? JsonProtocol.Error(error, requestId) : QueryProtocol.Error(error, requestId);
        }
    }

    /// <summary>The AWS-shaped answer for a request rejected while reading it (size limits, broken framing).</summary>
    public static HttpResponseData FramingError(int status, string code, string message, string? contentType)
    {
        var error = new AwsError(code, message, status);
        var id = Identity.IdGenerator.RequestId();
        return IsJson(contentType) ? JsonProtocol.Error(error, id) : QueryProtocol.Error(error, id);
    }

    /// <summary>The KMS-only listener's answer for a request rejected while reading it: always awsJson1_1, as KMS answers.</summary>
    public static HttpResponseData KmsFramingError(int status, string code, string message, string? contentType) =>
        JsonProtocol.Error(new AwsError(code, message, status), Identity.IdGenerator.RequestId());

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/x-amz-json", StringComparison.OrdinalIgnoreCase);
}
