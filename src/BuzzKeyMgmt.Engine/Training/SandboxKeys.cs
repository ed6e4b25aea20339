namespace BuzzKeyMgmt.Engine.Training;

/// <summary>What Add-KeyMgmtSandboxKey created: how many keys, where, and each key's id and alias in order. Its text is
/// the count, so <c>"$(Add-KeyMgmtSandboxKey 10) keys"</c> reads as before; scripts use <see cref="Count"/>.</summary>
public sealed class SandboxKeys
{
    public SandboxKeys(string region, string aliasPrefix, string mix, IReadOnlyList<(string KeyId, string Alias)> keys)
    {
        Region = region;
        AliasPrefix = aliasPrefix;
        Mix = mix;
        KeyIds = FlatList<string>.Of(keys.Select(k => k.KeyId));
        Aliases = FlatList<string>.Of(keys.Select(k => k.Alias));
    }

    public int Count => KeyIds.Count;
    public string Region { get; }
    public string AliasPrefix { get; }

    /// <summary>Plain, RotationMix or FleetMix.</summary>
    public string Mix { get; }
    public IReadOnlyList<string> KeyIds { get; }
    public IReadOnlyList<string> Aliases { get; }

    public override string ToString() => Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
