using System.Collections.Concurrent;
using BuzzKeyMgmt.Sandbox.Kms;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Sns;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>
/// What one AWS Region holds for the account: its KMS keys (a <see cref="KmsService"/> made on first use), its KMS request
/// quotas and its SNS topics (the default topic "buzzkeymgmt-alerts" from the start).
/// </summary>
internal sealed class RegionServices
{
    private readonly Lazy<KmsService> _kms;

    public RegionServices(string region, string accountId, TimeProvider clock, TimeSpan onDemandRotationDuration,
        ConcurrentQueue<PublishedMessage> messages)
    {
        Region = region;
        _kms = new Lazy<KmsService>(() => new KmsService(accountId, region, clock) { OnDemandRotationDuration = onDemandRotationDuration },
            LazyThreadSafetyMode.ExecutionAndPublication);
        Sns = new SnsService(accountId, region, clock, messages);
    }

    public string Region { get; }
    public KmsService Kms => _kms.Value;
    public KmsQuotas Quotas { get; } = new();
    public SnsService Sns { get; }
}

/// <summary>The Regions a sandbox serves, primary first; every Region's SNS messages go to one list, in order.</summary>
internal sealed class ServedRegions
{
    private readonly Dictionary<string, RegionServices> _byName = new(StringComparer.Ordinal);

    public ServedRegions(IEnumerable<string> regions, string accountId, TimeProvider clock, TimeSpan onDemandRotationDuration)
    {
        var names = new List<string>();
        foreach (var region in regions)
        {
            if (_byName.ContainsKey(region)) continue;
            _byName[region] = new RegionServices(region, accountId, clock, onDemandRotationDuration, Messages);
            names.Add(region);
        }
        if (names.Count == 0) throw new ArgumentException("At least one Region is required.", nameof(regions));
        Names = names;
        Primary = _byName[names[0]];
    }

    /// <summary>Every served Region's name, primary first.</summary>
    public IReadOnlyList<string> Names { get; }
    public RegionServices Primary { get; }
    public ConcurrentQueue<PublishedMessage> Messages { get; } = new();

    public bool Serves(string region) => _byName.ContainsKey(region);

    /// <summary>The Region's services; the caller has checked <see cref="Serves"/> (the SigV4 verifier does for requests).</summary>
    public RegionServices this[string region] => _byName[region];

    /// <summary>The Region's services, or ArgumentException naming the served Regions.</summary>
    public RegionServices Require(string region, string paramName) =>
        region is not null && _byName.TryGetValue(region, out var r) ? r
            : throw new ArgumentException($"The sandbox does not serve Region '{region}'. Regions: {string.Join(", ", Names)}.", paramName);
}
