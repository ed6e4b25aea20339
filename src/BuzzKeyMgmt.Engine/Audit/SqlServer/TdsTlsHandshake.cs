using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace BuzzKeyMgmt.Engine.Audit.SqlServer;

/// <summary>
/// Observes the TLS a SQL Server negotiates, since SqlClient exposes none of it (no negotiated protocol, no cipher,
/// no server certificate, no validation callback): the probe opens its own TCP connection and makes the same request
/// SqlClient makes. TDS 7.x (Encrypt Optional or Mandatory): a PRELOGIN packet with the same ENCRYPTION request,
/// the server's answer, then the TLS handshake carried inside PRELOGIN packets, as SqlClient does. TDS 8.0 (Encrypt
/// Strict): TLS first, with the ALPN protocol "tds/8.0". It stops after the handshake: no login is sent. The
/// certificate is recorded with .NET's own validation verdict and accepted whatever it is (the probe only looks).
/// </summary>
internal static class TdsTlsHandshake
{
    internal static readonly SslApplicationProtocol Tds8 = new("tds/8.0");

    public static async Task<TlsObservation> ObserveAsync(string host, int port, RequestedEncryption requested, string certificateHost,
        TimeSpan timeout, CancellationToken cancellation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        var stage = "TCP connect";
        PreLoginEncryption? answer = null;
        X509Certificate2? certificate = null;
        SslPolicyErrors errors = SslPolicyErrors.None;
        bool Accept(object sender, X509Certificate? presented, X509Chain? chain, SslPolicyErrors policyErrors)
        {
            certificate = presented is null ? null : presented as X509Certificate2 ?? new X509Certificate2(presented);
            errors = policyErrors;
            return true;
        }

        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, limit.Token).ConfigureAwait(false);
            client.NoDelay = true;
            var network = client.GetStream();
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = certificateHost,
                RemoteCertificateValidationCallback = Accept,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                EnabledSslProtocols = SslProtocols.None,   // the operating system's choice, as SqlClient on .NET
            };
            Stream transport = network;
            if (requested == RequestedEncryption.Strict)
            {
                options.ApplicationProtocols = [Tds8];
            }
            else
            {
                stage = "PRELOGIN";
                var request = PreLogin.Request(requested == RequestedEncryption.Mandatory ? PreLoginEncryption.On : PreLoginEncryption.Off);
                await network.WriteAsync(request, limit.Token).ConfigureAwait(false);
                answer = await PreLogin.ReadEncryptionAnswerAsync(network, limit.Token).ConfigureAwait(false);
                if (answer == PreLoginEncryption.NotSupported)
                    return new TlsObservation { ServerEncryption = answer, Failure = "the server answered PRELOGIN with ENCRYPT_NOT_SUP: it offers no TLS at all" };
                transport = new TdsPacketStream(network);
            }

            stage = "TLS handshake";
            using var tls = new SslStream(transport, leaveInnerStreamOpen: true);
            await tls.AuthenticateAsClientAsync(options, limit.Token).ConfigureAwait(false);
            return new TlsObservation
            {
                ServerEncryption = answer,
                TlsFirst = requested == RequestedEncryption.Strict,
                Protocol = tls.SslProtocol,
                Cipher = tls.NegotiatedCipherSuite.ToString(),
                Certificate = certificate is null ? null : CertificateFacts.From(certificate),
                CertificateErrors = errors,
            };
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return new TlsObservation { ServerEncryption = answer, Certificate = CertificateFacts.From(certificate), CertificateErrors = certificate is null ? null : errors,
                Failure = $"{stage}: no answer within {timeout.TotalSeconds:0.#} s" };
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException or InvalidDataException or ObjectDisposedException)
        {
            return new TlsObservation { ServerEncryption = answer, Certificate = CertificateFacts.From(certificate), CertificateErrors = certificate is null ? null : errors,
                Failure = $"{stage} failed: {Messages(ex)}" };
        }
    }

    private static string Messages(Exception ex)
    {
        var inner = ex.GetBaseException();
        return ReferenceEquals(inner, ex) || ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? ex.Message : $"{ex.Message} ({inner.Message})";
    }
}

/// <summary>What the probe's own handshake saw.</summary>
internal sealed record TlsObservation
{
    public PreLoginEncryption? ServerEncryption { get; init; }
    public bool TlsFirst { get; init; }
    public SslProtocols? Protocol { get; init; }
    public string? Cipher { get; init; }
    public CertificateFacts? Certificate { get; init; }
    public SslPolicyErrors? CertificateErrors { get; init; }

    /// <summary>Where and why the observation stopped short (null when the handshake completed).</summary>
    public string? Failure { get; init; }
}

/// <summary>The server certificate's facts the result reports.</summary>
internal sealed record CertificateFacts(string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset ExpiresAt, string Thumbprint)
{
    public static CertificateFacts? From(X509Certificate2? certificate) => certificate is null ? null : new(
        certificate.Subject, certificate.Issuer,
        new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
        new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
        certificate.Thumbprint);
}

/// <summary>The ENCRYPTION option of a PRELOGIN packet (MS-TDS 2.2.6.5).</summary>
public enum PreLoginEncryption : byte
{
    Off = 0x00,
    On = 0x01,
    NotSupported = 0x02,
    Required = 0x03,
}

/// <summary>The PRELOGIN exchange of MS-TDS 2.2.6.5: the client's request and the ENCRYPTION option of the answer.</summary>
internal static class PreLogin
{
    internal const byte PreLoginPacket = 0x12;
    internal const byte ResponsePacket = 0x04;
    internal const byte Version = 0x00, Encryption = 0x01, InstOpt = 0x02, ThreadId = 0x03, Mars = 0x04, Terminator = 0xFF;

    /// <summary>A PRELOGIN packet: VERSION, ENCRYPTION, INSTOPT (empty: any instance), THREADID, MARS off.</summary>
    public static byte[] Request(PreLoginEncryption encryption)
    {
        var options = new (byte Token, byte[] Data)[]
        {
            (Version, [0, 0, 0, 0, 0, 0]),
            (Encryption, [(byte)encryption]),
            (InstOpt, [0]),
            (ThreadId, [0, 0, 0, 0]),
            (Mars, [0]),
        };
        return Packet(PreLoginPacket, Options(options));
    }

    /// <summary>A packet of <paramref name="type"/>, status end-of-message, carrying <paramref name="payload"/>.</summary>
    internal static byte[] Packet(byte type, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[TdsPacketStream.HeaderLength + payload.Length];
        packet[0] = type;
        packet[1] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        payload.CopyTo(packet.AsSpan(TdsPacketStream.HeaderLength));
        return packet;
    }

    /// <summary>The option table (token, offset, length; 0xFF) followed by the options' data.</summary>
    internal static byte[] Options(IReadOnlyList<(byte Token, byte[] Data)> options)
    {
        var tableLength = options.Count * 5 + 1;
        var payload = new byte[tableLength + options.Sum(o => o.Data.Length)];
        var offset = tableLength;
        for (var i = 0; i < options.Count; i++)
        {
            var at = i * 5;
            payload[at] = options[i].Token;
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(at + 1), (ushort)offset);
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(at + 3), (ushort)options[i].Data.Length);
            options[i].Data.CopyTo(payload, offset);
            offset += options[i].Data.Length;
        }
        payload[tableLength - 1] = Terminator;
        return payload;
    }

    /// <summary>Reads the server's PRELOGIN answer (one message, possibly several packets) and returns its ENCRYPTION option.</summary>
    public static async Task<PreLoginEncryption> ReadEncryptionAnswerAsync(Stream stream, CancellationToken cancellation)
    {
        var payload = new List<byte>();
        var header = new byte[TdsPacketStream.HeaderLength];
        while (true)
        {
            await stream.ReadExactlyAsync(header, cancellation).ConfigureAwait(false);
            if (header[0] != ResponsePacket)
                throw new InvalidDataException($"the server answered PRELOGIN with TDS packet type 0x{header[0]:X2}, not 0x04: is this a SQL Server port?");
            var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
            if (length < TdsPacketStream.HeaderLength)
                throw new InvalidDataException($"the server's PRELOGIN answer has a malformed packet length ({length})");
            var body = new byte[length - TdsPacketStream.HeaderLength];
            await stream.ReadExactlyAsync(body, cancellation).ConfigureAwait(false);
            payload.AddRange(body);
            if ((header[1] & 0x01) != 0) break;
        }
        return EncryptionOption(payload.ToArray());
    }

    internal static PreLoginEncryption EncryptionOption(ReadOnlySpan<byte> payload)
    {
        for (var at = 0; at < payload.Length && payload[at] != Terminator; at += 5)
        {
            if (at + 5 > payload.Length) break;
            if (payload[at] != Encryption) continue;
            var offset = BinaryPrimitives.ReadUInt16BigEndian(payload[(at + 1)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(payload[(at + 3)..]);
            if (length < 1 || offset >= payload.Length)
                throw new InvalidDataException("the server's PRELOGIN answer has a malformed ENCRYPTION option");
            var value = payload[offset] & 0x0F;   // the high bits carry the client-certificate and CTAIP flags
            return value <= 3 ? (PreLoginEncryption)value
                : throw new InvalidDataException($"the server's PRELOGIN answer has an unknown ENCRYPTION value 0x{payload[offset]:X2}");
        }
        throw new InvalidDataException("the server's PRELOGIN answer has no ENCRYPTION option");
    }
}

/// <summary>
/// The TLS handshake of TDS 7.x travels inside TDS packets of type PRELOGIN (0x12): each write becomes packets of at
/// most 4096 bytes (end-of-message on the last), each read takes the payload of the packets that arrive. After
/// <see cref="FinishHandshake"/> the bytes pass through unchanged, as TLS records then go straight over TCP.
/// </summary>
internal sealed class TdsPacketStream(Stream inner, byte packetType = PreLogin.PreLoginPacket) : Stream
{
    internal const int HeaderLength = 8;
    internal const int MaxPacketLength = 4096;
    private readonly byte[] _header = new byte[HeaderLength];
    private int _remaining;
    private bool _passThrough;

    /// <summary>Switches to raw bytes; call only between packets.</summary>
    public void FinishHandshake()
    {
        if (_remaining != 0) throw new InvalidOperationException("The handshake cannot finish in the middle of a TDS packet.");
        _passThrough = true;
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_passThrough || buffer.IsEmpty) return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        while (_remaining == 0)
        {
            var got = await inner.ReadAtLeastAsync(_header, HeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (got == 0) return 0;
            if (got < HeaderLength) throw new IOException("The connection closed inside a TDS packet header.");
            _remaining = ReadLength();
        }
        var n = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        if (n == 0) throw new IOException("The connection closed inside a TDS packet.");
        _remaining -= n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_passThrough || count == 0) return inner.Read(buffer, offset, count);
        while (_remaining == 0)
        {
            var got = inner.ReadAtLeast(_header, HeaderLength, throwOnEndOfStream: false);
            if (got == 0) return 0;
            if (got < HeaderLength) throw new IOException("The connection closed inside a TDS packet header.");
            _remaining = ReadLength();
        }
        var n = inner.Read(buffer, offset, Math.Min(count, _remaining));
        if (n == 0) throw new IOException("The connection closed inside a TDS packet.");
        _remaining -= n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_passThrough)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            return;
        }
        foreach (var packet in Packets(buffer)) await inner.WriteAsync(packet, cancellationToken).ConfigureAwait(false);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (_passThrough)
        {
            inner.Write(buffer, offset, count);
            return;
        }
        foreach (var packet in Packets(buffer.AsMemory(offset, count))) inner.Write(packet);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private int ReadLength()
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2));
        if (length < HeaderLength) throw new IOException($"Malformed TDS packet header (length {length}).");
        return length - HeaderLength;
    }

    private List<byte[]> Packets(ReadOnlyMemory<byte> data)
    {
        var packets = new List<byte[]>();
        do
        {
            var chunk = data[..Math.Min(data.Length, MaxPacketLength - HeaderLength)];
            data = data[chunk.Length..];
            var packet = PreLogin.Packet(packetType, chunk.Span);
            packet[1] = data.IsEmpty ? (byte)0x01 : (byte)0x00;
            packets.Add(packet);
        } while (!data.IsEmpty);
        return packets;
    }
}
