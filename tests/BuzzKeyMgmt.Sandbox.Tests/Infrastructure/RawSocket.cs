using System.Net.Sockets;
using System.Text;

namespace BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

/// <summary>Sends hand-written bytes over TCP and reads one HTTP answer (skipping 100 Continue), for framing-level tests.</summary>
public static class RawSocket
{
    public sealed record Reply(int Status, Dictionary<string, string> Headers, string Body, bool SawContinue);

    /// <summary>The answer, or null when the server closed the connection without answering.</summary>
    public static async Task<Reply?> SendAsync(int port, byte[] request, TimeSpan? timeout = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try { await stream.WriteAsync(request, cts.Token); }
        catch (IOException) { /* the server may answer and close before reading everything */ }
        return await ReadReplyAsync(stream, cts.Token);
    }

    public static async Task<Reply?> ReadReplyAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        bool sawContinue = false;
        while (true)
        {
            int headerEnd = IndexOf(buffer, "\r\n\r\n"u8.ToArray());
            if (headerEnd >= 0)
            {
                var head = Encoding.ASCII.GetString(buffer.GetRange(0, headerEnd).ToArray()).Split("\r\n");
                int status = int.Parse(head[0].Split(' ')[1]);
                if (status == 100) { sawContinue = true; buffer.RemoveRange(0, headerEnd + 4); continue; }
                var headers = head.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
                int length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl) : 0;
                while (buffer.Count < headerEnd + 4 + length)
                {
                    int n = await Read(stream, chunk, ct);
                    if (n == 0) break;
                    buffer.AddRange(chunk.AsSpan(0, n).ToArray());
                }
                var body = Encoding.UTF8.GetString(buffer.Skip(headerEnd + 4).Take(length).ToArray());
                return new Reply(status, headers, body, sawContinue);
            }
            int read = await Read(stream, chunk, ct);
            if (read == 0) return null;
            buffer.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }

    private static async Task<int> Read(NetworkStream s, byte[] chunk, CancellationToken ct)
    {
        try { return await s.ReadAsync(chunk, ct); }
        catch (IOException) { return 0; }
    }

    private static int IndexOf(List<byte> data, byte[] pattern)
    {
        for (int i = 0; i + pattern.Length <= data.Count; i++)
        {
            int j = 0;
            while (j < pattern.Length && data[i + j] == pattern[j]) j++;
            if (j == pattern.Length) return i;
        }
        return -1;
    }
}
