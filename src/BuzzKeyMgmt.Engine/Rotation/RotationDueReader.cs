using System.Runtime.CompilerServices;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Rotation;

/// <summary>What Get-KeyRotationDue asks for: which keys, and the horizon in days.</summary>
public sealed record RotationDueQuery
{
    public IReadOnlyList<KeyReference> Keys { get; init; } = [];
    public IReadOnlyList<string> AliasPatterns { get; init; } = [];
    public bool All { get; init; }
    public bool IncludeAwsManaged { get; init; }
    public int WithinDays { get; init; }
    public int ThrottleLimit { get; init; } = KeyStatusQuery.DefaultThrottleLimit;
}

/// <summary>One key's outcome: the item to list (null when nothing is due), or why the key could not be read.</summary>
public sealed record RotationDueOutcome(string Target, KeyStatus? Status, RotationDueItem? Item, KeyMgmtException? Failure);

/// <summary>
/// Reads the keys on the fleet path (bounded concurrency at the account-Region's quota gates, progress, Ctrl+C) with
/// their rotation status and history (ListKeyRotations, 100/s: the slowest quota of the read), judges each with
/// <see cref="RotationEvaluator"/>, and records what it read in the audit store's KeyStatus table in batches (so
/// GetKeysDueForRotation and the KeyComplianceStatus view answer the same). A store that cannot be written is a
/// warning, never a failure of the read. AWS managed keys are not recorded.
/// </summary>
public sealed class RotationDueReader(KeyMgmtSession session, KmsQuotaGates gates, AuditTrail? trail, int policyDays)
{
    public const int BatchSize = 500;

    public IEngineEvents Events { get; init; } = NullEngineEvents.Instance;

    private bool _storeFailed;

    /// <summary>How many keys were recorded in the store.</summary>
    public int Recorded { get; private set; }

    public async IAsyncEnumerable<RotationDueOutcome> ReadAsync(RotationDueQuery query, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var now = session.Clock.GetUtcNow();
        var reader = new KeyStatusReader(session, gates) { Events = Events };
        var statusQuery = new KeyStatusQuery
        {
            Keys = query.Keys, AliasPatterns = query.AliasPatterns, All = query.All, IncludeAwsManaged = query.IncludeAwsManaged,
            IncludeRotationHistory = true, IncludeTags = false, ThrottleLimit = query.ThrottleLimit,
        };
        var batch = new List<KeyStatusRecord>(BatchSize);
        try
        {
            await foreach (var outcome in reader.ReadAsync(statusQuery, cancellation).ConfigureAwait(false))
            {
                if (outcome.Status is not { } status)
                {
                    yield return new RotationDueOutcome(outcome.Target, null, null, outcome.Failure);
                    continue;
                }
                if (status.KeyManager != "AWS") batch.Add(KeyStatusRecords.From(status, now));
                if (batch.Count >= BatchSize) Record(batch);
                yield return new RotationDueOutcome(outcome.Target, status, RotationEvaluator.Evaluate(status, policyDays, now, query.WithinDays), null);
            }
        }
        finally
        {
            Record(batch);   // what was read is recorded, also when the caller stopped early
        }
    }

    private void Record(List<KeyStatusRecord> batch)
    {
        if (batch.Count == 0 || trail is null || _storeFailed) { batch.Clear(); return; }
        try
        {
            trail.Use(store => { store.UpsertKeyStatuses(batch); return 0; });
            Recorded += batch.Count;
            Events.Step($"Recorded {batch.Count} key(s) in the audit store's KeyStatus table.");
        }
        catch (AuditStoreException ex)
        {
            _storeFailed = true;
            Events.Warning($"The key status could not be recorded in the audit store ({ex.Message}); the rotation check itself is complete, " +
                           "but GetKeysDueForRotation and KeyComplianceStatus will not reflect this run.");
        }
        batch.Clear();
    }
}

/// <summary>The audit store's KeyStatus row for a key as read from KMS.</summary>
public static class KeyStatusRecords
{
    public static KeyStatusRecord From(KeyStatus status, DateTimeOffset now) => new()
    {
        KeyId = status.KeyId, KeyArn = status.Arn, Alias = status.Alias, Environment = status.Environment, KeyState = status.State,
        KeySpec = status.KeySpec, KeyUsage = status.KeyUsage, RotationEnabled = status.RotationEnabled == true,
        RotationPeriodDays = status.RotationPeriodDays, CreatedAtUtc = status.CreationDate,
        LastRotatedAtUtc = status.LastRotationDerived ? null : status.LastRotationDate, DeletionDateUtc = status.DeletionDate, UpdatedAtUtc = now,
    };
}
