using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BuzzKeyMgmt.Sandbox.Http;

namespace BuzzKeyMgmt.Sandbox.Protocols;

/// <summary>awsJson1_1 answers (KMS): error bodies <c>{"__type": ..., "message": ...}</c> and the request id header.</summary>
internal static class JsonProtocol
{
    public const string ContentType = "application/x-amz-json-1.1";

    public static HttpResponseData Error(AwsError error, string requestId) =>
        WithRequestId(new HttpResponseData { StatusCode = error.Status, ContentType = ContentType, Body = ErrorBody(error) }, requestId);

    /// <summary>
    /// What a KMS endpoint answers a request that is not a KMS operation at all (e.g. an STS or SNS awsQuery request sent to
    /// it): 400 with the bare body <c>{"__type":"UnknownOperationException"}</c>, no message.
    /// </summary>
    public static HttpResponseData UnknownOperation(string requestId) =>
        WithRequestId(new HttpResponseData { StatusCode = 400, ContentType = ContentType, Body = "{\"__type\":\"UnknownOperationException\"}"u8.ToArray() }, requestId);

    public static byte[] ErrorBody(AwsError error)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("__type", error.Code);
            w.WriteString("message", error.Message);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    public static HttpResponseData FromService(ServiceResponse r, string requestId) =>
        WithRequestId(new HttpResponseData { StatusCode = r.StatusCode, ContentType = r.ContentType, Body = r.Body ?? [] }, requestId);

    /// <summary>Reads "__type" of an error body written by the KMS logic (for statistics), or null.</summary>
    public static string? ErrorCode(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("__type", out var t) ? t.GetString() : null;
        }
        catch (JsonException) { return null; }
    }

    private static HttpResponseData WithRequestId(HttpResponseData r, string requestId)
    {
        r.Headers.Add(new("x-amzn-RequestId", requestId));
        return r;
    }

    public static string Utf8(byte[] body) => Encoding.UTF8.GetString(body);
}
