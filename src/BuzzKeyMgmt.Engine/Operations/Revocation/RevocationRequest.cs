using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Operations.Revocation;

/// <summary>What Revoke-EncryptionKey asks for: which key, for which incident, why, and whether to schedule deletion.</summary>
public sealed record RevocationRequest(
    KeyReference Key,
    string IncidentId,
    string Reason,
    bool ScheduleDeletion = false,
    int? PendingWindowDays = null,
    string? MfaCode = null);

/// <summary>What a revocation did: the key's state before and after, whether the new state was read back, the
/// deletion date when scheduled, the audit row, the alert, how long it took, and whether the audit was journaled.</summary>
public sealed class RevocationResult : Audit.Anchoring.IAuditAnchored
{
    private FlatList<string> _warnings = FlatList<string>.Empty;
    private FlatMap<long> _steps = FlatMap<long>.Empty;

    public required string KeyId { get; init; }
    public string? Alias { get; init; }
    public required string Environment { get; init; }
    public required string IncidentId { get; init; }
    public required string PreviousState { get; init; }
    public required string State { get; init; }
    public bool Verified { get; init; }
    public bool AlreadyRevoked { get; init; }
    public DateTimeOffset? DeletionDate { get; init; }
    /// <summary>The Completed audit row.</summary>
    public Guid AuditId { get; init; }

    /// <summary>The alert's own id: named by the Completed audit row (its AlertMessageId column) and carried in the SNS
    /// message body as alertId; null when the environment has no alert topic.</summary>
    public string? AlertId { get; init; }

    /// <summary>SNS's MessageId, once published.</summary>
    public string? AlertMessageId { get; init; }

    /// <summary>Published, Queued (SNS failed: in the outbox, retried by Sync-KeyAuditJournal), Lost, or NoTopic.</summary>
    public string AlertDelivery { get; init; } = "NoTopic";

    /// <summary>What the operator should know: audit journaled, alert queued.</summary>
    public IReadOnlyList<string> Warnings { get => _warnings; init => _warnings = FlatList<string>.Of(value); }
    /// <summary>How long the operation took, in milliseconds (a number in CSV and JSON).</summary>
    public long DurationMs { get; init; }
    public bool Journaled { get; init; }
    public IReadOnlyDictionary<string, long> StepMilliseconds { get => _steps; init => _steps = FlatMap<long>.Of(value); }

    /// <summary>The audit chain head this operation's Completed row reached (Sequence, RowHash); null when it was journaled.</summary>
    public Audit.Anchoring.AuditChainHead? ChainHead { get; private set; }

    /// <summary>The signed chain digest covering <see cref="ChainHead"/>, kept outside the audit store; null when none was written.</summary>
    public Audit.Anchoring.AuditDigest? Digest { get; private set; }

    void Audit.Anchoring.IAuditAnchored.Anchor(Audit.Anchoring.AuditChainHead? chainHead, Audit.Anchoring.AuditDigest? digest)
    {
        ChainHead = chainHead;
        Digest = digest;
    }

    public override string ToString() => $"{Alias ?? KeyId}: {PreviousState} -> {State}";
}
