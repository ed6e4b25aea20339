using System.Globalization;

namespace BuzzKeyMgmt.Engine.Reporting;

/// <summary>One bar of the rotation-age chart: keys whose current material is <see cref="MinDays"/> to
/// <see cref="MaxDays"/> days old (both inclusive; MaxDays null: older than MinDays - 1; both null: never rotated).</summary>
internal sealed record RotationAgeBucket(string Label, int? MinDays, int? MaxDays, int Count)
{
    public bool Never => MinDays is null;

    /// <summary>True when every key in the bucket is older than the policy's period.</summary>
    public bool BeyondPolicy(int policyDays) => MinDays is { } min && min > policyDays;
}

/// <summary>
/// Groups keys by days since the last rotation of their material: 0-30, 31-60, 61-90, 91-180, 181-365, &gt;365 and never.
/// The policy's period is always a bucket edge (it is added when it is not one of those), so the chart's policy line falls
/// between two bars and every bar right of it holds only keys older than the policy allows.
/// </summary>
internal static class RotationAgeBuckets
{
    private static readonly int[] StandardEdges = [30, 60, 90, 180, 365];

    public static IReadOnlyList<int> Edges(int policyDays)
    {
        var edges = new SortedSet<int>(StandardEdges);
        if (policyDays > 0)
            edges.Add(policyDays);
        return [.. edges];
    }

    /// <summary>Days since the key's material was last rotated; null when it never was (the "never" bar).</summary>
    public static int? AgeDays(ReportKey key, DateTimeOffset generatedAt)
    {
        if (key.LastRotationDate is not { } last)
            return null;
        var days = key.DaysSinceRotation ?? (int)Math.Floor((generatedAt - last).TotalDays);
        return Math.Max(0, days);
    }

    public static IReadOnlyList<RotationAgeBucket> Of(IEnumerable<ReportKey> keys, int policyDays, DateTimeOffset generatedAt)
    {
        var edges = Edges(policyDays);
        var counts = new int[edges.Count + 2]; // one per edge, one beyond the last edge, one for never
        foreach (var key in keys)
        {
            var age = AgeDays(key, generatedAt);
            if (age is not { } days)
            {
                counts[^1]++;
                continue;
            }
            var i = 0;
            while (i < edges.Count && days > edges[i])
                i++;
            counts[i]++;
        }

        var buckets = new List<RotationAgeBucket>(counts.Length);
        var lower = 0;
        for (var i = 0; i < edges.Count; i++)
        {
            buckets.Add(new RotationAgeBucket(
                string.Create(CultureInfo.InvariantCulture, $"{lower}-{edges[i]}"), lower, edges[i], counts[i]));
            lower = edges[i] + 1;
        }
        buckets.Add(new RotationAgeBucket(string.Create(CultureInfo.InvariantCulture, $">{edges[^1]}"), lower, null, counts[edges.Count]));
        buckets.Add(new RotationAgeBucket("never", null, null, counts[^1]));
        return buckets;
    }
}
