using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace BuzzKeyMgmt.Sandbox.Http;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 only, inside the current process (no ASP.NET): one async task per keep-alive
/// connection. Stop closes the listener and every open connection.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<HttpRequestData, ValueTask<HttpResponseData>> _pipeline;
    private readonly ProtocolErrorFormatter _protocolError;
    private readonly Func<string> _dateHeader;
    private readonly TimeSpan _requestTimeout;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _acceptLoop;
    private volatile bool _stopped;

    public LoopbackHttpServer(int port, Func<HttpRequestData, ValueTask<HttpResponseData>> pipeline,
        ProtocolErrorFormatter protocolError, Func<string> dateHeader, TimeSpan requestTimeout)
    {
        _requestTimeout = requestTimeout;
        _pipeline = pipeline;
        _protocolError = protocolError;
        _dateHeader = dateHeader;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.NoDelay = true;
        _listener.Start(backlog: 512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    private async Task AcceptLoopAsync()
    {
        while (!_stopped)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(); }
            catch (SocketException) { if (_stopped) return; continue; }
            catch (ObjectDisposedException) { return; }
            socket.NoDelay = true;
            _open[socket] = 0;
            _ = Task.Run(async () =>
            {
                try { await new HttpConnection(socket, _pipeline, _protocolError, _dateHeader, _requestTimeout).RunAsync(); }
                finally { _open.TryRemove(socket, out _); }
            });
        }
    }

    public void Dispose()
    {
        if (_stopped) return;
        _stopped = true;
        _listener.Stop();
        foreach (var s in _open.Keys)
        {
            try { s.Dispose(); } catch (ObjectDisposedException) { }
        }
        try { _acceptLoop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
