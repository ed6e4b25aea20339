using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Operations.Revocation;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Status;
using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Engine.Tests.Operations;

/// <summary>Throttling that ends well, against the sandbox's Throttling fault: a revocation keeps retrying within its
/// budget until the key is revoked, and a fleet read afterwards is not failed by what the throttling left behind.</summary>
public sealed class ThrottlingRunTests
{
    private static Revocation Revoke(Kms.KeyReference key) => new(new RevocationRequest(key, "INC-2026-0042", "throttling test"));

    [Fact]
    public async Task Ten_throttled_DisableKeys_in_a_row_still_end_with_the_key_revoked_and_one_audit_pair()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Emergency);
        var key = h.NewKey();
        var rule = h.Server.Faults.Add(FaultRule.Times("KMS.DisableKey", FaultKind.Throttling, 10));
        var events = new EngineEventQueue();
        using var runner = h.Runner(session, events);

        var result = await runner.RunAsync(Revoke(key), CancellationToken.None);

        Assert.Equal(10, rule.Applied);
        Assert.Equal(("Disabled", true), (result.State, result.Verified));
        Assert.Equal("Disabled", h.StateOf(key));
        var rows = h.RowsFor(h.KeyIdOf(key));
        Assert.Equal(2, rows.Count);
        Assert.Equal(BuzzKeyMgmt.Engine.Audit.AuditOutcome.Succeeded, rows[1].Outcome);
        // Each throttled retry is detail for -Debug (issue 14, point 7); the step itself is one -Verbose line.
        var all = events.TakeAll();
        // Ten throttled answers: each one retried, by the SDK inside a call or by the run's throttling budget between calls.
        Assert.Equal(10, all.Count(e => e.Kind == EngineEventKind.Debug && (e.Message!.StartsWith("DisableKey was throttled", StringComparison.Ordinal)
                                                                             || e.Message.StartsWith("DisableKey: the AWS SDK retries", StringComparison.Ordinal))));
        Assert.Contains(all, e => e.Kind == EngineEventKind.Debug && e.Message!.StartsWith("DisableKey was throttled", StringComparison.Ordinal));
        Assert.Contains(all, e => e.Kind == EngineEventKind.Debug && e.Message!.StartsWith("DisableKey: the AWS SDK retries", StringComparison.Ordinal));
        Assert.DoesNotContain(all, e => e.Kind == EngineEventKind.Step && e.Message!.Contains("throttled", StringComparison.Ordinal));
        Assert.Single(all, e => e.Kind == EngineEventKind.Step && e.Message!.StartsWith("DisableKey answered (request id ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Under_throttling_at_one_call_in_two_every_key_ends_revoked_and_the_next_fleet_read_has_no_failure()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Emergency);
        var keys = Enumerable.Range(0, 8).Select(_ => h.NewKey()).ToList();
        var rule = h.Server.Faults.Add(FaultRule.WithProbability("*", FaultKind.Throttling, 0.5));
        using (var runner = h.Runner(session))
        {
            foreach (var key in keys)
            {
                var result = await runner.RunAsync(Revoke(key), CancellationToken.None);
                Assert.Equal("Disabled", result.State);
            }
        }
        Assert.True(rule.Applied > 0, "the fault never hit: the test proves nothing");
        h.Server.Faults.Clear();

        var reader = new KeyStatusReader(session, h.Context.Gates.For(session.AccountId, session.Region));
        var outcomes = new List<KeyStatusOutcome>();
        await foreach (var outcome in reader.ReadAsync(new KeyStatusQuery { All = true }, CancellationToken.None)) outcomes.Add(outcome);

        Assert.Empty(outcomes.Where(o => o.Failure is not null).Select(o => $"{o.Target}: {o.Failure!.ErrorId} {o.Failure.Message}"));
        Assert.Equal(keys.Count, outcomes.Count(o => o.Status?.State == "Disabled"));
        Assert.All(keys, k => Assert.Equal("Disabled", h.StateOf(k)));
    }

    [Fact]
    public async Task Throttling_beyond_the_budget_fails_as_Throttled_with_advice_in_Revoke_EncryptionKeys_terms_and_the_key_as_it_is()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Emergency);
        var key = h.NewKey();
        h.Server.Faults.Add(FaultRule.WithProbability("KMS.DisableKey", FaultKind.Throttling, 1.0));
        using var runner = new OperationRunner(h.Context, session, null, h.Trail, h.Outbox) { EmergencyThrottleBudget = TimeSpan.FromSeconds(1) };

        var failed = await Assert.ThrowsAsync<OperationFailedException>(() => runner.RunAsync(Revoke(key), CancellationToken.None));

        Assert.Equal("Throttled", failed.ErrorId);
        Assert.Contains("kept throttling DisableKey", failed.Message);
        Assert.Contains("Revoke-EncryptionKey -KeyId alias/", failed.RecommendedAction);
        Assert.DoesNotContain("-ThrottleLimit", failed.RecommendedAction);
        Assert.Equal("Enabled", h.StateOf(key));
        Assert.Equal(BuzzKeyMgmt.Engine.Audit.AuditOutcome.Failed, h.RowsFor(h.KeyIdOf(key))[^1].Outcome);
    }
}
