using System.Collections.Concurrent;

namespace BuzzKeyMgmt.Engine.Events;

/// <summary>What kind of event: <see cref="IEngineEvents"/>'s methods.</summary>
public enum EngineEventKind { Step, Warning, Progress, Debug }

/// <summary>One queued event.</summary>
public sealed record EngineEvent(EngineEventKind Kind, string? Message, ProgressReport? Progress);

/// <summary>
/// Collects events from any thread, in order, for one consumer (a cmdlet's pipeline thread) that takes them with
/// <see cref="TryTake"/>. <see cref="Arrived"/> is called after each event is queued, so a consumer blocked on engine
/// work can wake up, write what came and wait again.
/// </summary>
public sealed class EngineEventQueue : IEngineEvents
{
    private readonly ConcurrentQueue<EngineEvent> _events = new();

    /// <summary>Called (on the reporting thread) after an event was queued.</summary>
    public Action? Arrived { get; set; }

    public void Step(string message) => Add(new EngineEvent(EngineEventKind.Step, message, null));

    public void Warning(string message) => Add(new EngineEvent(EngineEventKind.Warning, message, null));

    public void Progress(ProgressReport report) => Add(new EngineEvent(EngineEventKind.Progress, null, report));

    public void Debug(string message) => Add(new EngineEvent(EngineEventKind.Debug, message, null));

    public bool TryTake(out EngineEvent next) => _events.TryDequeue(out next!);

    /// <summary>Everything queued so far, oldest first (tests and callers without a pipeline thread).</summary>
    public IReadOnlyList<EngineEvent> TakeAll()
    {
        var all = new List<EngineEvent>();
        while (_events.TryDequeue(out var e)) all.Add(e);
        return all;
    }

    private void Add(EngineEvent e)
    {
        _events.Enqueue(e);
        Arrived?.Invoke();
    }
}
