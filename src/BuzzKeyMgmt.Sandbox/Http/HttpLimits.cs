namespace BuzzKeyMgmt.Sandbox.Http;

/// <summary>Size limits the sandbox's HTTP server enforces before any AWS logic runs.</summary>
internal static class HttpLimits
{
    /// <summary>Request line plus all header lines.</summary>
    public const int MaxHeaderBytes = 32 * 1024;
    public const int MaxHeaderCount = 100;
    /// <summary>Largest request body accepted (1 MiB); larger bodies get 413 with an AWS-shaped body.</summary>
    public const int MaxBodyBytes = 1024 * 1024;
    /// <summary>How long an idle keep-alive connection stays open.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(2);
}

/// <summary>A request the HTTP layer rejects before routing (malformed framing, limits).</summary>
internal sealed class HttpProtocolException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

/// <summary>Builds the AWS-shaped body for a framing-level rejection; the content type of the request picks JSON or XML.</summary>
internal delegate HttpResponseData ProtocolErrorFormatter(int status, string code, string message, string? requestContentType);
