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

        if (!QueryRequest.TryRead(request, requestId, out var form, out var action, out var version, out var refusal)) return refusal!;
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

}
