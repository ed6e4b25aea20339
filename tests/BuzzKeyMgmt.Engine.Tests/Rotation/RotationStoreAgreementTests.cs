using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Rotation;
using BuzzKeyMgmt.Engine.Status;
using BuzzKeyMgmt.Engine.Tests.Operations;
using Microsoft.Data.Sqlite;

namespace BuzzKeyMgmt.Engine.Tests.Rotation;

/// <summary>
/// Get-KeyRotationDue's engine records what it read, and the audit store's own answers (GetKeysDueForRotation and the
/// KeyComplianceStatus view, here on SQLite; the SQL Server procedure and view are the same logic, parsed by the T-SQL
/// tests) agree with it on a mixed fleet: rotating, due soon, rotation off, disabled, pending deletion, and keys KMS
/// cannot rotate.
/// </summary>
public sealed class RotationStoreAgreementTests
{
    private static readonly RotationDueReason[] NonCompliant =
        [RotationDueReason.RotationDisabled, RotationDueReason.PeriodLongerThanPolicy, RotationDueReason.NeverRotated, RotationDueReason.Overdue];

    [Fact]
    public async Task The_store_answers_what_the_cmdlet_judged_on_a_mixed_fleet()
    {
        using var h = new RunnerHarness();
        h.Server.SeedKeys(200, "alias/mix-", rotationMix: true);
        foreach (var spec in new[] { KeySpec.RSA_3072, KeySpec.RSA_2048 })
            await h.RootKms.CreateKeyAsync(new CreateKeyRequest
            {
                KeySpec = spec, KeyUsage = KeyUsageType.SIGN_VERIFY,
            });
        // Rotation turned on lately for an old key that never rotated (NeverRotated), and a yearly period (PeriodLongerThanPolicy).
        await h.RootKms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = h.KeyIdOf(Kms.KeyReference.Parse("alias/mix-15")), RotationPeriodInDays = 90 });
        await h.RootKms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = h.KeyIdOf(Kms.KeyReference.Parse("alias/mix-8")), RotationPeriodInDays = 365 });
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        var reader = new RotationDueReader(session, h.Context.Gates.For(session.AccountId, session.Region), h.Trail, 90);
        var statuses = new List<KeyStatus>();
        var items = new List<RotationDueItem>();
        await foreach (var outcome in reader.ReadAsync(new RotationDueQuery { All = true, WithinDays = 14 }, CancellationToken.None))
        {
            Assert.Null(outcome.Failure);
            statuses.Add(outcome.Status!);
            if (outcome.Item is not null) items.Add(outcome.Item);
        }
        var now = session.Clock.GetUtcNow();

        Assert.Equal(statuses.Count, reader.Recorded);
        Assert.True(items.Select(i => i.Reason).Distinct().Count() >= 4, "the fleet is mixed: " + string.Join(", ", items.Select(i => i.Reason).Distinct()));

        // GetKeysDueForRotation: the enabled keys whose policy due date falls inside the horizon, with the same date.
        var judged = items.Where(i => i.State == "Enabled" && i.DueDate <= now.AddDays(14)).ToDictionary(i => i.KeyId, i => i.DueDate);
        var stored = h.Store.GetKeysDueForRotation(now, 14).ToDictionary(d => d.Key.KeyId, d => d.RotationDueAtUtc);
        Assert.NotEmpty(judged);
        Assert.Equal(judged.Keys.Order(), stored.Keys.Order());
        foreach (var (keyId, due) in judged) Assert.Equal(due, stored[keyId], TimeSpan.FromMilliseconds(1));

        // KeyComplianceStatus: an enabled key is non-compliant exactly when the cmdlet finds a rotation failure.
        var view = ComplianceView(h.Store.DatabasePath);
        var failing = items.Where(i => NonCompliant.Contains(i.Reason) || i.Reason == RotationDueReason.CannotRotate && i.DaysOverdue >= 0)
            .Select(i => i.KeyId).ToHashSet();
        foreach (var key in statuses.Where(s => s.State == "Enabled"))
            Assert.True(view[key.KeyId] == !failing.Contains(key.KeyId), $"{key.Alias ?? key.KeyId} ({key.KeySpec}): view says compliant={view[key.KeyId]}");
        foreach (var key in statuses.Where(s => s.State != "Enabled"))
            Assert.True(view[key.KeyId], $"{key.Alias} is {key.State}: not a rotation failure");
    }

    private static Dictionary<string, bool> ComplianceView(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT KeyId, IsCompliant FROM KeyComplianceStatus";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<string, bool>();
        while (reader.Read()) rows[reader.GetString(0)] = reader.GetInt64(1) == 1;
        return rows;
    }
}
