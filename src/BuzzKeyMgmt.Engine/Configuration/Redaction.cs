using System.Data.Common;

namespace BuzzKeyMgmt.Engine.Configuration;

/// <summary>Removes secrets from text meant for people: output, verbose messages, errors.</summary>
public static class Redaction
{
    private static readonly string[] SecretKeys = { "password", "pwd", "access token", "accesstoken", "client secret", "clientsecret" };

    /// <summary>The connection string with every password-like value replaced by ***; unparsable text is hidden whole.</summary>
    public static string ConnectionString(string connectionString)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var key in builder.Keys.Cast<string>().ToList())
                if (SecretKeys.Contains(key.Trim().ToLowerInvariant())) builder[key] = "***";
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(connection string hidden: not parsable)";
        }
    }
}
