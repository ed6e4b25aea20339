using System.Net.Sockets;
using System.Text;

namespace BuzzKeyMgmt.Sandbox.Http;

/// <summary>Request line and headers of a request whose body has not been read yet.</summary>
internal sealed class HttpRequestHead
{
    public required string Method { get; init; }
    public required string Target { get; init; }
    public required string Version { get; init; }
    public required List<KeyValuePair<string, string>> Headers { get; init; }

    public string? Header(string name)
    {
        foreach (var h in Headers)
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) return h.Value;
        return null;
    }
}

/// <summary>Reads HTTP/1.1 requests from a socket through one reusable buffer; enforces <see cref="HttpLimits"/>.</summary>
internal sealed class HttpRequestReader(Socket socket, TimeSpan requestTimeout) : IDisposable
{
    private byte[] _buf = new byte[8192];
    private int _start, _end;
    private CancellationTokenSource _timeout = new();

    public void Dispose() => _timeout.Dispose();

    /// <summary>Reads up to the blank line; null when the peer closed the connection before sending anything.</summary>
    public async ValueTask<HttpRequestHead?> ReadHeadAsync()
    {
        while (true)
        {
            int idx = _buf.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (idx > HttpLimits.MaxHeaderBytes)
                throw new HttpProtocolException(431, "RequestHeaderFieldsTooLarge", $"Request header section exceeds {HttpLimits.MaxHeaderBytes} bytes.");
            if (idx >= 0)
            {
                var head = ParseHead(_buf.AsSpan(_start, idx));
                _start += idx + 4;
                return head;
            }
            if (_end - _start > HttpLimits.MaxHeaderBytes)
                throw new HttpProtocolException(431, "RequestHeaderFieldsTooLarge", $"Request header section exceeds {HttpLimits.MaxHeaderBytes} bytes.");
            if (await FillAsync(insideRequest: false) == 0)
            {
                if (_end == _start) return null;
                throw new HttpProtocolException(400, "BadRequest", "Connection closed inside the request header section.");
            }
        }
    }

    /// <summary>Reads the body announced by the head (Content-Length or chunked); answers Expect: 100-continue.</summary>
    public async ValueTask<HttpRequestData> ReadBodyAsync(HttpRequestHead head, Func<ValueTask> sendContinue)
    {
        var te = head.Header("Transfer-Encoding");
        var cl = head.Header("Content-Length");
        bool chunked = te is not null && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        if (te is not null && !chunked)
            throw new HttpProtocolException(501, "NotImplemented", $"Transfer-Encoding '{te}' is not supported.");
        long length = 0;
        if (!chunked && cl is not null && (!long.TryParse(cl, out length) || length < 0))
            throw new HttpProtocolException(400, "BadRequest", $"Invalid Content-Length '{cl}'.");
        if (length > HttpLimits.MaxBodyBytes)
            throw new HttpProtocolException(413, "RequestEntityTooLarge", $"Request body of {length} bytes exceeds the limit of {HttpLimits.MaxBodyBytes} bytes.");
        var expect = head.Header("Expect");
        if (expect is not null && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase) && (chunked || length > 0))
            await sendContinue();

        byte[] body = chunked ? await ReadChunkedAsync() : await ReadExactAsync((int)length);
        int q = head.Target.IndexOf('?');
        return new HttpRequestData
        {
            Method = head.Method,
            RawPath = q < 0 ? head.Target : head.Target[..q],
            RawQuery = q < 0 ? "" : head.Target[(q + 1)..],
            Headers = head.Headers,
            Body = body,
        };
    }

    private async ValueTask<byte[]> ReadExactAsync(int length)
    {
        var body = length == 0 ? [] : new byte[length];
        int got = 0;
        while (got < length)
        {
            if (_end == _start && await FillAsync() == 0)
                throw new HttpProtocolException(400, "BadRequest", "Connection closed before the announced body was complete.");
            int n = Math.Min(length - got, _end - _start);
            Buffer.BlockCopy(_buf, _start, body, got, n);
            _start += n; got += n;
        }
        return body;
    }

    private async ValueTask<byte[]> ReadChunkedAsync()
    {
        using var ms = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync();
            int semi = sizeLine.IndexOf(';');
            var hex = (semi < 0 ? sizeLine : sizeLine[..semi]).Trim();
            if (!int.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, null, out int size) || size < 0)
                throw new HttpProtocolException(400, "BadRequest", $"Invalid chunk size '{hex}'.");
            if (size == 0)
            {
                while ((await ReadLineAsync()).Length > 0) { }   // trailers
                return ms.ToArray();
            }
            if (ms.Length + size > HttpLimits.MaxBodyBytes)
                throw new HttpProtocolException(413, "RequestEntityTooLarge", $"Request body exceeds the limit of {HttpLimits.MaxBodyBytes} bytes.");
            ms.Write(await ReadExactAsync(size));
            if ((await ReadLineAsync()).Length != 0)
                throw new HttpProtocolException(400, "BadRequest", "Chunk data not followed by CRLF.");
        }
    }

    private async ValueTask<string> ReadLineAsync()
    {
        while (true)
        {
            int idx = _buf.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (idx >= 0)
            {
                var line = Encoding.ASCII.GetString(_buf, _start, idx);
                _start += idx + 2;
                return line;
            }
            if (_end - _start > 4096) throw new HttpProtocolException(400, "BadRequest", "Chunk header line too long.");
            if (await FillAsync() == 0) throw new HttpProtocolException(400, "BadRequest", "Connection closed inside a chunked body.");
        }
    }

    /// <summary>
    /// Receives more bytes. An idle keep-alive connection is closed after <see cref="HttpLimits.IdleTimeout"/>; a request
    /// that stalls half-sent gets 408 after the request timeout.
    /// </summary>
    private async ValueTask<int> FillAsync(bool insideRequest = true)
    {
        if (_start > 0 && _start == _end) { _start = _end = 0; }
        if (_end == _buf.Length)
        {
            if (_start > 0) { Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start); _end -= _start; _start = 0; }
            else Array.Resize(ref _buf, _buf.Length * 2);
        }
        bool partial = insideRequest || _end > _start;
        if (!_timeout.TryReset()) { _timeout.Dispose(); _timeout = new CancellationTokenSource(); }
        _timeout.CancelAfter(partial ? requestTimeout : HttpLimits.IdleTimeout);
        int n;
        try { n = await socket.ReceiveAsync(_buf.AsMemory(_end), SocketFlags.None, _timeout.Token); }
        catch (OperationCanceledException)
        {
            if (partial) throw new HttpProtocolException(408, "RequestTimeout", "The request was not completed in time.");
            return 0;
        }
        _end += n;
        return n;
    }

    private static HttpRequestHead ParseHead(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var lines = text.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            throw new HttpProtocolException(400, "BadRequest", "Malformed HTTP request line.");
        if (lines.Length - 1 > HttpLimits.MaxHeaderCount)
            throw new HttpProtocolException(431, "RequestHeaderFieldsTooLarge", $"More than {HttpLimits.MaxHeaderCount} request headers.");
        var headers = new List<KeyValuePair<string, string>>(lines.Length);
        for (int i = 1; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(':');
            if (colon <= 0 || lines[i][0] is ' ' or '\t')
                throw new HttpProtocolException(400, "BadRequest", "Malformed HTTP header line.");
            headers.Add(new(lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim()));
        }
        return new HttpRequestHead { Method = parts[0], Target = parts[1], Version = parts[2], Headers = headers };
    }
}
