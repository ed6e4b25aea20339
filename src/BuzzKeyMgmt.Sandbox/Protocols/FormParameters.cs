using System.Text;

namespace BuzzKeyMgmt.Sandbox.Protocols;

/// <summary>The parameters of an awsQuery request: URL query plus an <c>application/x-www-form-urlencoded</c> body.</summary>
internal sealed class FormParameters
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public string? this[string name] => _values.GetValueOrDefault(name);
    public bool Has(string name) => _values.ContainsKey(name);
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Parses "a=1&amp;b=x+y"; returns false (with the reason) for text that is not form encoding.</summary>
    public static bool TryParse(string rawQuery, byte[] body, out FormParameters result, out string? problem)
    {
        result = new FormParameters();
        problem = null;
        string bodyText;
        try { bodyText = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body); }
        catch (DecoderFallbackException) { problem = "Request body is not valid UTF-8."; return false; }
        foreach (var source in new[] { rawQuery, bodyText })
        {
            foreach (var pair in source.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                var name = Decode(eq < 0 ? pair : pair[..eq]);
                var value = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
                if (name.Length == 0 || name.Any(char.IsControl) || name.Contains('<') || name.Contains('>'))
                {
                    problem = "The request body is not a valid form-encoded parameter list.";
                    return false;
                }
                result._values[name] = value;
            }
        }
        return true;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}
