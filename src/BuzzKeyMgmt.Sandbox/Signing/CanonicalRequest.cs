using System.Security.Cryptography;
using System.Text;
using BuzzKeyMgmt.Sandbox.Http;

namespace BuzzKeyMgmt.Sandbox.Signing;

/// <summary>Builds the SigV4 canonical request (non-S3 rules: path segments encoded again, sorted query, signed headers).</summary>
internal static class CanonicalRequest
{
    public static string Build(HttpRequestData request, string signedHeaders, string payloadHash)
    {
        var sb = new StringBuilder(512);
        sb.Append(request.Method).Append('\n');
        sb.Append(CanonicalUri(request.RawPath)).Append('\n');
        sb.Append(CanonicalQuery(request.RawQuery)).Append('\n');
        foreach (var name in signedHeaders.Split(';'))
        {
            sb.Append(name).Append(':');
            bool first = true;
            foreach (var h in request.Headers)
            {
                if (!string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) continue;
                if (!first) sb.Append(',');
                AppendTrimmed(sb, h.Value);
                first = false;
            }
            sb.Append('\n');
        }
        sb.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    private static void AppendTrimmed(StringBuilder sb, string value)
    {
        bool space = false;
        foreach (var c in value.Trim())
        {
            if (c == ' ') { if (!space) sb.Append(' '); space = true; }
            else { sb.Append(c); space = false; }
        }
    }

    private static string CanonicalUri(string rawPath)
    {
        if (rawPath.Length == 0 || rawPath == "/") return "/";
        var segments = rawPath.Split('/');
        for (int i = 0; i < segments.Length; i++) segments[i] = UriEncode(segments[i]);
        return string.Join('/', segments);
    }

    private static string CanonicalQuery(string rawQuery)
    {
        if (rawQuery.Length == 0) return "";
        var pairs = new List<(string K, string V)>();
        foreach (var p in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = p.IndexOf('=');
            var k = eq < 0 ? p : p[..eq];
            var v = eq < 0 ? "" : p[(eq + 1)..];
            pairs.Add((UriEncode(Uri.UnescapeDataString(k)), UriEncode(Uri.UnescapeDataString(v))));
        }
        pairs.Sort((a, b) => a.K != b.K ? string.CompareOrdinal(a.K, b.K) : string.CompareOrdinal(a.V, b.V));
        return string.Join('&', pairs.Select(p => p.K + "=" + p.V));
    }

    /// <summary>RFC 3986 encoding: unreserved characters stay, everything else becomes %XX of its UTF-8 bytes.</summary>
    public static string UriEncode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }
}
