using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Protocols;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Signing;
using BuzzKeyMgmt.Sandbox.Sns;
using BuzzKeyMgmt.Sandbox.Sts;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>
/// awsQuery requests (form body or URL query with <c>Action=</c>): the SigV4 credential scope picks the service
/// ("sts" 2011-06-15, "sns" 2010-03-31) → parameters → Action and Version → count → faults → the service.
/// </summary>
internal sealed class QueryRoute(SandboxServices s)
{
    private readonly IamRoute _iam = new(s);

    public async ValueTask<HttpResponseData> HandleAsync(HttpRequestData request, string requestId)
    {
        var auth = SigV4Authorization.Parse(request.Header("Authorization"), out var failure);
        if (auth is null) return QueryProtocol.Error(ErrorCatalog.QueryAuth(failure!), requestId);
        if (auth.Service == "iam") return await _iam.HandleAsync(request, auth, requestId);   // global: its own signing Region
        string scopeService = auth.Service is "sts" or "sns" ? auth.Service : "sts";
        var caller = s.Verifier.Verify(request, auth, scopeService, out failure);
        if (caller is null) return QueryProtocol.Error(ErrorCatalog.QueryAuth(failure!), requestId);

        if (!QueryRequest.TryRead(request, requestId, out var form, out var action, out var version, out var refusal)) return refusal!;

        bool isSts = scopeService == "sts";
        var expectedVersion = isSts ? StsService.Version : SnsService.Version;
        var actions = isSts ? StsService.Actions : SnsService.Actions;
        if (version != expectedVersion || !actions.Contains(action))
            return QueryProtocol.Error(new AwsError("InvalidAction", $"Could not find operation {action} for version {version}", 400), requestId);

        var service = isSts ? "STS" : "SNS";
        s.Requests.Count(service, action, auth.Region);
        var fault = s.Faults.Decide(service, action);
        if (fault.Delay > TimeSpan.Zero) await Task.Delay(fault.Delay);
        if (fault.Failure == FaultKind.DropConnection) return HttpResponseData.Drop();
        if (fault.Failure is { } kind) return QueryProtocol.Error(ErrorCatalog.QueryFault(kind, service), requestId);

        try
        {
            return isSts ? s.Sts.Handle(action, form, caller, requestId) : s.SnsIn(caller.AccountId, auth.Region).Handle(action, form, caller, requestId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return QueryProtocol.Error(ErrorCatalog.QueryFault(FaultKind.InternalError, service) with
            { Message = $"Internal error in the sandbox's {service}: {e.GetType().Name}: {e.Message}" }, requestId);
        }
    }

}
