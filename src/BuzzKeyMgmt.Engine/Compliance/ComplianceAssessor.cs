using System.Runtime.CompilerServices;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Policy;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Compliance;

/// <summary>Which keys Get-KeyCompliance judges.</summary>
public sealed record ComplianceQuery
{
    public IReadOnlyList<KeyReference> Keys { get; init; } = [];
    public IReadOnlyList<string> AliasPatterns { get; init; } = [];
    public bool All { get; init; }
    public bool IncludeAwsManaged { get; init; }
    public int ThrottleLimit { get; init; } = KeyStatusQuery.DefaultThrottleLimit;

    /// <summary>Read tags too (the HTML report shows them).</summary>
    public bool IncludeTags { get; init; }
}

/// <summary>One key's findings, or why it could not be read.</summary>
public sealed record ComplianceOutcome(string Target, KeyStatus? Key, IReadOnlyList<ComplianceFinding> Findings, KeyMgmtException? Failure);

/// <summary>
/// Get-KeyCompliance's engine: reads the keys on the fleet path with their rotation history, judges each with
/// <see cref="KeyChecks"/> against the policy and the audit log's revocation records (read once), records what it read
/// in the KeyStatus table, and judges the audit store itself with <see cref="StoreChecks"/>.
/// </summary>
public sealed class ComplianceAssessor(KeyMgmtSession session, KmsQuotaGates gates, AuditTrail trail, PolicySettings policy)
{
    public IEngineEvents Events { get; init; } = NullEngineEvents.Instance;

    public DateTimeOffset Now { get; } = session.Clock.GetUtcNow();

    public async IAsyncEnumerable<ComplianceOutcome> AssessKeysAsync(ComplianceQuery query, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var records = Revocations();
        var reader = new KeyStatusReader(session, gates) { Events = Events };
        var statusQuery = new KeyStatusQuery
        {
            Keys = query.Keys, AliasPatterns = query.AliasPatterns, All = query.All, IncludeAwsManaged = query.IncludeAwsManaged,
            IncludeRotationHistory = true, IncludeTags = query.IncludeTags, ThrottleLimit = query.ThrottleLimit,
        };
        var recorder = new KeyStatusRecorder(trail, Events, Now);
        try
        {
            await foreach (var outcome in reader.ReadAsync(statusQuery, cancellation).ConfigureAwait(false))
            {
                if (outcome.Status is not { } key)
                {
                    yield return new ComplianceOutcome(outcome.Target, null, [], outcome.Failure);
                    continue;
                }
                recorder.Add(key);
                yield return new ComplianceOutcome(outcome.Target, key, KeyChecks.Evaluate(key, policy, Now, records), null);
            }
        }
        finally
        {
            recorder.Flush();
        }
    }

    /// <summary>The store-level findings (chain, unsynced rows and alerts, drills) and the chain's state for a report.</summary>
    public IReadOnlyList<ComplianceFinding> AssessStore(out ChainVerification? chain, out string? chainProblem) =>
        StoreChecks.Evaluate(session.Environment, trail, AlertOutbox.ForEnvironment(session.Environment), Now, out chain, out chainProblem,
            session.AccountId, session.Region);

    /// <summary>The newest emergency operations of the environment (revocations), for the report.</summary>
    public IReadOnlyList<AuditRecord> RecentEmergencyOperations(int last = 50)
    {
        try
        {
            return new[] { AuditOperations.Revoke, AuditOperations.ScheduleDeletion }
                .SelectMany(op => trail.Use(store => store.Query(new AuditQuery { Operation = op, Environment = session.Environment, Last = last })))
                .Where(r => r.Phase == AuditPhase.Completed)
                .OrderByDescending(r => r.OccurredAtUtc).Take(last).ToList();
        }
        catch (AuditStoreException ex)
        {
            Events.Warning($"The recent emergency operations could not be read from the audit store: {ex.Message}");
            return [];
        }
    }

    private RevocationRecords Revocations()
    {
        try
        {
            return StoreChecks.Revocations(trail, session.Environment);
        }
        catch (AuditStoreException ex)
        {
            Events.Warning($"The audit log could not be read ({ex.Message}): disabled and pending-deletion keys are judged without their revocation records.");
            return RevocationRecords.None;
        }
    }
}
