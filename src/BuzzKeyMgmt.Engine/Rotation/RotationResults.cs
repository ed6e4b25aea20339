namespace BuzzKeyMgmt.Engine.Rotation;

/// <summary>What Set-KeyRotationPolicy did to one key: automatic rotation before and after, read back.</summary>
public sealed class RotationPolicyResult : Audit.Anchoring.IAuditAnchored
{
    private FlatList<string> _warnings = FlatList<string>.Empty;

    public required string KeyId { get; init; }
    public string? Alias { get; init; }
    public required string Environment { get; init; }
    public bool PreviousRotationEnabled { get; init; }
    public int? PreviousRotationPeriodDays { get; init; }
    public bool RotationEnabled { get; init; }
    public int? RotationPeriodDays { get; init; }
    public DateTimeOffset? NextRotationDate { get; init; }

    /// <summary>False when the key already rotated as asked (nothing was sent; audited as such).</summary>
    public bool Changed { get; init; }
    public bool Verified { get; init; }
    public Guid AuditId { get; init; }
    public bool Journaled { get; init; }
    public IReadOnlyList<string> Warnings { get => _warnings; init => _warnings = FlatList<string>.Of(value); }
    /// <summary>How long the operation took, in milliseconds (a number in CSV and JSON).</summary>
    public long DurationMs { get; init; }

    /// <summary>The audit chain head this operation's Completed row reached (Sequence, RowHash); null when it was journaled.</summary>
    public Audit.Anchoring.AuditChainHead? ChainHead { get; private set; }

    /// <summary>The signed chain digest covering <see cref="ChainHead"/>, kept outside the audit store; null when none was written.</summary>
    public Audit.Anchoring.AuditDigest? Digest { get; private set; }

    void Audit.Anchoring.IAuditAnchored.Anchor(Audit.Anchoring.AuditChainHead? chainHead, Audit.Anchoring.AuditDigest? digest)
    {
        ChainHead = chainHead;
        Digest = digest;
    }

    public override string ToString() => $"{Alias ?? KeyId}: rotation {(RotationEnabled ? $"every {RotationPeriodDays} days" : "off")}";
}

/// <summary>What Invoke-KeyRotation did to one key: the on-demand rotation KMS accepted, running or done.</summary>
public sealed class RotationResult : Audit.Anchoring.IAuditAnchored
{
    private FlatList<string> _warnings = FlatList<string>.Empty;

    public required string KeyId { get; init; }
    public string? Alias { get; init; }
    public required string Environment { get; init; }

    /// <summary>"InProgress" (KMS reports the rotation started: on-demand rotation is asynchronous) or "Completed" (the new
    /// key material is listed by ListKeyRotations).</summary>
    public required string RotationState { get; init; }
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>The ON_DEMAND rotation's date once listed.</summary>
    public DateTimeOffset? RotationDate { get; init; }

    /// <summary>The newest rotation before this one (null: the key had never been rotated).</summary>
    public DateTimeOffset? PreviousRotationDate { get; init; }
    public bool Verified { get; init; }
    public Guid AuditId { get; init; }
    public bool Journaled { get; init; }
    public IReadOnlyList<string> Warnings { get => _warnings; init => _warnings = FlatList<string>.Of(value); }
    /// <summary>How long the operation took, in milliseconds (a number in CSV and JSON).</summary>
    public long DurationMs { get; init; }

    /// <summary>The audit chain head this operation's Completed row reached (Sequence, RowHash); null when it was journaled.</summary>
    public Audit.Anchoring.AuditChainHead? ChainHead { get; private set; }

    /// <summary>The signed chain digest covering <see cref="ChainHead"/>, kept outside the audit store; null when none was written.</summary>
    public Audit.Anchoring.AuditDigest? Digest { get; private set; }

    void Audit.Anchoring.IAuditAnchored.Anchor(Audit.Anchoring.AuditChainHead? chainHead, Audit.Anchoring.AuditDigest? digest)
    {
        ChainHead = chainHead;
        Digest = digest;
    }

    public override string ToString() => $"{Alias ?? KeyId}: {RotationState}";
}
