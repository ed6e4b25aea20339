using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Events;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>
/// Records keys as read from KMS in the audit store's KeyStatus table, in batches of <see cref="BatchSize"/> (one
/// transaction each), so GetKeysDueForRotation and the KeyComplianceStatus view answer from the latest read. A store
/// that cannot be written is one warning, never a failure of the read. AWS managed keys are not recorded.
/// </summary>
public sealed class KeyStatusRecorder(AuditTrail? trail, IEngineEvents events, DateTimeOffset now)
{
    public const int BatchSize = 500;
    private readonly List<KeyStatusRecord> _batch = new(BatchSize);
    private bool _failed;

    /// <summary>How many keys were recorded.</summary>
    public int Recorded { get; private set; }

    public void Add(KeyStatus status)
    {
        if (status.KeyManager == "AWS") return;
        _batch.Add(From(status, now));
        if (_batch.Count >= BatchSize) Flush();
    }

    public void Flush()
    {
        if (_batch.Count == 0 || trail is null || _failed)
        {
            _batch.Clear();
            return;
        }
        try
        {
            trail.Use(store => { store.UpsertKeyStatuses(_batch); return 0; });
            Recorded += _batch.Count;
            events.Step($"Recorded {_batch.Count} key(s) in the audit store's KeyStatus table.");
        }
        catch (AuditStoreException ex)
        {
            _failed = true;
            events.Warning($"The key status could not be recorded in the audit store ({ex.Message}); the check itself is complete, " +
                           "but GetKeysDueForRotation and KeyComplianceStatus will not reflect this run.");
        }
        _batch.Clear();
    }

    /// <summary>The audit store's KeyStatus row for a key as read from KMS.</summary>
    public static KeyStatusRecord From(KeyStatus status, DateTimeOffset now) => new()
    {
        KeyId = status.KeyId, KeyArn = status.Arn, Alias = status.Alias, Environment = status.Environment, KeyState = status.State,
        KeySpec = status.KeySpec, KeyUsage = status.KeyUsage, RotationEnabled = status.RotationEnabled == true,
        RotationPeriodDays = status.RotationPeriodDays, CreatedAtUtc = status.CreationDate,
        LastRotatedAtUtc = status.LastRotationDerived ? null : status.LastRotationDate, DeletionDateUtc = status.DeletionDate, UpdatedAtUtc = now,
    };
}
