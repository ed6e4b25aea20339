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

    /// <summary>POSTs a form-encoded awsQuery request signed for <paramref name="service"/> ("sns" or "sts").</summary>
    public Task<Answer> QueryAsync(string service, IEnumerable<KeyValuePair<string, string>> parameters, TestSigner.Credentials? creds = null,
        DateTimeOffset? signedAt = null)
    {
        var body = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return SendAsync(service, Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded; charset=utf-8", null, creds ?? Root, signedAt);
    }

    /// <summary>POSTs raw bytes with the given content type (and X-Amz-Target when given), signed unless creds is null.</summary>
    public async Task<Answer> SendAsync(string service, byte[] body, string? contentType, string? target, TestSigner.Credentials? creds,
        DateTimeOffset? signedAt = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, (endpoint ?? server.Endpoint) + "/") { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (target is not null) request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        if (creds is not null) TestSigner.Sign(request, body, creds, region ?? server.Region, service, signedAt);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", text, response);
    }

    public static IEnumerable<KeyValuePair<string, string>> Params(params (string Key, string Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value));

    public void Dispose() => _http.Dispose();
}
