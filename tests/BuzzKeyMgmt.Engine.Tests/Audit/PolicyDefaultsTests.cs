using BuzzKeyMgmt.Engine.Audit.Sqlite;
using BuzzKeyMgmt.Engine.Policy;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

public class PolicyDefaultsTests
{
    [Fact]
    public void Break_glass_defaults_are_exactly_what_the_migrations_seed()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var store = new SqliteAuditStore(Path.Combine(dir.FullName, "audit.db"));
            store.Migrate();
            Assert.Equal(store.GetPolicy(), PolicySettings.Defaults);
            Assert.True(PolicySettings.Defaults.IsValidIncidentId("INC-2026-0042"));
            Assert.False(PolicySettings.Defaults.IsValidIncidentId("incident 42"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }
}
