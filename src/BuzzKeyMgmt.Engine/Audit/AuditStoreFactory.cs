using BuzzKeyMgmt.Engine.Audit.Sqlite;
using BuzzKeyMgmt.Engine.Audit.SqlServer;

namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>Opens the audit store an environment names, or the default embedded store.</summary>
public static class AuditStoreFactory
{
    public const string DefaultFileName = "audit.db";

    /// <summary>
    /// The default store's folder: $XDG_DATA_HOME/BuzzKeyMgmt (or ~/.local/share/BuzzKeyMgmt) on Unix,
    /// %LOCALAPPDATA%\BuzzKeyMgmt on Windows.
    /// </summary>
    public static string DefaultDataDirectory(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string root;
        if (OperatingSystem.IsWindows())
        {
            root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        }
        else
        {
            var xdg = environment("XDG_DATA_HOME");
            root = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
                ? xdg
                : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return Path.Combine(root, "BuzzKeyMgmt");
    }

    public static string DefaultDatabasePath(Func<string, string?>? environment = null) =>
        Path.Combine(DefaultDataDirectory(environment), DefaultFileName);

    /// <summary>
    /// Opens a store by provider name ("Sqlite" with a file path, "SqlServer" with a connection string).
    /// No provider and no target: the default SQLite file, created and migrated on first use.
    /// </summary>
    public static IAuditStore Open(string? provider, string? target, Func<string, string?>? environment = null)
    {
        if (string.IsNullOrWhiteSpace(provider) && string.IsNullOrWhiteSpace(target)) return OpenDefault(environment);
        IAuditStore store = (provider ?? "Sqlite").Trim().ToLowerInvariant() switch
        {
            "sqlite" => new SqliteAuditStore(string.IsNullOrWhiteSpace(target) ? DefaultDatabasePath(environment) : target),
            "sqlserver" => new SqlServerAuditStore(target ?? ""),
            _ => throw new AuditStoreException(AuditErrorCodes.StoreFailure, $"Unknown audit store provider '{provider}': use Sqlite or SqlServer."),
        };
        return store;
    }

    /// <summary>The default SQLite store, created and migrated when missing or behind.</summary>
    public static IAuditStore OpenDefault(Func<string, string?>? environment = null)
    {
        var store = new SqliteAuditStore(DefaultDatabasePath(environment));
        store.Migrate();
        return store;
    }
}
