using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>The environment's audit store: reachable, schema version, hash chain intact; its journals: rows waiting, lines
/// that cannot be verified, lines quarantined.</summary>
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
        checks.Add(JournalCheck(located));
        return checks;
    }

    /// <summary>"Audit journal": Fail when a journal (local or fallback) cannot be read, holds lines that cannot be
    /// verified, or earlier syncs quarantined lines; Warn when verifiable rows wait; never throws.</summary>
    internal static EnvironmentCheck JournalCheck(AuditLocation located)
    {
        var journals = new List<AuditJournal> { new(located.JournalPath) };
        if (AuditStores.Fallback(located, JournalHealth.CheckLockWait) is { } fallback) journals.Add(fallback);
        var health = JournalHealth.Inspect(journals);
        var waits = health.Waiting > 0 ? $"{health.DescribeWaits()}: run Sync-KeyAuditJournal" : null;
        if (health.HasProblems)
            return EnvironmentCheck.Fail("Audit journal", string.Join("; ", waits is null ? health.Problems : [.. health.Problems, waits]));
        return waits is not null
            ? EnvironmentCheck.Warn("Audit journal", waits)
            : EnvironmentCheck.Pass("Audit journal", "no rows waiting");
    }
}
