using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>Which audit store (and local journal) a command uses, and how to show it.</summary>
public sealed record AuditLocation(string? EnvironmentName, AuditStoreReference? Reference, string JournalPath)
{
    /// <summary>The second durable location, used when the local journal cannot take a row (null: none).</summary>
    public string? FallbackJournalPath { get; init; }

    /// <summary>Provider and target for people: a SQL Server password never shows.</summary>
    public string Display => Reference?.ToString() ?? $"{AuditStoreReference.Sqlite}: {AuditStoreFactory.DefaultDatabasePath()} (default)";

    /// <summary>Identifies the store (never shown: a connection string may hold secrets).</summary>
    internal string Identity => Reference is null ? "default" : $"{Reference.Provider}|{Reference.ConnectionTarget}";
}

/// <summary>
/// The audit stores of one context: which one a command uses (the named environment's, else the current session's
/// environment's, else the default embedded SQLite file in the user's data directory), each with its own journal file
/// under the data directory's <c>journal/</c> folder (named after the store, never containing its secrets) and a fallback
/// journal of the same name under <see cref="AuditStoreFactory.DefaultFallbackDirectory"/>'s <c>journal/</c> folder, on
/// another root than the data directory. The default store is migrated once per context; each store has a
/// <see cref="StoreBreaker"/> shared by every operation of the context, so an unreachable store costs one connect timeout,
/// not one per row. Operations wait at most <see cref="WriteLockWait"/> for the store's write lock (or the journal's)
/// before they journal.
/// </summary>
public sealed class AuditStores(EnvironmentCatalog environments, Func<string?> currentEnvironment, TimeProvider? realTime = null)
{
    private readonly ConcurrentDictionary<string, bool> _migratedDefaults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoreBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = realTime ?? TimeProvider.System;

    /// <summary>How long an operation waits for the store's write lock (SQLite busy wait, SQL Server chain lock) and for
    /// the journal held by another process, before its row goes to the journal (or the fallback journal).</summary>
    public static readonly TimeSpan DefaultWriteLockWait = TimeSpan.FromSeconds(3);

    /// <summary>How long an unreachable store is skipped after a slow connect failure.</summary>
    public TimeSpan BreakFor { get; set; } = StoreBreaker.DefaultBreak;

    /// <summary>The bounded lock wait of an operation's trail (<see cref="DefaultWriteLockWait"/>).</summary>
    public TimeSpan WriteLockWait { get; set; } = DefaultWriteLockWait;

    /// <summary>The store of an environment the caller already holds (a session's own, also in a runspace where that
    /// environment is not registered, e.g. a session handed to a parallel runspace).</summary>
    public AuditLocation Locate(KeyMgmtEnvironment environment) =>
        new(environment.Name, environment.AuditStore, JournalPathFor(environment.AuditStore))
        {
            FallbackJournalPath = FallbackJournalPathFor(environment.AuditStore),
        };

    /// <summary>The store of a session's environment (also in a runspace where that environment is not registered).</summary>
    public AuditLocation Locate(Identity.KeyMgmtSession session) => Locate(session.EnvironmentInfo);

    public AuditLocation Locate(string? environmentName)
    {
        var name = environmentName ?? currentEnvironment();
        AuditStoreReference? reference = null;
        if (name is not null)
        {
            var environment = environments.Find(name)
                ?? throw new KeyMgmtException("EnvironmentNotFound", FailureKind.ObjectNotFound,
                    $"No environment named '{name}'.", "See Get-KeyMgmtEnvironment for the known environments.");
            reference = environment.AuditStore;
        }
        return new AuditLocation(name, reference, JournalPathFor(reference)) { FallbackJournalPath = FallbackJournalPathFor(reference) };
    }

    /// <summary>Opens the store. The default embedded store is created and migrated on first use (nothing to set
    /// up); a store an environment names is migrated only by Initialize-KeyAuditStore, so an unmounted audit disk is
    /// never silently replaced by a new empty database. A store that cannot be reached or migrated (missing, full,
    /// corrupt, locked) is still returned: appends then fail and emergency rows go to the journal. With
    /// <paramref name="lockWait"/>, writes wait at most that long for the store's write lock.</summary>
    public IAuditStore Open(AuditLocation location, bool migrateDefault = true, TimeSpan? lockWait = null, StoreBreaker? breaker = null)
    {
        var target = location.Reference?.ConnectionTarget ?? AuditStoreFactory.DefaultDatabasePath();
        var store = AuditStoreFactory.Open(location.Reference?.Provider ?? AuditStoreReference.Sqlite, target, lockWait: lockWait);
        if (migrateDefault && location.Reference is null && !_migratedDefaults.ContainsKey(target))
        {
            var started = _time.GetUtcNow();
            try
            {
                store.Migrate();
                _migratedDefaults.TryAdd(target, true);   // once per context and file, not on every command
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                breaker?.Failed(_time.GetUtcNow() - started, ex.Message);   // the rows will say why; a slow failure is not waited for twice
            }
        }
        return store;
    }

    /// <summary>The trail operations write through: the store (write lock waited for at most <see cref="WriteLockWait"/>),
    /// its journal, its fallback journal and its breaker.</summary>
    public AuditTrail Trail(AuditLocation location)
    {
        var breaker = Breaker(location);
        IAuditStore store;
        try
        {
            store = Open(location, lockWait: WriteLockWait, breaker: breaker);
        }
        catch (AuditStoreException ex)
        {
            store = new UnopenedAuditStore(location.Reference?.Provider ?? AuditStoreReference.Sqlite, ex.Message);   // its rows are journaled
        }
        return new AuditTrail(store,
            new AuditJournal(location.JournalPath) { LockWait = WriteLockWait }, JournalPolicy.EmergencyOnly, breaker,
            Fallback(location, WriteLockWait));
    }

    /// <summary>The trail of a session's environment (the session carries its environment, also into a runspace where it
    /// is not registered).</summary>
    public AuditTrail Trail(Identity.KeyMgmtSession session) => Trail(Locate(session.EnvironmentInfo));

    /// <summary>The trail an explicit command uses (Sync-KeyAuditJournal): it always tries the store.</summary>
    public AuditTrail TrailWithoutBreaker(AuditLocation location) =>
        new(Open(location), new AuditJournal(location.JournalPath), fallback: Fallback(location, AuditJournal.DefaultLockWait));

    /// <summary>The fallback journal of a location (its folder must be private to the user: it may sit in a shared
    /// temporary folder).</summary>
    public static AuditJournal? Fallback(AuditLocation location, TimeSpan lockWait) =>
        location.FallbackJournalPath is { } path ? new AuditJournal(path) { LockWait = lockWait, RequirePrivateFolder = true } : null;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _reconciled = new(StringComparer.Ordinal);

    /// <summary>How often an environment's store is searched for interrupted operations on its own (every use would be
    /// one query more per cmdlet).</summary>
    public TimeSpan ReconcileEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>True (and remembered) when this environment's store was not searched for interrupted operations within
    /// <see cref="ReconcileEvery"/> by this context.</summary>
    public bool ClaimReconcile(string environment)
    {
        var now = _time.GetUtcNow();
        var last = _reconciled.GetOrAdd(environment, DateTimeOffset.MinValue);
        return now - last >= ReconcileEvery && _reconciled.TryUpdate(environment, now, last);
    }

    public StoreBreaker Breaker(AuditLocation location) =>
        _breakers.GetOrAdd(location.Identity, _ => new StoreBreaker(_time) { BreakFor = BreakFor });

    private static string JournalPathFor(AuditStoreReference? reference) =>
        Path.Combine(AuditStoreFactory.DefaultDataDirectory(), "journal", JournalFileName(reference));

    private static string FallbackJournalPathFor(AuditStoreReference? reference) =>
        Path.Combine(AuditStoreFactory.DefaultFallbackDirectory(), "journal", JournalFileName(reference));

    private static string JournalFileName(AuditStoreReference? reference)
    {
        var identity = reference is null ? "default" : $"{reference.Provider}|{reference.ConnectionTarget}";
        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16].ToLowerInvariant();
        return $"{(reference?.Provider ?? "default").ToLowerInvariant()}-{digest}.jsonl";
    }
}

/// <summary>What Initialize-KeyAuditStore did: the store, the schema versions it applied now, and the version in force.</summary>
public sealed record AuditStoreInitialization(string Provider, string Target, IReadOnlyList<int> AppliedVersions, int? SchemaVersion);
