using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Kms;
using BuzzKeyMgmt.Sandbox.Protocols;
using BuzzKeyMgmt.Sandbox.Signing;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>
/// awsJson1_1 requests (<c>X-Amz-Target: TrentService.Op</c>): SigV4 (scope "kms") → known operation → count → faults →
/// quota → role permission → <see cref="KmsService.Invoke"/>. The scope's Region (one the sandbox serves, or the signature
/// check refuses it) and the caller's account (a member account's for a session of one of its roles) pick the KMS and the
/// quotas, as each AWS account-Region has its own.
/// </summary>
internal sealed class KmsRoute(SandboxServices s)
{
    private const string TargetPrefix = "TrentService.";

    public async ValueTask<HttpResponseData> HandleAsync(HttpRequestData request, string? target, string requestId)
    {
        var auth = SigV4Authorization.Parse(request.Header("Authorization"), out var failure);
        var caller = auth is null ? null : s.Verifier.Verify(request, auth, "kms", out failure);
        if (caller is null) return JsonProtocol.Error(ErrorCatalog.KmsAuth(failure!), requestId);

        if (request.Method != "POST")
            return JsonProtocol.Error(new AwsError("UnknownOperationException", $"Method {request.Method} is not supported; use POST.", 400), requestId);
        if (target is null || !target.StartsWith(TargetPrefix, StringComparison.Ordinal) || !KmsService.Operations.Contains(target[TargetPrefix.Length..]))
            return JsonProtocol.Error(new AwsError("UnknownOperationException", "", 400), requestId);
        var operation = target[TargetPrefix.Length..];

        var region = auth!.Region;
        s.Requests.Count("KMS", operation, region);
        var fault = s.Faults.Decide("KMS", operation);
        if (fault.Delay > TimeSpan.Zero) await Task.Delay(fault.Delay);
        if (fault.Failure == Realism.FaultKind.DropConnection) return HttpResponseData.Drop();
        if (fault.Failure == Realism.FaultKind.SilentNoOp)
            return JsonProtocol.FromService(new ServiceResponse(200, JsonProtocol.ContentType, []), requestId);
        if (fault.Failure is { } kind) return JsonProtocol.Error(ErrorCatalog.KmsFault(kind), requestId);

        var account = caller.AccountId;
        var kms = s.KmsIn(account, region);
        if (s.EnforceQuotas() && !s.QuotasIn(account, region).TryAcquire(operation, KmsPermissions.KeyDependent(operation) ? kms.KeySpecNamedIn(request.Body) : null))
            return JsonProtocol.Error(new AwsError("ThrottlingException", ErrorCatalog.RateExceeded, 400), requestId);

        var role = caller.RoleName is null ? null : s.Identities.RoleByName(caller.RoleName);
        if (!Routing.KmsPermissions.IsAllowed(caller, role, operation, () => kms.KeyHasTag(request.Body, KmsService.AuditDigestTagKey, KmsService.AuditDigestTagValue),
                () => kms.KeyHasTag(request.Body, KmsPermissions.DrillTagKey, KmsPermissions.DrillTagValue)))
            return JsonProtocol.Error(KmsPermissions.Denied(caller, operation, request.Body, region, account), requestId);

        try
        {
            return JsonProtocol.FromService(kms.Invoke(operation, request.Body, caller.Arn), requestId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return JsonProtocol.Error(new AwsError("KMSInternalException", $"Internal error in the sandbox's KMS: {e.GetType().Name}: {e.Message}", 500), requestId);
        }
    }
}
