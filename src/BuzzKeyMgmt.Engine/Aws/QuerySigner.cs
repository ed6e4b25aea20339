using System.Net.Http.Headers;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>
/// A form-encoded awsQuery POST (SNS, IAM) signed with SigV4 by AWSSDK.Core's own primitives
/// (<see cref="AWS4Signer.ComputeSignature(ImmutableCredentials, string, DateTime, string, string, string)"/>): the
/// services whose SDK packages are not used here are still signed exactly as the SDK signs.
/// </summary>
internal static class QuerySigner
{
    public const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";

    public static async Task<HttpRequestMessage> SignedPostAsync(AWSCredentials credentials, Uri endpoint, string region, string service, string body)
    {
        var immutable = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        var bytes = Encoding.UTF8.GetBytes(body);
        var now = DateTime.UtcNow;
        var amzDate = AWS4Signer.FormatDateTime(now, AWSSDKUtils.ISO8601BasicDateTimeFormat);
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = FormContentType, ["host"] = endpoint.Authority, ["x-amz-date"] = amzDate,
        };
        if (immutable.UseToken) headers["x-amz-security-token"] = immutable.Token;
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = new StringBuilder()
            .Append("POST\n").Append(endpoint.AbsolutePath).Append("\n\n")
            .Append(string.Concat(headers.Select(h => $"{h.Key}:{h.Value.Trim()}\n"))).Append('\n')
            .Append(signedHeaders).Append('\n')
            .Append(AWSSDKUtils.ToHex(AWS4Signer.ComputeHash(bytes), lowercase: true)).ToString();
        var signature = AWS4Signer.ComputeSignature(immutable, region, now, service, signedHeaders, canonical);

        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(FormContentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (immutable.UseToken) request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", immutable.Token);
        request.Headers.TryAddWithoutValidation("Authorization", signature.ForAuthorizationHeader);
        return request;
    }
}
