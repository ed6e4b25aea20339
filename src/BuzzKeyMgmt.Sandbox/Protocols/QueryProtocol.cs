using System.Security;
using System.Text;
using BuzzKeyMgmt.Sandbox.Http;

namespace BuzzKeyMgmt.Sandbox.Protocols;

/// <summary>awsQuery answers (STS, SNS): <c>&lt;XResponse&gt;&lt;XResult&gt;…</c> bodies and <c>&lt;ErrorResponse&gt;</c> errors.</summary>
internal static class QueryProtocol
{
    public const string ContentType = "text/xml";

    /// <summary>Wraps an already-escaped result fragment into the action's response document.</summary>
    public static HttpResponseData Success(string action, string xmlNamespace, string resultXml, string requestId)
    {
        var sb = new StringBuilder(256 + resultXml.Length);
        sb.Append("<").Append(action).Append("Response xmlns=\"").Append(xmlNamespace).Append("\">");
        sb.Append('<').Append(action).Append("Result>").Append(resultXml).Append("</").Append(action).Append("Result>");
        sb.Append("<ResponseMetadata><RequestId>").Append(requestId).Append("</RequestId></ResponseMetadata>");
        sb.Append("</").Append(action).Append("Response>");
        return Xml(200, sb.ToString(), requestId);
    }

    public static HttpResponseData Error(AwsError error, string requestId)
    {
        var xml = $"<ErrorResponse><Error><Type>{error.Type}</Type><Code>{Escape(error.Code)}</Code>" +
                  $"<Message>{Escape(error.Message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>";
        return Xml(error.Status, xml, requestId);
    }

    public static string Escape(string? s) => SecurityElement.Escape(s ?? "");

    /// <summary>Appends <c>&lt;name&gt;escaped value&lt;/name&gt;</c>.</summary>
    public static StringBuilder Element(this StringBuilder sb, string name, string? value) =>
        sb.Append('<').Append(name).Append('>').Append(Escape(value)).Append("</").Append(name).Append('>');

    private static HttpResponseData Xml(int status, string xml, string requestId)
    {
        var r = new HttpResponseData { StatusCode = status, ContentType = ContentType, Body = Encoding.UTF8.GetBytes(xml) };
        r.Headers.Add(new("x-amzn-RequestId", requestId));
        return r;
    }
}
