using System.Net.Http.Headers;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>Who the environment's base credentials are, as STS GetCallerIdentity said (null when it did not answer).</summary>
internal sealed record DiagnosticCaller(string Arn, string Account);

/// <summary>What <see cref="ConnectivityChecks.RunAsync"/> found: its checks, the credentials it resolved (null when
/// there are none) and the caller they belong to (null when STS did not say).</summary>
internal sealed record ConnectivityResult(IReadOnlyList<EnvironmentCheck> Checks, AWSCredentials? Credentials, DiagnosticCaller? Caller);

/// <summary>Checks of one environment: configuration, credentials (caller ARN), clock skew against the endpoint's
/// Date header (SigV4 refuses requests more than 5 minutes off), KMS and STS reachability. What the caller may do with
/// the environment's roles, MFA device and alert topic is <see cref="AccessChecks"/>'.</summary>
internal static class ConnectivityChecks
{
    public static readonly TimeSpan SkewWarning = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan SkewFailure = TimeSpan.FromMinutes(5);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static EnvironmentCheck Configuration(EnvironmentCatalog catalog, out IReadOnlyList<KeyMgmtEnvironment> environments)
    {
        var path = EnvironmentCatalog.ConfigurationFilePath;
        try
        {
            environments = catalog.All();
        }
        catch (ConfigurationException ex)
        {
            environments = Array.Empty<KeyMgmtEnvironment>();
            return EnvironmentCheck.Fail("Configuration", ex.Message);
        }
        var fromFile = environments.Count(e => e.Source != "session");
        return File.Exists(path)
            ? EnvironmentCheck.Pass("Configuration", $"{fromFile} environment(s) in {path}" + SessionNote(environments))
            : EnvironmentCheck.Warn("Configuration", $"no configuration file at {path} (set ${ConfigurationPaths.OverrideVariable} or create it; see the README)" + SessionNote(environments));
    }

    private static string SessionNote(IReadOnlyList<KeyMgmtEnvironment> all)
    {
        var session = all.Where(e => e.Source == "session").Select(e => e.Name).ToList();
        return session.Count == 0 ? "" : $"; this session adds: {string.Join(", ", session)}";
    }

    public static async Task<ConnectivityResult> RunAsync(KeyMgmtEnvironment environment, CancellationToken cancellation)
    {
        var checks = new List<EnvironmentCheck>();
        DiagnosticCaller? caller = null;
        var endpoints = environment.Endpoints;
        AWSCredentials? credentials = environment.BaseCredentials;
        if (credentials is null)
        {
            try { credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(); }
            catch (AmazonClientException ex) { checks.Add(EnvironmentCheck.Fail("Credentials", $"none found: {ex.Message}")); }
        }

        if (credentials is not null)
        {
            using var sts = AwsClients.Sts(credentials, environment.Region, endpoints.Sts, maxErrorRetry: 1);
            try
            {
                var me = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellation).ConfigureAwait(false);
                caller = new DiagnosticCaller(me.Arn, me.Account);
                checks.Add(EnvironmentCheck.Pass("Credentials", $"caller {me.Arn}"));
                checks.Add(EnvironmentCheck.Pass("STS reachable", $"GetCallerIdentity answered from {endpoints.Sts ?? "sts." + environment.Region + ".amazonaws.com"}"));
                if (me.Account != environment.AccountId)
                    checks.Add(EnvironmentCheck.Warn("Account", $"credentials belong to account {me.Account}, the environment names {environment.AccountId}"));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var e = AwsErrors.Translate(ex, "GetCallerIdentity", environment: environment.Name, service: Aws.AwsService.Sts);
                checks.Add(EnvironmentCheck.Fail(e.Kind == FailureKind.ConnectionError ? "STS reachable" : "Credentials", e.Message));
            }

            using var kms = AwsClients.Kms(credentials, environment.Region, endpoints.Kms, maxErrorRetry: 1);
            try
            {
                await kms.ListAliasesAsync(new ListAliasesRequest { Limit = 1 }, cancellation).ConfigureAwait(false);
                checks.Add(EnvironmentCheck.Pass("KMS reachable", "ListAliases answered"));
            }
            catch (AmazonServiceException ex) when (ex.StatusCode != 0 && !string.IsNullOrEmpty(ex.ErrorCode) && ex.ErrorCode is not ("UnrecognizedClientException" or "InvalidSignatureException"))
            {
                // An AWS-shaped answer means the endpoint is there; the base credentials may simply not list aliases.
                checks.Add(EnvironmentCheck.Pass("KMS reachable", $"KMS answered ({ex.ErrorCode}: these base credentials may not list aliases; roles can)"));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                checks.Add(EnvironmentCheck.Fail("KMS reachable", AwsErrors.Translate(ex, "ListAliases", environment: environment.Name).Message));
            }
        }

        checks.Add(await ClockSkewAsync(endpoints.Sts ?? $"https://sts.{environment.Region}.amazonaws.com/", cancellation).ConfigureAwait(false));
        return new ConnectivityResult(checks, credentials, caller);
    }

    /// <summary>The endpoint's Date header against this machine's clock, with the request's round trip as the margin.</summary>
    internal static async Task<EnvironmentCheck> ClockSkewAsync(string url, CancellationToken cancellation)
    {
        try
        {
            var before = DateTimeOffset.UtcNow;
            using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
            var after = DateTimeOffset.UtcNow;
            if (response.Headers.Date is not { } date)
                return EnvironmentCheck.Warn("Clock skew", $"{url} sent no Date header");
            var local = before + (after - before) / 2;
            var skew = local - date;
            var magnitude = skew.Duration();
            var detail = $"local clock is {Describe(skew)} the endpoint's ({url})";
            return magnitude > SkewFailure ? EnvironmentCheck.Fail("Clock skew", detail + ": over 5 minutes, SigV4 requests will be refused")
                : magnitude > SkewWarning ? EnvironmentCheck.Warn("Clock skew", detail + ": over 1 minute")
                : EnvironmentCheck.Pass("Clock skew", detail);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return EnvironmentCheck.Fail("Clock skew", $"{url} did not answer: {ex.GetBaseException().Message}");
        }
    }

    private static string Describe(TimeSpan skew)
    {
        var s = Math.Abs(skew.TotalSeconds);
        if (s < 1) return "within a second of";
        return $"{s:0} s {(skew > TimeSpan.Zero ? "ahead of" : "behind")}";
    }
}
