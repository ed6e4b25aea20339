using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Alerts;

/// <summary>Counts the keys of a bulk run (one cmdlet over a pipeline of keys) and sends its one summary alert when the
/// run covered more than one key.</summary>
public sealed class BulkRunSummary(string operation)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public string Operation { get; } = operation;

    /// <summary>Keys that needed no change (already revoked, already enabled, policy already as asked); counted in
    /// <see cref="Succeeded"/> too.</summary>
    public int Already { get; private set; }
    public int Succeeded { get; private set; }
    public int Failed { get; private set; }
    public int Skipped { get; private set; }
    public int Keys => Succeeded + Failed + Skipped;

    /// <summary>Keys changed: succeeded less those already as wanted.</summary>
    public int Changed => Succeeded - Already;

    /// <summary>Time since the run began.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public void Done(bool already = false)
    {
        Succeeded++;
        if (already) Already++;
    }

    public void Fail() => Failed++;
    public void Skip() => Skipped++;

    /// <summary>The one-line summary: "REVOKE: 12 key(s) in 3.4 s: 10 changed, 1 already, 1 failed." (skipped when any).</summary>
    public override string ToString() =>
        $"{Operation}: {Keys} key(s) in {Elapsed.TotalSeconds:0.0} s: {Changed} changed, {Already} already, {Failed} failed" +
        (Skipped > 0 ? $", {Skipped} skipped." : ".");

    /// <summary>Sends the summary alert (outbox first) when more than one key was handled; null otherwise or when the
    /// environment has no alert topic.</summary>
    public async Task<AlertSendResult?> SendAsync(KeyMgmtSession session, CancellationToken cancellation, AlertOutbox? outbox = null)
    {
        if (Keys <= 1) return null;
        using var sender = AlertSender.ForSession(session, outbox);
        if (sender is null) return null;
        return await sender.SendAsync(new KeyAlert
        {
            Environment = session.Environment, Operation = Operation, Outcome = Failed > 0 ? KeyAlert.Failed : KeyAlert.Succeeded,
            IncidentId = session.IncidentId, ChangeId = session.ChangeId, Operator = session.Operator, OperatorArn = session.CallerArn,
            OccurredAtUtc = session.Clock.GetUtcNow(), Summary = new AlertSummary(Keys, Succeeded, Failed, Skipped),
        }, cancellation).ConfigureAwait(false);
    }
}
