using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Iam;
using BuzzKeyMgmt.Sandbox.Protocols;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Signing;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>
/// awsQuery requests whose SigV4 scope names "iam": signature checked for us-east-1 whatever Region the sandbox serves
/// (IAM is global; a request scoped to another Region is refused as AWS refuses it) → parameters → Action and Version
/// 2010-05-08 → count ("IAM.GetRole") → faults → <see cref="IamService"/>.
/// </summary>
internal sealed class IamRoute(SandboxServices s)
{
    private readonly SigV4Verifier _verifier = new(s.Identities, region => region == IamService.SigningRegion, s.Iam.Clock);

    public async ValueTask<HttpResponseData> HandleAsync(HttpRequestData request, SigV4Authorization auth, string requestId)
    {
        var caller = _verifier.Verify(request, auth, "iam", out var failure);
        if (caller is null) return QueryProtocol.Error(ErrorCatalog.QueryAuth(failure!), requestId);

        if (request.Method is not ("POST" or "GET"))
            return QueryProtocol.Error(new AwsError("InvalidAction", $"Method {request.Method} is not supported; use POST.", 400), requestId);
        if (request.Method == "POST" && request.Body.Length > 0 && !IsForm(request.Header("Content-Type")))
            return QueryProtocol.Error(new AwsError("InvalidAction",
                "The request's Content-Type must be application/x-www-form-urlencoded for this service.", 400), requestId);
        if (!FormParameters.TryParse(request.RawQuery, request.Body, out var form, out var problem))
            return QueryProtocol.Error(new AwsError("MalformedQueryString", problem!, 400), requestId);

        var action = form["Action"];
        if (string.IsNullOrEmpty(action))
            return QueryProtocol.Error(new AwsError("MissingAction", "The request must contain the parameter Action.", 400), requestId);
        var version = form["Version"];
        if (string.IsNullOrEmpty(version))
            return QueryProtocol.Error(new AwsError("MissingParameter", "The request must contain the parameter Version.", 400), requestId);
        if (version != IamService.Version || !IamService.Actions.Contains(action))
            return QueryProtocol.Error(new AwsError("InvalidAction", $"Could not find operation {action} for version {version}", 400), requestId);

        s.Requests.Count("IAM", action);
        var fault = s.Faults.Decide("IAM", action);
        if (fault.Delay > TimeSpan.Zero) await Task.Delay(fault.Delay);
        if (fault.Failure == FaultKind.DropConnection) return HttpResponseData.Drop();
        if (fault.Failure is { } kind && kind != FaultKind.SilentNoOp) return QueryProtocol.Error(Fault(kind), requestId);   // reads: no write to lose

        try
        {
            return s.Iam.Handle(action, form, caller, requestId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return QueryProtocol.Error(new AwsError("ServiceFailure", $"Internal error in the sandbox's IAM: {e.GetType().Name}: {e.Message}", 500), requestId);
        }
    }

    /// <summary>IAM's codes for injected faults: Throttling 400, ServiceFailure 500, ServiceUnavailable 503.</summary>
    private static AwsError Fault(FaultKind kind) => kind switch
    {
        FaultKind.Throttling => new("Throttling", ErrorCatalog.RateExceeded, 400),
        FaultKind.DependencyTimeout => new("ServiceUnavailable", "Service is unable to handle request.", 503),
        _ => new("ServiceFailure", "The request processing has failed because of an unknown error, exception or failure.", 500),
    };

    private static bool IsForm(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
