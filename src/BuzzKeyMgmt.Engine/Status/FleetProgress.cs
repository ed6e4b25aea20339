using System.Diagnostics;
using BuzzKeyMgmt.Engine.Events;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>Progress of a fleet read, told through the engine's events: a first record while the keys are listed, one at
/// most every 200 ms with the counts (and the total once the listing is done), and a Completed record at the end,
/// however the read ends. A listed key that does not come back (left out by a filter, gone before it was read) is taken
/// off the total, so the total the bar shows is what comes back.</summary>
internal sealed class FleetProgress(IEngineEvents events, Func<int> total, TimeSpan every)
{
    public const int ActivityId = 41;
    private const string Activity = "Reading KMS key status";
    private readonly Stopwatch _shown = Stopwatch.StartNew();
    private int _done;
    private int _failed;
    private int _dropped;

    public void Start() => events.Progress(new ProgressReport(ActivityId, Activity, "Listing keys"));

    /// <summary>A listed key that will not come back: the total shrinks by one.</summary>
    public void Drop()
    {
        _dropped++;
        Report();
    }

    public void Count(KeyStatusOutcome outcome)
    {
        _done++;
        if (outcome.Failure is not null) _failed++;
        Report();
    }

    private void Report()
    {
        if (_shown.Elapsed < every) return;
        _shown.Restart();
        var all = total();
        if (all >= 0) all -= _dropped;
        events.Progress(new ProgressReport(ActivityId, Activity,
            all < 0 ? $"{_done} keys read, {_failed} failed, still listing keys" : $"{_done} of {all} keys read, {_failed} failed",
            all <= 0 ? -1 : (int)(100L * _done / all)));
    }

    public void Complete() =>
        events.Progress(new ProgressReport(ActivityId, Activity, $"{_done} keys read, {_failed} failed", 100, Completed: true));
}
