using System.Buffers;
using System.Net.Sockets;
using System.Text;

namespace BuzzKeyMgmt.Sandbox.Http;

/// <summary>
/// Serves one keep-alive TCP connection: reads HTTP/1.1 requests (Content-Length or chunked bodies, Expect: 100-continue),
/// hands each to the pipeline and writes the answer. Framing errors get an AWS-shaped body and close the connection.
/// </summary>
internal sealed class HttpConnection(Socket socket, Func<HttpRequestData, ValueTask<HttpResponseData>> pipeline,
    ProtocolErrorFormatter protocolError, Func<string> dateHeader, TimeSpan requestTimeout)
{
    private static readonly byte[] ContinueLine = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();
    private readonly HttpRequestReader _reader = new(socket, requestTimeout);

    public async Task RunAsync()
    {
        try
        {
            while (true)
            {
                HttpRequestData? request;
                string? contentType = null;
                bool http10 = false;
                try
                {
                    var head = await _reader.ReadHeadAsync();
                    if (head is null) return;                       // client closed between requests
                    contentType = head.Header("Content-Type");
                    http10 = head.Version == "HTTP/1.0";
                    request = await _reader.ReadBodyAsync(head, SendContinueAsync);
                }
                catch (HttpProtocolException e)
                {
                    var answer = protocolError(e.Status, e.Code, e.Message, contentType);
                    answer.CloseAfter = true;
                    await WriteAsync(answer);
                    return;
                }

                var response = await pipeline(request);
                if (response.DropConnection) return;
                if (WantsClose(request, http10)) response.CloseAfter = true;
                await WriteAsync(response);
                if (response.CloseAfter) return;
            }
        }
        catch (SocketException) { }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        finally
        {
            _reader.Dispose();
            try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
            socket.Dispose();
        }
    }

    private ValueTask SendContinueAsync() => SendAllAsync(ContinueLine);

    /// <summary>"Connection: close", or HTTP/1.0 without "Connection: keep-alive".</summary>
    private static bool WantsClose(HttpRequestData r, bool http10)
    {
        var c = r.Header("Connection");
        if (http10) return c is null || !c.Contains("keep-alive", StringComparison.OrdinalIgnoreCase);
        return c is not null && c.Contains("close", StringComparison.OrdinalIgnoreCase);
    }

    private async ValueTask WriteAsync(HttpResponseData r)
    {
        var sb = new StringBuilder(256);
        sb.Append("HTTP/1.1 ").Append(r.StatusCode).Append(' ').Append(HttpStatusText.For(r.StatusCode)).Append("\r\n");
        sb.Append("Date: ").Append(dateHeader()).Append("\r\n");
        sb.Append("Content-Type: ").Append(r.ContentType).Append("\r\n");
        sb.Append("Content-Length: ").Append(r.Body.Length).Append("\r\n");
        foreach (var h in r.Headers) sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
        if (r.CloseAfter) sb.Append("Connection: close\r\n");
        sb.Append("\r\n");
        var head = sb.ToString();
        int headLen = Encoding.ASCII.GetByteCount(head);
        var buffer = ArrayPool<byte>.Shared.Rent(headLen + r.Body.Length);
        try
        {
            Encoding.ASCII.GetBytes(head, buffer);
            r.Body.CopyTo(buffer, headLen);
            await SendAllAsync(buffer.AsMemory(0, headLen + r.Body.Length));
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int n = await socket.SendAsync(data, SocketFlags.None);
            data = data[n..];
        }
    }
}
