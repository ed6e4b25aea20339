using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using BuzzKeyMgmt.Sandbox.Kms;
using BuzzKeyMgmt.Sandbox.Sns;
using BuzzKeyMgmt.Sandbox.Sts;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>
/// How many requests of each kind were routed, by the names fault rules use ("KMS.DescribeKey", "STS.AssumeRole",
/// "SNS.Publish", "IAM.GetRole"). A request is counted once its signature is valid and it names a known operation, before faults,
/// latency, quotas and permissions apply, so requests refused after that are counted too; requests refused for their
/// signature, framing, method, action or version are not. Counts are kept for all Regions together and, when the request's
/// Region is given, for that Region too. Lock-free: one box per target, incremented with Interlocked.
/// </summary>
internal sealed class RequestCounter
{
    private static readonly Dictionary<string, IReadOnlySet<string>> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["KMS"] = KmsService.Operations, ["STS"] = StsService.Actions, ["SNS"] = SnsService.Actions,
        ["IAM"] = Iam.IamService.Actions,
    };

    private readonly ConcurrentDictionary<(string Service, string Operation), StrongBox<long>> _counts = new();
    private readonly ConcurrentDictionary<(string Service, string Operation, string Region), StrongBox<long>> _regional = new();

    /// <summary>Counts one request; <paramref name="service"/> is "KMS", "STS", "SNS" or "IAM"; <paramref name="region"/> the
    /// request's signing Region, when it has one.</summary>
    public void Count(string service, string operation, string? region = null)
    {
        if (!_counts.TryGetValue((service, operation), out var box))
            box = _counts.GetOrAdd((service, operation), static _ => new StrongBox<long>());
        Interlocked.Increment(ref box.Value);
        if (region is null) return;
        if (!_regional.TryGetValue((service, operation, region), out var inRegion))
            inRegion = _regional.GetOrAdd((service, operation, region), static _ => new StrongBox<long>());
        Interlocked.Increment(ref inRegion.Value);
    }

    /// <summary>The count for one target such as "KMS.DescribeKey" (service case-insensitive); 0 when none came yet.</summary>
    /// <exception cref="ArgumentException">The target names no operation the sandbox serves (so a typo cannot read as 0).</exception>
    public long Get(string target)
    {
        var (service, operation) = Parse(target);
        return _counts.TryGetValue((service, operation), out var box) ? Interlocked.Read(ref box.Value) : 0;
    }

    /// <summary>The count for one target signed for one Region; 0 when none came yet.</summary>
    /// <exception cref="ArgumentException">The target names no operation the sandbox serves.</exception>
    public long Get(string target, string region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var (service, operation) = Parse(target);
        return _regional.TryGetValue((service, operation, region), out var box) ? Interlocked.Read(ref box.Value) : 0;
    }

    private static (string Service, string Operation) Parse(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        int dot = target.IndexOf('.');
        var service = dot > 0 ? target[..dot].ToUpperInvariant() : "";
        var operation = dot > 0 ? target[(dot + 1)..] : "";
        if (!Known.TryGetValue(service, out var operations) || !operations.Contains(operation))
            throw new ArgumentException($"'{target}' is not a sandbox request target; use SERVICE.Operation, e.g. \"KMS.DescribeKey\", " +
                                        "\"STS.AssumeRole\" or \"SNS.Publish\".", "target");
        return (service, operation);
    }

    /// <summary>A copy of every non-zero count, by target, in name order.</summary>
    public IReadOnlyDictionary<string, long> Snapshot()
    {
        var copy = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var ((service, operation), box) in _counts)
        {
            long n = Interlocked.Read(ref box.Value);
            if (n > 0) copy[service + "." + operation] = n;
        }
        return copy;
    }
}
