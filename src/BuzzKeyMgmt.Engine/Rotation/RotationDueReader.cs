using System.Runtime.CompilerServices;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Rotation;

/// <summary>What Get-KeyRotationDue asks for: which keys, and the horizon in days.</summary>
public sealed record RotationDueQuery
{
    public IReadOnlyList<KeyReference> Keys { get; init; } = [];
    public IReadOnlyList<string> AliasPatterns { get; init; } = [];
    public bool All { get; init; }
    public bool IncludeAwsManaged { get; init; }
    public int WithinDays { get; init; }
    public int ThrottleLimit { get; init; } = KeyStatusQuery.DefaultThrottleLimit;
}

/// <summary>One key's outcome: the item to list (null when nothing is due), or why the key could not be read.</summary>
public sealed record RotationDueOutcome(string Target, KeyStatus? Status, RotationDueItem? Item, KeyMgmtException? Failure);

/// <summary>
/// Reads the keys on the fleet path (bounded concurrency at the account-Region's quota gates, progress, Ctrl+C) with
/// their rotation status and history (ListKeyRotations, 100/s: the slowest quota of the read), judges each with
/// <see cref="RotationEvaluator"/>, and records what it read in the audit store's KeyStatus table
/// (<see cref="KeyStatusRecorder"/>), also when the caller stops early.
/// </summary>
public sealed class RotationDueReader(KeyMgmtSession session, KmsQuotaGates gates, AuditTrail? trail, int policyDays)
{
    public IEngineEvents Events { get; init; } = NullEngineEvents.Instance;

    /// <summary>How many keys were recorded in the store.</summary>
    public int Recorded { get; private set; }

    public async IAsyncEnumerable<RotationDueOutcome> ReadAsync(RotationDueQuery query, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var now = session.Clock.GetUtcNow();
        var reader = new KeyStatusReader(session, gates) { Events = Events };
        var statusQuery = new KeyStatusQuery
        {
            Keys = query.Keys, AliasPatterns = query.AliasPatterns, All = query.All, IncludeAwsManaged = query.IncludeAwsManaged,
            IncludeRotationHistory = true, IncludeTags = false, ThrottleLimit = query.ThrottleLimit,
        };
        var recorder = new KeyStatusRecorder(trail, Events, now);
        try
        {
            await foreach (var outcome in reader.ReadAsync(statusQuery, cancellation).ConfigureAwait(false))
            {
                if (outcome.Status is not { } status)
                {
                    yield return new RotationDueOutcome(outcome.Target, null, null, outcome.Failure);
                    continue;
                }
                recorder.Add(status);
                yield return new RotationDueOutcome(outcome.Target, status, RotationEvaluator.Evaluate(status, policyDays, now, query.WithinDays), null);
            }
        }
        finally
        {
            recorder.Flush();   // what was read is recorded, also when the caller stopped early
            Recorded = recorder.Recorded;
        }
    }
}
