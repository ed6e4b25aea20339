using BuzzKeyMgmt.Engine.Events;

namespace BuzzKeyMgmt.Engine.Fleet;

/// <summary>The events of one environment of a fleet read: steps and warnings name the environment, and its progress is an
/// activity of its own (one progress bar per environment, under the fleet's), so concurrent environments do not
/// overwrite each other's.</summary>
public sealed class EnvironmentEvents(IEngineEvents inner, string environment, int activityId, int parentActivityId) : IEngineEvents
{
    public int ActivityId => activityId;
    public int ParentActivityId => parentActivityId;

    public void Step(string message) => inner.Step($"[{environment}] {message}");

    public void Warning(string message) => inner.Warning($"[{environment}] {message}");

    public void Progress(ProgressReport report) =>
        inner.Progress(report with { ActivityId = activityId, Activity = $"{report.Activity}: {environment}", ParentActivityId = parentActivityId });
}
