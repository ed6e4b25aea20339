using System.Text;

namespace BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

/// <summary>Builds raw HTTP/1.1 request bytes, optionally SigV4-signed (via <see cref="TestSigner"/>) for the given body.</summary>
public static class RawRequest
{
    public static byte[] Build(SandboxServer server, string method, string contentType, byte[] body, string? target = null,
        string? service = null, IEnumerable<string>? extraHeaderLines = null, bool contentLength = true, byte[]? wireBody = null)
    {
        var sb = new StringBuilder();
        sb.Append($"{method} / HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nContent-Type: {contentType}\r\n");
        if (target is not null) sb.Append($"X-Amz-Target: {target}\r\n");
        if (service is not null)
        {
            using var msg = new HttpRequestMessage(new HttpMethod(method), server.Endpoint + "/") { Content = new ByteArrayContent(body) };
            msg.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            if (target is not null) msg.Headers.TryAddWithoutValidation("X-Amz-Target", target);
            TestSigner.Sign(msg, body, new TestSigner.Credentials(server.Root.AccessKeyId, server.Root.SecretAccessKey), server.Region, service);
            sb.Append($"X-Amz-Date: {msg.Headers.GetValues("X-Amz-Date").First()}\r\n");
            sb.Append($"Authorization: {msg.Headers.GetValues("Authorization").First()}\r\n");
        }
        foreach (var line in extraHeaderLines ?? []) sb.Append(line).Append("\r\n");
        var payload = wireBody ?? body;
        if (contentLength) sb.Append($"Content-Length: {payload.Length}\r\n");
        sb.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(sb.ToString()), .. payload];
    }

    /// <summary>Encodes a body as HTTP chunks of the given size.</summary>
    public static byte[] Chunked(byte[] body, int chunkSize)
    {
        var ms = new MemoryStream();
        for (int i = 0; i < body.Length; i += chunkSize)
        {
            int n = Math.Min(chunkSize, body.Length - i);
            ms.Write(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
            ms.Write(body, i, n);
            ms.Write("\r\n"u8);
        }
        ms.Write("0\r\n\r\n"u8);
        return ms.ToArray();
    }
}
