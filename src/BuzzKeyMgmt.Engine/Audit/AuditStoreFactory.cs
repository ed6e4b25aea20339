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

    /// <summary>Names the fallback folder (an absolute path) instead of the default.</summary>
    public const string FallbackDirectoryVariable = "BUZZKEYMGMT_FALLBACK_DIR";

    /// <summary>
    /// The second durable location, for journal rows the data directory cannot take (its disk full or read-only, its
    /// journal unreadable): <c>$BUZZKEYMGMT_FALLBACK_DIR</c> when set to an absolute path; else on Unix
    /// <c>/var/tmp/BuzzKeyMgmt-&lt;user&gt;</c> (kept across reboots, outside the home directory; the system temporary folder
    /// when there is no /var/tmp), created owner-only; on Windows <c>%TEMP%\BuzzKeyMgmt</c>.
    /// </summary>
    public static string DefaultFallbackDirectory(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var named = environment(FallbackDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(named) && Path.IsPathRooted(named)) return Path.GetFullPath(named);
        if (OperatingSystem.IsWindows()) return Path.Combine(Path.GetTempPath(), "BuzzKeyMgmt");
        var user = new string((environment("USER") ?? Environment.UserName).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
        var root = Directory.Exists("/var/tmp") ? "/var/tmp" : Path.GetTempPath();
        return Path.Combine(root, $"BuzzKeyMgmt-{(user.Length == 0 ? "user" : user)}");
    }

    public static string DefaultDatabasePath(Func<string, string?>? environment = null) =>
        Path.Combine(DefaultDataDirectory(environment), DefaultFileName);

    /// <summary>
    /// Opens a store by provider name ("Sqlite" with a file path, "SqlServer" with a connection string).
    /// No provider and no target: the default SQLite file, created and migrated on first use. <paramref name="lockWait"/>
    /// bounds how long a write waits for the store's write lock (default: 30 s).
    /// </summary>
    public static IAuditStore Open(string? provider, string? target, Func<string, string?>? environment = null, TimeSpan? lockWait = null)
    {
        if (string.IsNullOrWhiteSpace(provider) && string.IsNullOrWhiteSpace(target)) return OpenDefault(environment);
        var seconds = lockWait is { } wait ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : SqliteAuditStore.DefaultBusyTimeoutSeconds;
        IAuditStore store = (provider ?? "Sqlite").Trim().ToLowerInvariant() switch
        {
            "sqlite" => new SqliteAuditStore(string.IsNullOrWhiteSpace(target) ? DefaultDatabasePath(environment) : target, seconds),
            "sqlserver" => new SqlServerAuditStore(target ?? "") { ChainLockWait = TimeSpan.FromSeconds(seconds) },
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
