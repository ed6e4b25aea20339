using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace BuzzKeyMgmt.Engine.Alerts;

/// <summary>What one SNS Publish came to: a MessageId, or AWS's error code and message (or a local code:
/// "NetworkError", "Timeout", "Canceled", "CredentialsError", "UnreadableResponse").</summary>
public sealed record SnsPublishResult(string? MessageId, string? ErrorCode, string? ErrorMessage, int? StatusCode)
{
    public bool Succeeded => MessageId is not null;

    internal static SnsPublishResult Failure(string code, string message, int? status = null) => new(null, code, message, status);
}

/// <summary>
/// SNS Publish (awsQuery, Version 2010-03-31) on AWSSDK.Core alone: the form body is signed with SigV4 using the
/// SDK's <see cref="AWS4Signer"/> primitives and sent with <see cref="HttpClient"/>. Never throws for AWS or network
/// errors (a short timeout applies); every outcome is a <see cref="SnsPublishResult"/>.
/// </summary>
public sealed class SnsPublisher : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private const string Service = "sns";

    private readonly AWSCredentials _credentials;
    private readonly string _region;
    private readonly Uri _endpoint;
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    /// <param name="endpointUrl">The environment's endpoint (the sandbox); null means https://sns.&lt;region&gt;.amazonaws.com/.</param>
    public SnsPublisher(AWSCredentials credentials, string region, string? endpointUrl = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        Aws.ServiceEndpoints.Require(endpointUrl, "SNS");
        _credentials = credentials;
        _region = region;
        _endpoint = new Uri(endpointUrl ?? $"https://sns.{region}.amazonaws.com/");
        _timeout = timeout ?? DefaultTimeout;
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Endpoint => _endpoint;

    /// <summary>Publishes one message; attributes are sent as String message attributes in the given order.</summary>
    public async Task<SnsPublishResult> PublishAsync(string topicArn, string message, string? subject,
        IReadOnlyList<KeyValuePair<string, string>> attributes, CancellationToken cancellationToken = default)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("Action", "Publish"), new("Version", "2010-03-31"), new("TopicArn", topicArn), new("Message", message),
        };
        if (subject is not null) form.Add(new("Subject", subject));
        for (int i = 0; i < attributes.Count; i++)
        {
            var prefix = $"MessageAttributes.entry.{i + 1}.";
            form.Add(new(prefix + "Name", attributes[i].Key));
            form.Add(new(prefix + "Value.DataType", "String"));
            form.Add(new(prefix + "Value.StringValue", attributes[i].Value));
        }
        var body = string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var request = await SignedRequestAsync(body).ConfigureAwait(false);
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return Parse((int)response.StatusCode, text);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return SnsPublishResult.Failure("Canceled", "The publish was canceled.");
        }
        catch (OperationCanceledException)
        {
            return SnsPublishResult.Failure("Timeout", $"SNS did not answer within {_timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            return SnsPublishResult.Failure("NetworkError", $"SNS at {_endpoint} could not be reached: {ex.Message}");
        }
        catch (AmazonClientException ex)
        {
            return SnsPublishResult.Failure("CredentialsError", $"No credentials to sign the publish: {ex.Message}");
        }
    }

    private Task<HttpRequestMessage> SignedRequestAsync(string body) =>
        Aws.QuerySigner.SignedPostAsync(_credentials, _endpoint, _region, Service, body);

    private static SnsPublishResult Parse(int status, string text)
    {
        try
        {
            var xml = XDocument.Parse(text);
            if (status is >= 200 and < 300)
            {
                var id = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "MessageId")?.Value;
                return string.IsNullOrEmpty(id)
                    ? SnsPublishResult.Failure("UnreadableResponse", "SNS answered without a MessageId.", status)
                    : new SnsPublishResult(id, null, null, status);
            }
            var error = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
            var message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
            return SnsPublishResult.Failure(code ?? $"Http{status}", message ?? $"SNS answered HTTP {status}.", status);
        }
        catch (System.Xml.XmlException)
        {
            return SnsPublishResult.Failure(status is >= 200 and < 300 ? "UnreadableResponse" : $"Http{status}",
                $"SNS answered HTTP {status.ToString(CultureInfo.InvariantCulture)} with a body that is not XML.", status);
        }
    }

    public void Dispose() => _http.Dispose();
}
