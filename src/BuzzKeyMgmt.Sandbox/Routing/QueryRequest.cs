using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Protocols;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>The checks every awsQuery request goes through once its signature is valid: method, content type, form,
/// Action and Version present. Either the parsed request or the error answer AWS gives.</summary>
internal static class QueryRequest
{
    public static bool TryRead(HttpRequestData request, string requestId, out FormParameters form, out string action, out string version,
        out HttpResponseData? refusal)
    {
        form = null!;
        action = version = "";
        refusal = null;
        if (request.Method is not ("POST" or "GET"))
            refusal = QueryProtocol.Error(new AwsError("InvalidAction", $"Method {request.Method} is not supported; use POST.", 400), requestId);
        else if (request.Method == "POST" && request.Body.Length > 0 && !IsForm(request.Header("Content-Type")))
            refusal = QueryProtocol.Error(new AwsError("InvalidAction",
                "The request's Content-Type must be application/x-www-form-urlencoded for this service.", 400), requestId);
        else if (!FormParameters.TryParse(request.RawQuery, request.Body, out form, out var problem))
            refusal = QueryProtocol.Error(new AwsError("MalformedQueryString", problem!, 400), requestId);
        else if (string.IsNullOrEmpty(action = form["Action"] ?? ""))
            refusal = QueryProtocol.Error(new AwsError("MissingAction", "The request must contain the parameter Action.", 400), requestId);
        else if (string.IsNullOrEmpty(version = form["Version"] ?? ""))
            refusal = QueryProtocol.Error(new AwsError("MissingParameter", "The request must contain the parameter Version.", 400), requestId);
        return refusal is null;
    }

    private static bool IsForm(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
