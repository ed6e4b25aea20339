using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>Which keys Get-KeyStatus reads: named keys, alias patterns (wildcards), or the whole fleet.</summary>
public sealed record KeyStatusQuery
{
    public IReadOnlyList<KeyReference> Keys { get; init; } = Array.Empty<KeyReference>();
    public IReadOnlyList<string> AliasPatterns { get; init; } = Array.Empty<string>();
    public bool All { get; init; }
    public bool IncludeAwsManaged { get; init; }
    public bool IncludeRotationHistory { get; init; }

    /// <summary>Read each key's tags (ListResourceTags); rotation checks do without them.</summary>
    public bool IncludeTags { get; init; } = true;
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    public const int DefaultThrottleLimit = 48;
}

/// <summary>One key's result: its status, or why it could not be read. Index orders output like the input.</summary>
public sealed record KeyStatusOutcome(int Index, string Target, KeyStatus? Status, KeyMgmtException? Failure);
