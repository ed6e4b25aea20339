using System.Security.Cryptography;
using System.Text;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>
/// Which audit store (and local journal) a command uses: the named environment's, else the current session's
/// environment's, else the default embedded SQLite file in the user's data directory. Each store has its own journal
/// file under the data directory's <c>journal/</c> folder, named after the store (never containing its secrets).
/// </summary>
public static class AuditLocator
{
    public sealed record Located(string? EnvironmentName, AuditStoreReference? Reference, string JournalPath)
    {
        /// <summary>Provider and target for people: a SQL Server password never shows.</summary>
        public string Display => Reference?.ToString() ?? $"{AuditStoreReference.Sqlite}: {AuditStoreFactory.DefaultDatabasePath()} (default)";
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> MigratedDefaults = new(StringComparer.Ordinal);

    public static Located Locate(string? environmentName)
    {
        var name = environmentName ?? SessionStore.Current?.Environment;
        AuditStoreReference? reference = null;
        if (name is not null)
        {
            var environment = EnvironmentCatalog.Find(name)
                ?? throw new KeyMgmtException("EnvironmentNotFound", FailureKind.ObjectNotFound,
                    $"No environment named '{name}'.", "See Get-KeyMgmtEnvironment for the known environments.");
            reference = environment.AuditStore;
        }
        return new Located(name, reference, JournalPathFor(reference));
    }

    /// <summary>Opens the store. The default embedded store is created and migrated on first use (nothing to set
    /// up); a store an environment names is migrated only by Initialize-KeyAuditStore, so an unmounted audit disk is
    /// never silently replaced by a new empty database. An unreachable store is still returned: appends then fail and
    /// emergency rows go to the journal.</summary>
    public static IAuditStore Open(Located located, bool migrateDefault = true)
    {
        var target = located.Reference?.Target ?? AuditStoreFactory.DefaultDatabasePath();
        var store = AuditStoreFactory.Open(located.Reference?.Provider ?? AuditStoreReference.Sqlite, target);
        if (migrateDefault && located.Reference is null && !MigratedDefaults.ContainsKey(target))
        {
            try
            {
                store.Migrate();
                MigratedDefaults.TryAdd(target, true);   // once per process and file, not on every command
            }
            catch (AuditStoreUnavailableException) { }
        }
        return store;
    }

    public static AuditTrail Trail(Located located) =>
        new(Open(located), new AuditJournal(located.JournalPath));

    private static string JournalPathFor(AuditStoreReference? reference)
    {
        var identity = reference is null ? "default" : $"{reference.Provider}|{reference.Target}";
        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16].ToLowerInvariant();
        return Path.Combine(AuditStoreFactory.DefaultDataDirectory(), "journal", $"{(reference?.Provider ?? "default").ToLowerInvariant()}-{digest}.jsonl");
    }
}

/// <summary>What Initialize-KeyAuditStore did: the store, the schema versions it applied now, and the version in force.</summary>
public sealed record AuditStoreInitialization(string Provider, string Target, IReadOnlyList<int> AppliedVersions, int? SchemaVersion);
