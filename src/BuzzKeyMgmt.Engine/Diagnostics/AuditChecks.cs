using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>The environment's audit store: reachable, schema version, hash chain intact, journal rows waiting.</summary>
internal static class AuditChecks
{
    public static IEnumerable<EnvironmentCheck> Run(AuditStores stores, string environmentName)
    {
        var located = stores.Locate(environmentName);
        IAuditStore store;
        try
        {
            store = stores.Open(located);
        }
        catch (AuditStoreException ex)
        {
            return new[] { EnvironmentCheck.Fail("Audit store", $"{located.Display}: {ex.Message}") };
        }
        var description = store.Describe();
        var checks = new List<EnvironmentCheck>();
        if (!description.Reachable)
        {
            checks.Add(EnvironmentCheck.Fail("Audit store", $"{located.Display} is not reachable: {description.Error} (emergency revocations will be journaled)"));
        }
        else
        {
            var latest = Audit.Migrations.MigrationScript.Load(store.Provider.Equals("SqlServer", StringComparison.OrdinalIgnoreCase) ? "sqlserver" : "sqlite")[^1].Version;
            checks.Add(description.SchemaVersion == latest
                ? EnvironmentCheck.Pass("Audit store", $"{located.Display}, schema version {description.SchemaVersion}")
                : EnvironmentCheck.Warn("Audit store", $"{located.Display}, schema version {description.SchemaVersion?.ToString() ?? "none"}; {latest} expected: run Initialize-KeyAuditStore"));
            if (description.SchemaVersion is not null)
            {
                try
                {
                    var chain = store.VerifyChain();
                    checks.Add(chain.IsValid
                        ? EnvironmentCheck.Pass("Audit chain", $"{chain.RowsChecked} rows, chain intact")
                        : EnvironmentCheck.Fail("Audit chain", $"broken at sequence {chain.BrokenSequence}: {chain.Problem}"));
                }
                catch (AuditStoreException ex)
                {
                    checks.Add(EnvironmentCheck.Fail("Audit chain", ex.Message));
                }
            }
        }
        var journal = new AuditJournal(located.JournalPath);
        checks.Add(journal.HasPending
            ? EnvironmentCheck.Warn("Audit journal", $"{journal.ReadAll().Count} row(s) waiting in {journal.JournalPath}: run Sync-KeyAuditJournal")
            : EnvironmentCheck.Pass("Audit journal", "no rows waiting"));
        return checks;
    }
}
