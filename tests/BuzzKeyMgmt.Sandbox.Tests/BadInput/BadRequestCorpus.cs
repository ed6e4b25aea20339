using System.Text;

namespace BuzzKeyMgmt.Sandbox.Tests.BadInput;

/// <summary>The malformed requests every sandbox must answer with an AWS-shaped error (and keep serving afterwards).</summary>
public static class BadRequestCorpus
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string Json = "application/x-amz-json-1.1";
    private const string Sts = "Version=2011-06-15&Action=";
    private const string Pub = "Version=2010-03-31&Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A111122223333%3Abuzzkeymgmt-alerts";
    private static string Attr(int i, string name, string type, string value) =>
        $"&MessageAttributes.entry.{i}.Name={name}&MessageAttributes.entry.{i}.Value.DataType={type}&MessageAttributes.entry.{i}.Value.StringValue={value}";

    public static IReadOnlyList<BadRequest> All { get; } =
    [
        // HTTP framing (rejected before authentication)
        BadRequest.Raw("garbage request line", "HELLO\r\n\r\n", 400, "BadRequest"),
        BadRequest.Raw("request line without version", "POST /\r\n\r\n", 400, "BadRequest"),
        BadRequest.Raw("HTTP/2.0 request line", "POST / HTTP/2.0\r\nHost: x\r\n\r\n", 400, "BadRequest"),
        BadRequest.Raw("header without colon", "POST / HTTP/1.1\r\nHost x\r\n\r\n", 400, "BadRequest"),
        BadRequest.Raw("obsolete folded header", "POST / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400, "BadRequest"),
        BadRequest.Raw("non-numeric Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400, "BadRequest"),
        BadRequest.Raw("negative Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400, "BadRequest"),
        BadRequest.Raw("unsupported Transfer-Encoding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "NotImplemented"),
        BadRequest.Raw("chunk size not hex", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400, "BadRequest"),
        BadRequest.Raw("chunk data without CRLF", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n", 400, "BadRequest"),
        BadRequest.Raw("header section over 32 KiB", "POST / HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 40_000) + "\r\n\r\n", 431, "RequestHeaderFieldsTooLarge"),
        BadRequest.Raw("more than 100 headers", "POST / HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 120).Select(i => $"X-H{i}: v\r\n")) + "\r\n", 431, "RequestHeaderFieldsTooLarge"),
        BadRequest.Sized("JSON body over 1 MiB", Json, 1024 * 1024 + 1, 413, "RequestEntityTooLarge"),
        BadRequest.Sized("form body over 1 MiB", Form, 2 * 1024 * 1024, 413, "RequestEntityTooLarge"),
        BadRequest.Sized("over 1 MiB with Expect: 100-continue", Json, 3 * 1024 * 1024, 413, "RequestEntityTooLarge", "Expect: 100-continue"),
        new("chunked body over 1 MiB", s => Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            .Concat(Infrastructure.RawRequest.Chunked(new byte[1024 * 1024 + 10], 64 * 1024)).ToArray(), 413, "RequestEntityTooLarge"),
        // Authentication
        BadRequest.Unsigned("unsigned KMS call", Json, "{}", 400, "MissingAuthenticationTokenException", "TrentService.ListKeys"),
        BadRequest.Unsigned("unsigned STS call", Form, Sts + "GetCallerIdentity", 403, "MissingAuthenticationToken"),
        BadRequest.Unsigned("Bearer authorization", Json, "{}", 400, "IncompleteSignatureException", "TrentService.ListKeys", "Authorization: Bearer abc"),
        BadRequest.Unsigned("SigV4 without Signature", Json, "{}", 400, "IncompleteSignatureException", "TrentService.ListKeys",
            "Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/kms/aws4_request, SignedHeaders=host"),
        BadRequest.Unsigned("SigV4 with short credential scope", Form, Sts + "GetCallerIdentity", 400, "IncompleteSignature", null,
            "Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101, SignedHeaders=host, Signature=00"),
        BadRequest.Unsigned("SigV4 without any date header", Json, "{}", 400, "IncompleteSignatureException", "TrentService.ListKeys",
            $"Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/{DateTime.UtcNow:yyyyMMdd}/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00"),
        BadRequest.Unsigned("malformed X-Amz-Date", Json, "{}", 400, "InvalidSignatureException", "TrentService.ListKeys", "X-Amz-Date: yesterday",
            "Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00"),
        BadRequest.Unsigned("unknown access key", Json, "{}", 400, "UnrecognizedClientException", "TrentService.ListKeys", $"X-Amz-Date: {DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}",
            $"Authorization: AWS4-HMAC-SHA256 Credential=AKIANOBODY/{DateTime.UtcNow:yyyyMMdd}/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"),
        // KMS routing (signed)
        BadRequest.Kms("unknown KMS operation", "TrentService.NoSuchOperation", "{}", 400, "UnknownOperationException"),
        BadRequest.Kms("foreign X-Amz-Target prefix", "DynamoDB_20120810.ListTables", "{}", 400, "UnknownOperationException"),
        BadRequest.Kms("empty X-Amz-Target", "", "{}", 400, "UnknownOperationException"),
        BadRequest.Kms("JSON content type without target", null, "{}", 400, "UnknownOperationException"),
        BadRequest.Kms("KMS call with GET", "TrentService.ListKeys", "", 400, "UnknownOperationException", method: "GET"),
        BadRequest.Kms("KMS call with DELETE", "TrentService.ListKeys", "{}", 400, "UnknownOperationException", method: "DELETE"),
        // awsQuery routing and parameters (signed)
        BadRequest.Sts("STS without Action", "Version=2011-06-15", 400, "MissingAction"),
        BadRequest.Sts("STS without Version", "Action=GetCallerIdentity", 400, "MissingParameter"),
        BadRequest.Sts("STS unknown action", Sts + "GetFederationToken", 400, "InvalidAction"),
        BadRequest.Sts("STS wrong version", "Version=2010-03-31&Action=GetCallerIdentity", 400, "InvalidAction"),
        BadRequest.Sts("SNS action sent to STS", Sts + "Publish", 400, "InvalidAction"),
        BadRequest.Sts("percent garbage only", "%zz%&&==&%", 400, "MalformedQueryString"),
        BadRequest.Sts("undecodable percent escapes", "%zz=%G1", 400, "MissingAction"),
        BadRequest.Sts("XML instead of form", "<AssumeRole><RoleArn>x</RoleArn></AssumeRole>", 400, "MalformedQueryString"),
        BadRequest.Sts("AssumeRole without RoleArn", Sts + "AssumeRole&RoleSessionName=abc", 400, "ValidationError"),
        BadRequest.Sts("AssumeRole without session name", Sts + "AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FBuzzKeyMgmtAdmin", 400, "ValidationError"),
        BadRequest.Sts("AssumeRole non-numeric duration", Sts + "AssumeRole&RoleSessionName=abc&DurationSeconds=abc&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FBuzzKeyMgmtAdmin", 400, "ValidationError"),
        BadRequest.Sts("AssumeRole 7-digit token", Sts + "AssumeRole&RoleSessionName=abc&SerialNumber=arn%3Aaws%3Aiam%3A%3A111122223333%3Amfa%2Foperator&TokenCode=1234567&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FBuzzKeyMgmtAdmin", 400, "ValidationError"),
        BadRequest.Sts("AssumeRole 65-char session name", Sts + "AssumeRole&RoleSessionName=" + new string('s', 65) + "&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FBuzzKeyMgmtAdmin", 400, "ValidationError"),
        BadRequest.Sns("SNS STS action", "Version=2010-03-31&Action=AssumeRole", 400, "InvalidAction"),
        BadRequest.Sns("Publish without Message", Pub, 400, "ValidationError"),
        BadRequest.Sns("Publish empty Message", Pub + "&Message=", 400, "InvalidParameter"),
        BadRequest.Sns("Publish NUL in Subject", Pub + "&Message=m&Subject=a%00b", 400, "InvalidParameter"),
        BadRequest.Sns("Publish 11 attributes", Pub + "&Message=m" + string.Concat(Enumerable.Range(1, 11).Select(i => Attr(i, $"a{i}", "String", "v"))), 400, "InvalidParameterValue"),
        BadRequest.Sns("Publish attribute of unknown type", Pub + "&Message=m" + Attr(1, "a", "Foo", "v"), 400, "InvalidParameterValue"),
        BadRequest.Sns("Publish non-numeric Number attribute", Pub + "&Message=m" + Attr(1, "a", "Number", "abc"), 400, "InvalidParameterValue"),
        BadRequest.Sns("Publish attribute without type", Pub + "&Message=m&MessageAttributes.entry.1.Name=a", 400, "InvalidParameterValue"),
        BadRequest.Sns("Publish to topic of another account", "Version=2010-03-31&Action=Publish&Message=m&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A999999999999%3Abuzzkeymgmt-alerts", 404, "NotFound"),
        BadRequest.Sns("ListTopics garbage NextToken", "Version=2010-03-31&Action=ListTopics&NextToken=%3Cscript%3E", 400, "InvalidParameter"),
        BadRequest.Sns("CreateTopic without Name", "Version=2010-03-31&Action=CreateTopic", 400, "InvalidParameter"),
        BadRequest.Sns("CreateTopic 257-char name", "Version=2010-03-31&Action=CreateTopic&Name=" + new string('n', 257), 400, "InvalidParameter"),
        BadRequest.SnsBytes("invalid UTF-8 form body", [.. "Version=2010-03-31&Action=Publish&Message="u8, 0xC3, 0x28, 0xFF], 400, "MalformedQueryString"),
        new("form POST with text/plain body", s => Infrastructure.RawRequest.Build(s, "POST", "text/plain", "Action=GetCallerIdentity&Version=2011-06-15"u8.ToArray(), service: "sts"), 400, "InvalidAction"),
        new("awsQuery with PUT", s => Infrastructure.RawRequest.Build(s, "PUT", Form, "Action=GetCallerIdentity&Version=2011-06-15"u8.ToArray(), service: "sts"), 400, "InvalidAction"),
    ];

    public static TheoryData<BadRequest> Cases()
    {
        var data = new TheoryData<BadRequest>();
        foreach (var c in All) data.Add(c);
        return data;
    }
}
