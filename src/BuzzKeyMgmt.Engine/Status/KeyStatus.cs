using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>What Get-KeyStatus reports about one key. Immutable; pipes into the action cmdlets by KeyId.</summary>
public sealed class KeyStatus
{
    private FlatList<string> _aliases = FlatList<string>.Empty;
    private FlatMap<string> _tags = FlatMap<string>.Empty;

    public required string KeyId { get; init; }
    public required string Arn { get; init; }
    public IReadOnlyList<string> Aliases { get => _aliases; init => _aliases = FlatList<string>.Of(value); }
    public string? Description { get; init; }
    public required string State { get; init; }
    public bool Enabled { get; init; }
    public string? KeySpec { get; init; }
    public string? KeyUsage { get; init; }
    public string? Origin { get; init; }
    public string? KeyManager { get; init; }
    public DateTimeOffset? CreationDate { get; init; }
    public bool? RotationEnabled { get; init; }
    public int? RotationPeriodDays { get; init; }
    public DateTimeOffset? NextRotationDate { get; init; }

    /// <summary>From the rotation history when it was asked for (-IncludeRotationHistory); otherwise derived as
    /// NextRotationDate minus the period when that falls after the key's creation (see <see cref="LastRotationDerived"/>).</summary>
    public DateTimeOffset? LastRotationDate { get; init; }

    /// <summary>True when <see cref="LastRotationDate"/> was derived rather than read from ListKeyRotations.</summary>
    public bool LastRotationDerived { get; init; }

    public DateTimeOffset? DeletionDate { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get => _tags; init => _tags = FlatMap<string>.Of(value); }
    public required string Environment { get; init; }

    /// <summary>The account the key is in (from its ARN).</summary>
    public string? AccountId => ArnParts.Account(Arn);

    /// <summary>The Region the key is in (from its ARN).</summary>
    public string? Region => ArnParts.Region(Arn);

    /// <summary>The first alias, for tables.</summary>
    public string? Alias => Aliases.Count > 0 ? Aliases[0] : null;

    public override string ToString() => Alias ?? KeyId;
}
