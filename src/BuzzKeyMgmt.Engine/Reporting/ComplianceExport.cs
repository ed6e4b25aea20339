using BuzzKeyMgmt.Engine.Compliance;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Policy;

namespace BuzzKeyMgmt.Engine.Reporting;

/// <summary>Gathers a <see cref="ComplianceReport"/>: every finding of the keys asked for (read with their tags) and of the
/// audit store, the keys with the age of their material, the chain's state and the recent emergency operations.
/// Keys that cannot be read are reported through <paramref name="failed"/> and left out.</summary>
public static class ComplianceExport
{
    public static async Task<ComplianceReport> GatherAsync(ComplianceAssessor assessor, KeyMgmtSession session, PolicySettings policy,
        ComplianceQuery query, Action<ComplianceOutcome> failed, CancellationToken cancellation)
    {
        var findings = new List<ComplianceFinding>();
        var keys = new List<ReportKey>();
        await foreach (var outcome in assessor.AssessKeysAsync(query with { IncludeTags = true }, cancellation).ConfigureAwait(false))
        {
            if (outcome.Key is not { } key)
            {
                failed(outcome);
                continue;
            }
            findings.AddRange(outcome.Findings);
            var since = key.LastRotationDate;
            keys.Add(new ReportKey(key.KeyId, key.Alias, key.State, key.Description, key.KeySpec, since,
                since is { } at ? (int)Math.Floor((assessor.Now - at).TotalDays) : null, key.Tags));
        }
        findings.AddRange(assessor.AssessStore(out var chain, out var problem));
        return new ComplianceReport
        {
            GeneratedAt = assessor.Now, Environment = session.Environment, AccountId = session.AccountId, Region = session.Region,
            Policy = policy, Summary = ComplianceSummary.Of(session.Environment, assessor.Now, findings), Findings = findings, Keys = keys,
            Chain = chain, ChainProblem = problem, RecentEmergencyOperations = assessor.RecentEmergencyOperations(), GeneratedBy = session.CallerArn,
        };
    }
}
