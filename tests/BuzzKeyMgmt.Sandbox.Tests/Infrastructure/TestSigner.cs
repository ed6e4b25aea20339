using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

/// <summary>
/// An independent SigV4 signer for raw requests (written from the AWS spec, separate from the sandbox's verifier), so
/// tests can send awsQuery calls and deliberately broken requests that the SDK would never produce.
/// </summary>
public static class TestSigner
{
    public sealed record Credentials(string AccessKeyId, string Secret, string? SessionToken = null);

    /// <summary>Adds X-Amz-Date, X-Amz-Security-Token and Authorization to <paramref name="request"/>.</summary>
    public static void Sign(HttpRequestMessage request, byte[] body, Credentials creds, string region, string service, DateTimeOffset? at = null)
    {
        var time = (at ?? DateTimeOffset.UtcNow).UtcDateTime;
        var amzDate = time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var day = amzDate[..8];
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (creds.SessionToken is not null) request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", creds.SessionToken);

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = request.RequestUri!.Authority,
            ["x-amz-date"] = amzDate,
        };
        if (request.Content?.Headers.ContentType is { } ct) headers["content-type"] = ct.ToString();
        if (creds.SessionToken is not null) headers["x-amz-security-token"] = creds.SessionToken;
        if (request.Headers.TryGetValues("X-Amz-Target", out var target)) headers["x-amz-target"] = target.First();
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = string.Join('\n',
            request.Method.Method,
            request.RequestUri.AbsolutePath,
            CanonicalQuery(request.RequestUri.Query.TrimStart('?')),
            string.Concat(headers.Select(h => $"{h.Key}:{h.Value.Trim()}\n")),
            signedHeaders,
            Hex(SHA256.HashData(body)));
        var scope = $"{day}/{region}/{service}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + creds.Secret), day);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, toSign));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={creds.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    private static string CanonicalQuery(string query) => query.Length == 0 ? "" :
        string.Join('&', query.Split('&').Select(p => p.Split('=', 2)).Select(kv => (K: Encode(Uri.UnescapeDataString(kv[0])), V: Encode(Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : ""))))
            .OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal).Select(p => p.K + "=" + p.V));

    private static string Encode(string s) => Uri.EscapeDataString(s);
    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
    private static string Hex(byte[] b) => Convert.ToHexString(b).ToLowerInvariant();
}
