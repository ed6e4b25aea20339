using System.Collections.Concurrent;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Context;

/// <summary>
/// KMS request quotas are per account and Region, so pacing is too: every operation and fleet read of one context that
/// works in the same account-Region waits at the same <see cref="KmsQuotaGates"/>. Gates are per context (runspace):
/// several runspaces or processes working one account-Region each pace themselves to the whole quota, and the SDK's
/// retries absorb the excess (throttled calls are retried with backoff and jitter); give each a lower -ThrottleLimit
/// when they run side by side for long.
/// </summary>
public sealed class QuotaGateRegistry
{
    private readonly ConcurrentDictionary<(string Account, string Region), KmsQuotaGates> _gates = new();
    private readonly IReadOnlyDictionary<string, double>? _quotas;

    public QuotaGateRegistry(IReadOnlyDictionary<string, double>? quotas = null) => _quotas = quotas;

    public KmsQuotaGates For(string accountId, string region) =>
        _gates.GetOrAdd((accountId, region.ToLowerInvariant()), _ => new KmsQuotaGates(_quotas));

    /// <summary>How many account-Regions have gates so far.</summary>
    public int Count => _gates.Count;
}
