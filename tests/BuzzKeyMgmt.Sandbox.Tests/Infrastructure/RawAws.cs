using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;

namespace BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

/// <summary>
/// Signed raw HTTP calls (HttpClient) for awsQuery (SNS/STS) and hand-made KMS JSON requests, signed for
/// <paramref name="region"/> (default the sandbox's primary Region) and sent to <paramref name="endpoint"/> (default
/// <see cref="SandboxServer.Endpoint"/>).
/// </summary>
public sealed class RawAws(SandboxServer server, string? region = null, string? endpoint = null) : IDisposable
{
    private readonly string? _region = region;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public TestSigner.Credentials Root => new(server.Root.AccessKeyId, server.Root.SecretAccessKey);

    public sealed record Answer(int Status, string ContentType, string Body, HttpResponseMessage Message)
    {
        public XElement Xml => XElement.Parse(Body);
        /// <summary>Code of an awsQuery ErrorResponse, or null.</summary>
        public string? QueryErrorCode => Xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
        public string? QueryErrorMessage => Xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
        public string? Value(string element) => Xml.Descendants().FirstOrDefault(e => e.Name.LocalName == element)?.Value;
    }

    /// <summary>POSTs a form-encoded awsQuery request signed for <paramref name="service"/> ("sns", "sts" or "iam") in
    /// <paramref name="signingRegion"/> (else this client's Region, else the sandbox's primary; IAM is signed for us-east-1).</summary>
    public Task<Answer> QueryAsync(string service, IEnumerable<KeyValuePair<string, string>> parameters, TestSigner.Credentials? creds = null,
        DateTimeOffset? signedAt = null, string? signingRegion = null)
    {
        var body = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return SendAsync(service, Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded; charset=utf-8", null, creds ?? Root, signedAt, signingRegion);
    }

    /// <summary>POSTs raw bytes with the given content type (and X-Amz-Target when given), signed unless creds is null.</summary>
    public async Task<Answer> SendAsync(string service, byte[] body, string? contentType, string? target, TestSigner.Credentials? creds,
        DateTimeOffset? signedAt = null, string? signingRegion = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, (endpoint ?? server.Endpoint) + "/") { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (target is not null) request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        if (creds is not null) TestSigner.Sign(request, body, creds, signingRegion ?? _region ?? server.Region, service, signedAt);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", text, response);
    }

    /// <summary>
    /// POSTs a form-encoded awsQuery request signed by AWSSDK.Core's own SigV4 primitives (<c>AWS4Signer.ComputeSignature</c>,
    /// as the module's engine signs), not by <see cref="TestSigner"/>: the sandbox must accept what the SDK produces.
    /// </summary>
    public async Task<Answer> SdkQueryAsync(string service, string region, IEnumerable<KeyValuePair<string, string>> parameters, TestSigner.Credentials creds)
    {
        var body = Encoding.UTF8.GetBytes(string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";
        var endpoint = new Uri(server.Endpoint + "/");
        var immutable = new Amazon.Runtime.ImmutableCredentials(creds.AccessKeyId, creds.Secret, creds.SessionToken);
        var now = DateTime.UtcNow;
        var amzDate = Amazon.Runtime.Internal.Auth.AWS4Signer.FormatDateTime(now, Amazon.Util.AWSSDKUtils.ISO8601BasicDateTimeFormat);
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = contentType, ["host"] = endpoint.Authority, ["x-amz-date"] = amzDate,
        };
        if (creds.SessionToken is not null) headers["x-amz-security-token"] = creds.SessionToken;
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = "POST\n" + endpoint.AbsolutePath + "\n\n" + string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n")) + "\n" + signedHeaders + "\n"
                        + Amazon.Util.AWSSDKUtils.ToHex(Amazon.Runtime.Internal.Auth.AWS4Signer.ComputeHash(body), lowercase: true);
        var signature = Amazon.Runtime.Internal.Auth.AWS4Signer.ComputeSignature(immutable, region, now, service, signedHeaders, canonical);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (creds.SessionToken is not null) request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", creds.SessionToken);
        request.Headers.TryAddWithoutValidation("Authorization", signature.ForAuthorizationHeader);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", text, response);
    }

    public static IEnumerable<KeyValuePair<string, string>> Params(params (string Key, string Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value));

    public void Dispose() => _http.Dispose();
}
