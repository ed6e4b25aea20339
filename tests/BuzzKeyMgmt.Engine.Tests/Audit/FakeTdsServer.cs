using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuzzKeyMgmt.Engine.Audit.SqlServer;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// A loopback stand-in for the first steps of a SQL Server connection: it answers PRELOGIN with a chosen ENCRYPTION
/// value and then runs the server side of the TLS handshake inside PRELOGIN packets (TDS 7.x), or TLS first with ALPN
/// tds/8.0 (TDS 8). It logs in nobody: after the handshake it reads the first TDS packet header that arrives over TLS
/// (SqlClient's LOGIN7, type 0x10), notes it and closes. What it saw is in <see cref="Events"/>.
/// </summary>
internal sealed class FakeTdsServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _handlers = new();
    private readonly Task _accepting;
    private readonly PreLoginEncryption _answer;
    private readonly bool _tlsFirst;
    private readonly SslProtocols _protocols;

    public FakeTdsServer(X509Certificate2 certificate, PreLoginEncryption answer = PreLoginEncryption.On, bool tlsFirst = false,
        SslProtocols protocols = SslProtocols.Tls12)
    {
        Certificate = certificate;
        _answer = answer;
        _tlsFirst = tlsFirst;
        _protocols = protocols;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>What each connection did, in order: "prelogin ENCRYPTION=On", "tls Tls12", "tds packet 0x10 over tls", "error …".</summary>
    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>A self-signed ECDSA certificate for localhost (DNS name and 127.0.0.1), valid for the given span.</summary>
    public static X509Certificate2 CreateCertificate(DateTimeOffset notBefore, DateTimeOffset notAfter, string subject = "CN=localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(notBefore, notAfter);
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _handlers.Add(Task.Run(() => HandleAsync(client)));
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested) { }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                limit.CancelAfter(TimeSpan.FromSeconds(30));
                var network = client.GetStream();
                if (_tlsFirst)
                {
                    using var tls = new SslStream(network, leaveInnerStreamOpen: true);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = Certificate,
                        EnabledSslProtocols = _protocols,
                        ApplicationProtocols = [new SslApplicationProtocol("tds/8.0")],
                    }, limit.Token);
                    Events.Enqueue($"tls-first {tls.SslProtocol} alpn {tls.NegotiatedApplicationProtocol}");
                    await ReadFirstPacketAsync(tls, limit.Token);
                    return;
                }

                var header = new byte[8];
                await network.ReadExactlyAsync(header, limit.Token);
                var payload = new byte[BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2)) - 8];
                await network.ReadExactlyAsync(payload, limit.Token);
                var asked = PreLogin.EncryptionOption(payload);
                Events.Enqueue($"prelogin type 0x{header[0]:X2} ENCRYPTION={asked}");
                var answer = PreLogin.Packet(PreLogin.ResponsePacket, PreLogin.Options(
                [
                    (PreLogin.Version, [16, 0, 0x10, 0x00, 0, 0]),
                    (PreLogin.Encryption, [(byte)_answer]),
                    (PreLogin.InstOpt, [0]),
                    (PreLogin.ThreadId, []),
                    (PreLogin.Mars, [0]),
                ]));
                await network.WriteAsync(answer, limit.Token);
                if (_answer == PreLoginEncryption.NotSupported || asked == PreLoginEncryption.NotSupported) return;

                var tds = new TdsPacketStream(network);
                using var wrapped = new SslStream(tds, leaveInnerStreamOpen: true);
                await wrapped.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = Certificate,
                    EnabledSslProtocols = _protocols,
                }, limit.Token);
                tds.FinishHandshake();
                Events.Enqueue($"tls {wrapped.SslProtocol}");
                await ReadFirstPacketAsync(wrapped, limit.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
            {
                Events.Enqueue($"error {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private async Task ReadFirstPacketAsync(Stream tls, CancellationToken cancellation)
    {
        var header = new byte[8];
        var got = await tls.ReadAtLeastAsync(header, 8, throwOnEndOfStream: false, cancellation);
        Events.Enqueue(got == 8 ? $"tds packet 0x{header[0]:X2} over tls" : "closed after the handshake");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_handlers);
        _stop.Dispose();
        Certificate.Dispose();
    }
}
