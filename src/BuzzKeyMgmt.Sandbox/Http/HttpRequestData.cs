namespace BuzzKeyMgmt.Sandbox.Http;

/// <summary>One parsed HTTP/1.1 request as the sandbox's pipeline sees it (headers in arrival order, body decoded).</summary>
internal sealed class HttpRequestData
{
    public required string Method { get; init; }
    /// <summary>The raw (still percent-encoded) path, e.g. "/".</summary>
    public required string RawPath { get; init; }
    /// <summary>The raw query string without the leading '?', or "".</summary>
    public required string RawQuery { get; init; }
    public required List<KeyValuePair<string, string>> Headers { get; init; }
    public required byte[] Body { get; init; }

    /// <summary>First value of a header (case-insensitive name), or null.</summary>
    public string? Header(string name)
    {
        foreach (var h in Headers)
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) return h.Value;
        return null;
    }
}

/// <summary>What the pipeline answers: a status with headers and body, or an instruction to drop the connection.</summary>
internal sealed class HttpResponseData
{
    public int StatusCode { get; init; }
    public string ContentType { get; init; } = "application/json";
    public byte[] Body { get; init; } = [];
    public List<KeyValuePair<string, string>> Headers { get; } = new();
    /// <summary>Close the socket without writing any answer (fault injection).</summary>
    public bool DropConnection { get; init; }
    /// <summary>Close the connection after writing this answer.</summary>
    public bool CloseAfter { get; set; }

    public static HttpResponseData Drop() => new() { DropConnection = true };
}
