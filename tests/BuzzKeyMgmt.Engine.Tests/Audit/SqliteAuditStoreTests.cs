using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>SQLite-only behaviour: first migration, WAL, unreachable file, default location.</summary>
public sealed class SqliteAuditStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void First_migration_creates_the_file_in_WAL_mode_and_applies_versions_1_to_7()
    {
        var store = new SqliteAuditStore(_directory.File("nested", "audit.db"));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], store.Migrate());
        Assert.Empty(store.Migrate());
        using var connection = new SqliteConnection($"Data Source={store.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void A_missing_file_is_unreachable_and_is_not_created_by_an_append()
    {
        var path = _directory.File("absent", "audit.db");
        var store = new SqliteAuditStore(path);
        var error = Assert.Throws<AuditStoreUnavailableException>(() =>
            store.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId())));
        Assert.Equal(AuditErrorCodes.StoreUnavailable, error.Code);
        Assert.Contains(path, error.Message);
        Assert.False(File.Exists(path));

        var description = store.Describe();
        Assert.False(description.Reachable);
        Assert.Null(description.SchemaVersion);
        Assert.Equal("Sqlite", description.Provider);
        Assert.Equal(path, description.Target);
        Assert.NotNull(description.Error);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_a_clear_error_not_a_crash()
    {
        var path = _directory.File("garbage.db");
        File.WriteAllText(path, new string('x', 8192));
        var store = new SqliteAuditStore(path);
        var error = Assert.ThrowsAny<AuditStoreException>(() => store.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId())));
        Assert.Contains("audit store", error.Message);
        Assert.False(store.Describe().Reachable);
    }

    [Fact]
    public void Default_location_follows_XDG_DATA_HOME_then_HOME_on_unix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "BuzzKeyMgmt", "audit.db"),
                AuditStoreFactory.DefaultDatabasePath());
            return;
        }
        var xdg = _directory.File("xdg");
        Assert.Equal(Path.Combine(xdg, "BuzzKeyMgmt", "audit.db"),
            AuditStoreFactory.DefaultDatabasePath(name => name == "XDG_DATA_HOME" ? xdg : null));
        Assert.Equal(Path.Combine("/home/op", ".local", "share", "BuzzKeyMgmt", "audit.db"),
            AuditStoreFactory.DefaultDatabasePath(name => name == "HOME" ? "/home/op" : null));
        // a relative XDG_DATA_HOME is invalid per the XDG spec and ignored
        Assert.Equal(Path.Combine("/home/op", ".local", "share", "BuzzKeyMgmt", "audit.db"),
            AuditStoreFactory.DefaultDatabasePath(name => name switch { "HOME" => "/home/op", "XDG_DATA_HOME" => "relative/dir", _ => null }));
    }

    [Fact]
    public void The_default_store_is_created_and_migrated_on_first_use()
    {
        if (OperatingSystem.IsWindows()) return; // the Unix variables drive this test; Windows uses LocalApplicationData
        var xdg = _directory.File("xdg");
        Func<string, string?> environment = name => name == "XDG_DATA_HOME" ? xdg : null;
        var store = AuditStoreFactory.Open(null, null, environment);
        Assert.True(File.Exists(Path.Combine(xdg, "BuzzKeyMgmt", "audit.db")));
        var description = store.Describe();
        Assert.True(description.Reachable);
        Assert.Equal(7, description.SchemaVersion);
        Assert.Equal(1, store.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId())).Sequence);
    }

    [Fact]
    public void A_bad_policy_value_is_a_domain_error_naming_the_setting_and_a_rerun_keeps_admin_changes()
    {
        var store = new SqliteAuditStore(_directory.File("policy.db"));
        store.Migrate();
        using (var connection = new SqliteConnection($"Data Source={store.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE KeyManagementConfig SET Value = '180' WHERE Name = 'RotationPeriodDays'; " +
                                  "UPDATE KeyManagementConfig SET Value = 'two' WHERE Name = 'ApprovalsRequired';";
            command.ExecuteNonQuery();
        }
        var error = Assert.Throws<AuditStoreException>(() => store.GetPolicy());
        Assert.Equal(AuditErrorCodes.InvalidPolicy, error.Code);
        Assert.Contains("ApprovalsRequired = 'two'", error.Message);

        using (var connection = new SqliteConnection($"Data Source={store.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE KeyManagementConfig SET Value = '3' WHERE Name = 'ApprovalsRequired'; DELETE FROM SchemaVersion WHERE Version = 2;";
            command.ExecuteNonQuery();
        }
        Assert.Equal([2], store.Migrate()); // the seed script runs again ...
        var policy = store.GetPolicy();
        Assert.Equal(180, policy.RotationPeriodDays); // ... and keeps the administrator's values
        Assert.Equal(3, policy.ApprovalsRequired);
    }

    [Fact]
    public void Unknown_provider_is_a_domain_error()
    {
        var error = Assert.Throws<AuditStoreException>(() => AuditStoreFactory.Open("Oracle", "x"));
        Assert.Contains("Sqlite or SqlServer", error.Message);
    }
}
