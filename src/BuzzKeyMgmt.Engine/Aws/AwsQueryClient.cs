using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>
/// What one awsQuery call came to: the action's <c>&lt;XResult&gt;</c> element, or AWS's error code, message and HTTP
/// status (from <c>ErrorResponse/Error</c>), or a local code when AWS never answered: "NetworkError", "Timeout",
/// "Canceled", "CredentialsError", "UnreadableResponse" (an answer that is not the expected XML).
/// </summary>
public sealed record AwsQueryResponse(XElement? Result, string? ErrorCode, string? ErrorMessage, int? StatusCode, string? RequestId)
{
    public bool Succeeded => Result is not null;

    /// <summary>AWS refused the caller the action (IAM and STS "AccessDenied", SNS "AuthorizationError").</summary>
    public bool IsAccessDenied => ErrorCode is "AccessDenied" or "AuthorizationError" or "AccessDeniedException";

    /// <summary>AWS never answered (network, timeout, stop, no credentials), as opposed to an AWS error.</summary>
    public bool IsLocalFailure => ErrorCode is AwsQueryClient.NetworkError or AwsQueryClient.TimeoutError or AwsQueryClient.Canceled
        or AwsQueryClient.CredentialsError;

    /// <summary>"Code: message" for people.</summary>
    public string Describe() => Succeeded ? "succeeded" : $"{ErrorCode}: {ErrorMessage}";

    internal static AwsQueryResponse Failure(string code, string message, int? status = null, string? requestId = null) =>
        new(null, code, message, status, requestId);
}

/// <summary>
/// A small signed awsQuery client on AWSSDK.Core alone (the IAM and SNS SDK packages are not referenced): the form body
/// is signed with SigV4 by the SDK's <see cref="AWS4Signer"/> primitives, as <c>Alerts/SnsPublisher</c> signs, and sent
/// with <see cref="HttpClient"/>. Never throws for AWS or network errors; a timeout applies to every call. Typed reads
/// are in <see cref="AwsQueryOperations"/>: iam:GetRole, iam:ListMFADevices, sns:GetTopicAttributes.
/// </summary>
public sealed class AwsQueryClient : IDisposable
{
    public const string NetworkError = "NetworkError";
    public const string TimeoutError = "Timeout";
    public const string Canceled = "Canceled";
    public const string CredentialsError = "CredentialsError";
    public const string UnreadableResponse = "UnreadableResponse";
    public const string IamVersion = "2010-05-08";
    public const string SnsVersion = "2010-03-31";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly AWSCredentials _credentials;
    private readonly HttpClient _http;

    /// <param name="service">The SigV4 service name ("iam", "sns").</param>
    /// <param name="version">The API version every request names.</param>
    /// <param name="signingRegion">The Region of the SigV4 credential scope.</param>
    public AwsQueryClient(AWSCredentials credentials, string service, string version, string signingRegion, Uri endpoint, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentException.ThrowIfNullOrWhiteSpace(signingRegion);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (timeout is { } t && t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), t, "The timeout must be positive.");
        ServiceEndpoints.Require(endpoint.OriginalString, service.ToUpperInvariant());
        (_credentials, Service, Version, SigningRegion, Endpoint, Timeout) = (credentials, service, version, signingRegion, endpoint, timeout ?? DefaultTimeout);
        _http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public string Service { get; }
    public string Version { get; }
    public string SigningRegion { get; }
    public Uri Endpoint { get; }
    public TimeSpan Timeout { get; }

    /// <summary>IAM for an environment in <paramref name="region"/>: its partition's global endpoint and signing Region
    /// (<see cref="IamEndpoint"/>), or <paramref name="endpointUrl"/> (the sandbox) signed for that same Region.</summary>
    public static AwsQueryClient ForIam(AWSCredentials credentials, string region, string? endpointUrl = null, TimeSpan? timeout = null)
    {
        var (endpoint, signingRegion) = IamEndpoint(region);
        return new AwsQueryClient(credentials, "iam", IamVersion, signingRegion, endpointUrl is null ? endpoint : new Uri(endpointUrl), timeout);
    }

    /// <summary>SNS in <paramref name="region"/> (a topic's own Region): https://sns.&lt;region&gt;.amazonaws.com/, or
    /// <paramref name="endpointUrl"/>.</summary>
    public static AwsQueryClient ForSns(AWSCredentials credentials, string region, string? endpointUrl = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        var endpoint = endpointUrl is null ? new Uri($"https://sns.{region}.{DnsSuffix(region)}/") : new Uri(endpointUrl);
        return new AwsQueryClient(credentials, "sns", SnsVersion, region, endpoint, timeout);
    }

    /// <summary>IAM is global, one endpoint per partition: https://iam.amazonaws.com/ signed for us-east-1 (aws),
    /// https://iam.cn-north-1.amazonaws.com.cn/ for cn-north-1 (aws-cn), https://iam.us-gov.amazonaws.com/ for
    /// us-gov-west-1 (aws-us-gov).</summary>
    public static (Uri Endpoint, string SigningRegion) IamEndpoint(string region)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        if (region.StartsWith("cn-", StringComparison.Ordinal)) return (new Uri("https://iam.cn-north-1.amazonaws.com.cn/"), "cn-north-1");
        if (region.StartsWith("us-gov-", StringComparison.Ordinal)) return (new Uri("https://iam.us-gov.amazonaws.com/"), "us-gov-west-1");
        return (new Uri("https://iam.amazonaws.com/"), "us-east-1");
    }

    private static string DnsSuffix(string region) => region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";

    /// <summary>Sends <c>Action=<paramref name="action"/>&amp;Version=…</c> with the parameters, signed; never throws for
    /// AWS, network or credential errors.</summary>
    public async Task<AwsQueryResponse> CallAsync(string action, IEnumerable<KeyValuePair<string, string>>? parameters = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", Version) };
        if (parameters is not null) form.AddRange(parameters);
        var body = string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var request = await SignedRequestAsync(body).ConfigureAwait(false);
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var headerId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
            return Parse(action, (int)response.StatusCode, text, headerId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return AwsQueryResponse.Failure(Canceled, $"The {Service} {action} call was stopped.");
        }
        catch (OperationCanceledException)
        {
            return AwsQueryResponse.Failure(TimeoutError, $"{Service.ToUpperInvariant()} at {Endpoint} did not answer {action} within {Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            return AwsQueryResponse.Failure(NetworkError, $"{Service.ToUpperInvariant()} at {Endpoint} could not be reached: {ex.GetBaseException().Message}");
        }
        catch (AmazonClientException ex)
        {
            return AwsQueryResponse.Failure(CredentialsError, $"No credentials to sign {action}: {ex.Message}");
        }
    }

    private Task<HttpRequestMessage> SignedRequestAsync(string body) =>
        QuerySigner.SignedPostAsync(_credentials, Endpoint, SigningRegion, Service, body);

    internal static AwsQueryResponse Parse(string action, int status, string text, string? headerRequestId)
    {
        XElement root;
        try
        {
            root = XElement.Parse(text);
        }
        catch (XmlException)
        {
            return AwsQueryResponse.Failure(status is >= 200 and < 300 ? UnreadableResponse : $"Http{status}",
                $"{action}: HTTP {status.ToString(CultureInfo.InvariantCulture)} with a body that is not XML.", status, headerRequestId);
        }
        var requestId = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value ?? headerRequestId;
        if (status is >= 200 and < 300)
        {
            var result = root.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result");
            return result is null
                ? AwsQueryResponse.Failure(UnreadableResponse, $"{action}: the answer has no {action}Result.", status, requestId)
                : new AwsQueryResponse(result, null, null, status, requestId);
        }
        var error = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
        var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
        var message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
        return AwsQueryResponse.Failure(string.IsNullOrEmpty(code) ? $"Http{status}" : code, message ?? $"{action}: HTTP {status}.", status, requestId);
    }

    public void Dispose() => _http.Dispose();
}
