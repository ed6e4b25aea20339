using System.Text.Json;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Drills;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Tests.Operations;
using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Engine.Tests.Drills;

/// <summary>A drill stopped (Ctrl+C) as each of its steps begins, or failing part-way, still retires its key, records what
/// happened and says what it could not clean.</summary>
public sealed class DrillStopTests
{
    /// <summary>Cancels the drill when the step named begins (the drill reports each step's start as progress).</summary>
    private sealed class StopAt(string step, CancellationTokenSource stop) : IEngineEvents
    {
        public void Step(string message) { }
        public void Warning(string message) { }
        public void Progress(ProgressReport report)
        {
            if (report.Status.EndsWith(": " + step, StringComparison.Ordinal)) stop.Cancel();
        }
    }

    [Theory]
    [InlineData("create-key")]
    [InlineData("encrypt-probe")]
    [InlineData("revoke/revoke")]
    [InlineData("revoke/prove-revoked")]
    [InlineData("revoke/request-recovery")]
    [InlineData("revoke/approvals")]
    [InlineData("revoke/restore")]
    [InlineData("revoke/prove-restored")]
    public async Task A_stop_at_any_step_is_recorded_and_the_drill_key_is_retired(string step)
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var stop = new CancellationTokenSource();
        var events = new StopAt(step, stop);
        using var drill = new RevocationDrill(h.Context, events, s => h.Runner(s, events));

        var report = await drill.RunAsync(session, new DrillPlan { Scenario = DrillScenario.Revoke }, stop.Token);

        Assert.Equal(DrillStatus.Stopped, report.Status);
        Assert.Equal(step, report.FailedStep);
        Assert.Equal("Stopped", report.Steps.Single(s => s.Name == step).Status);
        Assert.Empty(report.NotCleaned);
        var history = DrillRecords.History(h.Trail, "sandbox").Single(d => d.DrillId == report.DrillId);
        Assert.Equal(DrillStatus.Stopped, history.Status);
        if (step == "create-key")
        {
            Assert.Null(report.KeyId);   // stopped before CreateKey was sent: no key to retire
            Assert.DoesNotContain((await h.RootKms.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => a.AliasName == report.Alias);
            return;
        }
        Assert.Equal("Passed", report.Steps.Single(s => s.Name == "cleanup").Status);
        Assert.Equal("PendingDeletion", h.RootKms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = report.KeyId }).Result.KeyMetadata.KeyState.Value);
        Assert.DoesNotContain((await h.RootKms.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => a.AliasName == report.Alias);
        var cancelled = h.RowsFor(report.KeyId!).Where(r => r.Operation == AuditOperations.Drill && r.Phase == AuditPhase.Completed)
            .Single(r => JsonDocument.Parse(r.Details!).RootElement.GetProperty("details").GetProperty("step").GetString() == step);
        Assert.Equal(AuditOutcome.Cancelled, cancelled.Outcome);
    }

    [Fact]
    public async Task A_clean_up_that_cannot_finish_says_what_is_left_and_how_to_finish_it()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        h.Server.Faults.Add(FaultRule.Times("KMS.DeleteAlias", FaultKind.InternalError, 20));
        using var drill = new RevocationDrill(h.Context, null, s => h.Runner(s));

        var report = await drill.RunAsync(session, new DrillPlan { Scenario = DrillScenario.Revoke }, CancellationToken.None);

        Assert.Equal(DrillStatus.Failed, report.Status);
        var left = Assert.Single(report.NotCleaned);
        Assert.Contains($"aws kms delete-alias --alias-name {report.Alias}", left);
        Assert.Equal("Failed", report.Steps.Single(s => s.Name == "cleanup").Status);
        Assert.Equal("PendingDeletion", h.RootKms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = report.KeyId }).Result.KeyMetadata.KeyState.Value);
    }

    [Fact]
    public async Task Ids_the_policy_refuses_stop_the_drill_before_any_key_is_created()
    {
        using var h = new RunnerHarness();
        var session = await h.ConnectAsync(KeyMgmtRole.Admin);
        using var drill = new RevocationDrill(h.Context, null, s => h.Runner(s));
        var keysBefore = (await h.RootKms.ListKeysAsync(new ListKeysRequest())).Keys.Count;

        var ex = await Assert.ThrowsAsync<KeyMgmtException>(() =>
            drill.RunAsync(session, new DrillPlan { IncidentId = "INC-2026-0042\n" }, CancellationToken.None));

        Assert.Equal("IncidentIdInvalid", ex.ErrorId);
        Assert.Equal(keysBefore, (await h.RootKms.ListKeysAsync(new ListKeysRequest())).Keys.Count);
        Assert.Empty(DrillRecords.History(h.Trail, null));
    }
}
