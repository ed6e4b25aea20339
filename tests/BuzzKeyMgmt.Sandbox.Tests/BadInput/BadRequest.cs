using System.Text;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.BadInput;

/// <summary>One malformed request of the corpus: how to build its bytes and the AWS-shaped answer it must get.</summary>
public sealed record BadRequest(string Name, Func<SandboxServer, byte[]> Bytes, int Status, string Code)
{
    public override string ToString() => Name;

    private const string Form = "application/x-www-form-urlencoded; charset=utf-8";
    private const string Json = "application/x-amz-json-1.1";

    public static BadRequest Raw(string name, string text, int status, string code) =>
        new(name, _ => Encoding.Latin1.GetBytes(text), status, code);

    public static BadRequest Unsigned(string name, string contentType, string body, int status, string code, string? target = null, params string[] headers) =>
        new(name, s => RawRequest.Build(s, "POST", contentType, Encoding.UTF8.GetBytes(body), target, extraHeaderLines: headers), status, code);

    public static BadRequest Sts(string name, string body, int status, string code) =>
        new(name, s => RawRequest.Build(s, "POST", Form, Encoding.UTF8.GetBytes(body), service: "sts"), status, code);

    public static BadRequest Sns(string name, string body, int status, string code) =>
        new(name, s => RawRequest.Build(s, "POST", Form, Encoding.UTF8.GetBytes(body), service: "sns"), status, code);

    public static BadRequest SnsBytes(string name, byte[] body, int status, string code) =>
        new(name, s => RawRequest.Build(s, "POST", Form, body, service: "sns"), status, code);

    public static BadRequest Kms(string name, string? target, string body, int status, string code, string method = "POST", string contentType = Json) =>
        new(name, s => RawRequest.Build(s, method, contentType, Encoding.UTF8.GetBytes(body), target, service: "kms"), status, code);

    public static BadRequest Sized(string name, string contentType, int bytes, int status, string code, params string[] headers) =>
        new(name, s => RawRequest.Build(s, "POST", contentType, new byte[bytes], extraHeaderLines: headers), status, code);
}
