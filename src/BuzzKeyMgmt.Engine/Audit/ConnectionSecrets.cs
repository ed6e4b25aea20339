using System.Data.Common;

namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>
/// Keeps connection-string secrets (Password/Pwd and similar) out of every text the store produces:
/// <see cref="Redacted"/> is the connection string without them, <see cref="Scrub"/> removes their values from any text.
/// </summary>
public sealed class ConnectionSecrets
{
    private static readonly string[] SecretKeys = ["password", "pwd", "accesstoken", "access token", "clientsecret", "client secret"];
    private readonly string[] _values;

    public ConnectionSecrets(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            throw new AuditStoreException(AuditErrorCodes.StoreFailure,
                "The audit store connection string is not a valid key=value list (its text is withheld because it may contain a secret).");
        }
        var values = new List<string>();
        foreach (var key in builder.Keys.Cast<string>().ToList())
        {
            if (!SecretKeys.Contains(key.Trim().ToLowerInvariant())) continue;
            if (builder[key]?.ToString() is { Length: > 0 } value) values.Add(value);
            builder.Remove(key);
        }
        _values = values.OrderByDescending(v => v.Length).ToArray();
        Redacted = builder.ConnectionString;
    }

    /// <summary>The connection string with every secret key removed.</summary>
    public string Redacted { get; }

    public bool HasSecrets => _values.Length > 0;

    /// <summary>The text with every secret value replaced by ***.</summary>
    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        foreach (var value in _values) text = text.Replace(value, "***", StringComparison.Ordinal);
        return text;
    }

    /// <summary>True when the exception (with its inner exceptions and stack) mentions a secret value.</summary>
    public bool Leaks(Exception? ex) =>
        ex is not null && _values.Any(v => ex.ToString().Contains(v, StringComparison.Ordinal));
}
