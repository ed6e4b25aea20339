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
    private readonly Func<string, string, IReadOnlyDictionary<string, double>?>? _raised;

    /// <param name="quotas">The quotas every account-Region is paced to (AWS's defaults when null).</param>
    /// <param name="raised">The quotas AWS raised for an account-Region (an environment's <c>kmsQuotas</c>), laid over those.</param>
    public QuotaGateRegistry(IReadOnlyDictionary<string, double>? quotas = null, Func<string, string, IReadOnlyDictionary<string, double>?>? raised = null)
    {
        _quotas = quotas;
        _raised = raised;
    }

    public KmsQuotaGates For(string accountId, string region) =>
        _gates.GetOrAdd((accountId, region.ToLowerInvariant()), key => new KmsQuotaGates(QuotasOf(key.Account, key.Region)));

    private IReadOnlyDictionary<string, double>? QuotasOf(string accountId, string region)
    {
        if (_raised?.Invoke(accountId, region) is not { Count: > 0 } raised) return _quotas;
        var merged = new Dictionary<string, double>(_quotas ?? KmsQuotaGates.DefaultQuotas, StringComparer.Ordinal);
        foreach (var (operation, rate) in raised) merged[operation] = rate;
        return merged;
    }

    /// <summary>How many account-Regions have gates so far.</summary>
    public int Count => _gates.Count;
}
