using System.Globalization;
using System.Text;
using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Protocols;

namespace BuzzKeyMgmt.Sandbox.Sts;

/// <summary>
/// The emulated STS (awsQuery 2011-06-15): GetCallerIdentity and AssumeRole. Emergency and Recovery require the
/// caller's own MFA device (TOTP checked at the sandbox clock, each code accepted once); Admin does not. Role sessions cannot chain.
/// </summary>
internal sealed class StsService(IdentityStore identities, MfaVerifier mfa, TimeProvider clock)
{
    public const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";
    public const string Version = "2011-06-15";
    public static readonly IReadOnlySet<string> Actions = new HashSet<string>(StringComparer.Ordinal) { "GetCallerIdentity", "AssumeRole" };

    public HttpResponseData Handle(string action, FormParameters p, CallerIdentity caller, string requestId) => action switch
    {
        "GetCallerIdentity" => GetCallerIdentity(caller, requestId),
        "AssumeRole" => AssumeRole(p, caller, requestId),
        _ => QueryProtocol.Error(new AwsError("InvalidAction", $"Could not find operation {action} for version {Version}", 400), requestId),
    };

    private static HttpResponseData GetCallerIdentity(CallerIdentity caller, string requestId)
    {
        var sb = new StringBuilder();
        sb.Element("UserId", caller.UserId).Element("Account", AccountOf(caller.Arn)).Element("Arn", caller.Arn);
        return QueryProtocol.Success("GetCallerIdentity", Namespace, sb.ToString(), requestId);
    }

    private HttpResponseData AssumeRole(FormParameters p, CallerIdentity caller, string requestId)
    {
        var request = AssumeRoleRequest.Parse(p, out var invalid);
        if (request is null) return QueryProtocol.Error(invalid!, requestId);
        var role = identities.RoleByArn(request.RoleArn);
        if (role is null || caller.Kind == CallerKind.AssumedRole || caller.Principal is null)
            return NotAuthorized(caller, request.RoleArn, requestId);
        if (request.DurationSeconds > role.MaxSessionSeconds)
            return QueryProtocol.Error(new AwsError("ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400), requestId);

        bool mfaGiven = request.SerialNumber is not null || request.TokenCode is not null;
        if (mfaGiven)
        {
            bool ok = request.SerialNumber == caller.Principal.MfaSerial && request.TokenCode is not null
                      && mfa.TryAccept(caller.Principal.MfaSerial, caller.Principal.MfaSecretBase32, request.TokenCode);
            if (!ok)
                return QueryProtocol.Error(new AwsError("AccessDenied",
                    "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403), requestId);
        }
        else if (role.RequiresMfa) return NotAuthorized(caller, request.RoleArn, requestId);

        var now = clock.GetUtcNow();
        var expiration = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero)
            .AddSeconds(request.DurationSeconds);
        var session = identities.IssueSession(role, request.SessionName, expiration, request.SourceIdentity, caller.Principal);
        var sb = new StringBuilder(1024);
        sb.Append("<Credentials>").Element("AccessKeyId", session.AccessKeyId).Element("SecretAccessKey", session.SecretAccessKey)
          .Element("SessionToken", session.SessionToken)
          .Element("Expiration", expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
          .Append("</Credentials>");
        sb.Append("<AssumedRoleUser>").Element("AssumedRoleId", session.UserId).Element("Arn", session.Arn).Append("</AssumedRoleUser>");
        if (request.SourceIdentity is not null) sb.Element("SourceIdentity", request.SourceIdentity);
        return QueryProtocol.Success("AssumeRole", Namespace, sb.ToString(), requestId);
    }

    private static HttpResponseData NotAuthorized(CallerIdentity caller, string roleArn, string requestId) =>
        QueryProtocol.Error(new AwsError("AccessDenied",
            $"User: {caller.Arn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}", 403), requestId);

    private static string AccountOf(string arn) => arn.Split(':') is { Length: > 4 } parts ? parts[4] : "";
}
