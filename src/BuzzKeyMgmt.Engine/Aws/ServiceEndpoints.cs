using System.Net;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>The AWS services the module calls.</summary>
public enum AwsService { Kms, Sts, Sns, Iam }

/// <summary>
/// Where each service is reached: an explicit URL per service (a VPC endpoint, the sandbox), or null for the service's
/// public endpoint in the Region. Real accounts are not uniform: a KMS VPC endpoint answers KMS only, so each service
/// has its own entry; the sandbox, which serves all of them on one URL, is the one case where they coincide.
/// </summary>
public sealed record ServiceEndpoints(string? Kms = null, string? Sts = null, string? Sns = null, string? Iam = null)
{
    public static readonly ServiceEndpoints Public = new();

    /// <summary>The same URL for every service (the sandbox, or the one-for-all <c>endpointUrl</c> shorthand).</summary>
    public static ServiceEndpoints All(string? url) => url is null ? Public : new ServiceEndpoints(url, url, url, url);

    public string? For(AwsService service) => service switch
    {
        AwsService.Kms => Kms,
        AwsService.Sts => Sts,
        AwsService.Sns => Sns,
        AwsService.Iam => Iam,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
    };

    /// <summary>Whether every service is reached at one URL (the sandbox, the <c>endpointUrl</c> shorthand).</summary>
    public bool IsUniform => Kms == Sts && Sts == Sns && Sns == Iam;

    /// <summary>"kms=URL, sts=URL, …" for the services with their own endpoint; "public" when none has.</summary>
    public override string ToString()
    {
        var named = new[] { ("kms", Kms), ("sts", Sts), ("sns", Sns), ("iam", Iam) }.Where(p => p.Item2 is not null).ToList();
        if (named.Count == 0) return "public";
        return IsUniform ? Kms! : string.Join(", ", named.Select(p => $"{p.Item1}={p.Item2}"));
    }

    /// <summary>Why <paramref name="url"/> cannot be an endpoint (null when it can): it must be an absolute http(s) URL
    /// without credentials, query or fragment, and plain http is allowed only to a loopback address (the sandbox):
    /// anything else would send signed requests and alert bodies in clear text.</summary>
    public static string? Problem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return "is not an absolute http(s) URL; expected one like https://kms.us-east-1.amazonaws.com";
        if (uri.UserInfo.Length > 0) return "carries credentials; expected an endpoint URL without user:password@";
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0) return "has a query or fragment; expected only scheme, host, port and path";
        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
            return "uses plain http to a host that is not loopback; expected https (http only for 127.0.0.1, ::1 or localhost)";
        return null;
    }

    /// <summary>Throws <c>EndpointUrlInvalid</c> when <paramref name="url"/> is set and <see cref="Problem"/> finds one: the
    /// last line of defence before a client is made, whatever path the URL came by (file, -EndpointUrl, a registration),
    /// so no signed request, session token or MFA code is ever sent in clear text to a host that is not loopback.</summary>
    public static void Require(string? url, string service)
    {
        if (url is null || Problem(url) is not { } problem) return;
        throw new KeyMgmtException("EndpointUrlInvalid", FailureKind.InvalidArgument,
            $"The {service} endpoint '{Redact(url)}' {problem}; nothing was sent to it.",
            "Correct the endpoint in the environments file (or Connect-KeyManagement -EndpointUrl): https://host[:port], plain http only to 127.0.0.1, ::1 or localhost.");
    }

    /// <summary>The URL for messages: anything between the scheme and an '@' (user name and password) replaced by ***,
    /// so an endpoint's password is never echoed, even when the URL is too malformed to parse.</summary>
    public static string Redact(string url)
    {
        var at = url.LastIndexOf('@');
        if (at < 0) return url;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return url[..start] + "***" + url[at..];
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));
}
