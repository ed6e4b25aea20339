using System.Net;
using System.Net.Sockets;

namespace BuzzKeyMgmt.Engine.Context;

/// <summary>
/// Where the operator works from, as the audit rows record it: machine name, operating-system user and the machine's
/// first non-loopback IPv4 address. The address needs a DNS lookup, so it is looked up once per context, on first use,
/// never once per operation.
/// </summary>
public sealed class ClientHost
{
    private readonly Lazy<string?> _address;

    public ClientHost(Func<string?>? resolveAddress = null)
    {
        _address = new Lazy<string?>(resolveAddress ?? LookUpAddress, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string MachineName { get; } = Environment.MachineName;

    public string UserName { get; } = Environment.UserName;

    public string? Address => _address.Value;

    private static string? LookUpAddress()
    {
        try
        {
            return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString();
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
