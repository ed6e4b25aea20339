namespace BuzzKeyMgmt.Engine.Events;

/// <summary>
/// How the engine tells its caller what it is doing: each step (what PowerShell shows with -Verbose), the detail below
/// a step (-Debug: retries and throttling waits), warnings, and progress of fleet-wide work. Plain .NET types only: the engine never references PowerShell, and no logging library
/// is involved (it would load twice across the module's load-context boundary). Implementations must be thread-safe:
/// the engine reports from worker threads; the cmdlet layer queues the events and writes them on the pipeline thread.
/// </summary>
public interface IEngineEvents
{
    /// <summary>One step done or begun, for -Verbose: an AWS call and its request id, a read-back, an audit or alert id.</summary>
    void Step(string message);

    /// <summary>Something the operator must know although the operation went on (audit journaled, alert queued).</summary>
    void Warning(string message);

    void Progress(ProgressReport report);

    /// <summary>Detail below a step, for -Debug: a throttled call retried, a wait at a quota gate, a read-back read again.
    /// Ignored unless the listener takes it (a default, so existing listeners need not change).</summary>
    void Debug(string message) { }
}

/// <summary>Progress of one activity; <see cref="PercentComplete"/> -1 when the total is not known yet;
/// <see cref="ParentActivityId"/> -1 for a top-level activity.</summary>
public sealed record ProgressReport(int ActivityId, string Activity, string Status, int PercentComplete = -1, bool Completed = false,
    int ParentActivityId = -1);

/// <summary>Drops every event (engine calls made without a listener, e.g. from tests that do not look).</summary>
public sealed class NullEngineEvents : IEngineEvents
{
    public static readonly NullEngineEvents Instance = new();

    private NullEngineEvents() { }

    public void Step(string message) { }

    public void Warning(string message) { }

    public void Progress(ProgressReport report) { }
}
