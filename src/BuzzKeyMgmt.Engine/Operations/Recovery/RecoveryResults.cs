namespace BuzzKeyMgmt.Engine.Operations.Recovery;

/// <summary>What Restore-EncryptionKey did: the checks that passed, the state before and after, the access test.</summary>
public sealed class RecoveryResult : Audit.Anchoring.IAuditAnchored
{
    private FlatList<string> _warnings = FlatList<string>.Empty;
    private FlatMap<long> _steps = FlatMap<long>.Empty;
    private FlatList<string> _approvedBy = FlatList<string>.Empty;

    public required string KeyId { get; init; }
    public string? Alias { get; init; }
    public required string Environment { get; init; }
    public required string ChangeId { get; init; }
    public Guid RequestId { get; init; }
    public IReadOnlyList<string> ApprovedBy { get => _approvedBy; init => _approvedBy = FlatList<string>.Of(value); }
    public required string PreviousState { get; init; }
    public required string State { get; init; }
    public bool DeletionCancelled { get; init; }
    public bool Verified { get; init; }
    public bool AccessTestPassed { get; init; }
    public Guid AuditId { get; init; }

    /// <summary>The alert's own id (named by the Completed audit row; alertId in the SNS message body).</summary>
    public string? AlertId { get; init; }

    /// <summary>SNS's MessageId, once published.</summary>
    public string? AlertMessageId { get; init; }
    public string AlertDelivery { get; init; } = "NoTopic";
    /// <summary>How long the operation took, in milliseconds (a number in CSV and JSON).</summary>
    public long DurationMs { get; init; }
    public bool Journaled { get; init; }

    /// <summary>What the operator should know: the Completed row journaled, the alert queued.</summary>
    public IReadOnlyList<string> Warnings { get => _warnings; init => _warnings = FlatList<string>.Of(value); }
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
}

/// <summary>A GenerateDataKey + Decrypt round trip: the key can protect and reveal data again.</summary>
public sealed class AccessTestResult : Audit.Anchoring.IAuditAnchored
{
    private FlatList<string> _warnings = FlatList<string>.Empty;

    public required string KeyId { get; init; }
    public string? Alias { get; init; }
    public required string Environment { get; init; }
    public bool Passed { get; init; }
    public long GenerateDataKeyMs { get; init; }
    public long DecryptMs { get; init; }
    public Guid AuditId { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<string> Warnings { get => _warnings; init => _warnings = FlatList<string>.Of(value); }

    /// <summary>The audit chain head this operation's Completed row reached (Sequence, RowHash); null when it was journaled.</summary>
    public Audit.Anchoring.AuditChainHead? ChainHead { get; private set; }

    /// <summary>The signed chain digest covering <see cref="ChainHead"/>, kept outside the audit store; null when none was written.</summary>
    public Audit.Anchoring.AuditDigest? Digest { get; private set; }

    void Audit.Anchoring.IAuditAnchored.Anchor(Audit.Anchoring.AuditChainHead? chainHead, Audit.Anchoring.AuditDigest? digest)
    {
        ChainHead = chainHead;
        Digest = digest;
    }
}
