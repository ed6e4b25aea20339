using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>Checks that need more than a loaded assembly: SQLite's native library, SqlClient's platform build,
/// and (when asked) a SQL Server connection.</summary>
internal static class NativeChecks
{
    internal static EnvironmentCheck SqliteNative()
    {
        try
        {
            using var connection = new SqliteConnection("Data Source=:memory:");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sqlite_version()";
            var rows = new List<string>();
            using (var reader = command.ExecuteReader())
                while (reader.Read()) rows.Add(reader.GetString(0));
            return rows.Count == 1
                ? EnvironmentCheck.Pass("SQLite native library", $"SQLite {rows[0]}: in-memory query returned 1 row")
                : EnvironmentCheck.Fail("SQLite native library", $"in-memory query returned {rows.Count} rows, expected 1");
        }
        catch (Exception ex) when (ex is DllNotFoundException or DbException or TypeInitializationException or EntryPointNotFoundException)
        {
            return EnvironmentCheck.Fail("SQLite native library", $"{ex.GetType().Name}: {ex.GetBaseException().Message}");
        }
    }

    /// <summary>SqlClient ships a reference assembly that throws PlatformNotSupportedException, plus one build per
    /// platform under runtimes/&lt;rid&gt;/lib; only a RID-aware resolver picks the right one.</summary>
    internal static EnvironmentCheck SqlClientPlatform()
    {
        var location = typeof(SqlConnection).Assembly.Location.Replace('\\', '/');
        return location.Contains("/runtimes/", StringComparison.Ordinal)
            ? EnvironmentCheck.Pass("SqlClient platform build", $"platform-specific assembly {location}")
            : EnvironmentCheck.Fail("SqlClient platform build",
                $"{location} is not a platform-specific build (expected runtimes/<rid>/lib/...): connections would throw PlatformNotSupportedException");
    }

    internal static EnvironmentCheck SqlServerReachable(string connectionString)
    {
        const string name = "SQL Server connection";
        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            return EnvironmentCheck.Fail(name, $"connection string not valid: {ex.Message}");
        }

        if (builder.ConnectTimeout > 5) builder.ConnectTimeout = 5;
        var target = $"server '{builder.DataSource}', database '{builder.InitialCatalog}'";
        try
        {
            using var connection = new SqlConnection(builder.ConnectionString);
            connection.Open();
            return EnvironmentCheck.Pass(name, $"connected to {target} (SQL Server {connection.ServerVersion})");
        }
        catch (SqlException ex)
        {
            // SqlException messages carry no credentials; the connection string itself is never echoed.
            return EnvironmentCheck.Fail(name, $"{target}: SqlException {ex.Number}: {FirstLine(ex.Message)}");
        }
        catch (Exception ex) when (ex is InvalidOperationException or PlatformNotSupportedException)
        {
            return EnvironmentCheck.Fail(name, $"{target}: {ex.GetType().Name}: {FirstLine(ex.Message)}");
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(new[] { '\r', '\n' });
        return end < 0 ? text : text[..end];
    }
}
