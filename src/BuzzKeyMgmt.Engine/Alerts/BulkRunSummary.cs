using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Alerts;

/// <summary>Counts the keys of a bulk run (one cmdlet over a pipeline of keys) and sends its one summary alert when the
/// run covered more than one key.</summary>
public sealed class BulkRunSummary(string operation)
{
    public string Operation { get; } = operation;
    public int Succeeded { get; private set; }
    public int Failed { get; private set; }
    public int Skipped { get; private set; }
    public int Keys => Succeeded + Failed + Skipped;

    public void Done() => Succeeded++;
    public void Fail() => Failed++;
    public void Skip() => Skipped++;

    public override string ToString() => $"{Operation}: {Keys} key(s), {Succeeded} done, {Failed} failed, {Skipped} skipped.";

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
