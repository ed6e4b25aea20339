using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt;

/// <summary>
/// Base of every BuzzKeyMgmt cmdlet: the runspace's engine context, a cancellation token that Ctrl+C
/// (<see cref="StopProcessing"/>) cancels, the engine's events (steps, detail for -Debug, warnings, progress) written on the pipeline
/// thread while engine work runs, session lookup, what the cmdlet owns (disposed with it), and the translation of
/// engine failures into <see cref="ErrorRecord"/>s with stable ids and real categories.
/// </summary>
public abstract class KeyMgmtCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 1);
    private readonly List<IDisposable> _owned = new();
    private EngineEventQueue? _events;
    private KeyMgmtContext? _context;
    private bool _disposed;

    /// <summary>Cancelled when the user presses Ctrl+C, and when the cmdlet is disposed; every engine call receives it.</summary>
    protected CancellationToken Cancellation => _stop.Token;

    /// <summary>This runspace's engine context.</summary>
    protected KeyMgmtContext Context => _context ??= RunspaceContexts.Current;

    /// <summary>Where the engine reports; drained into WriteVerbose, WriteDebug, WriteWarning and WriteProgress on the pipeline thread.</summary>
    protected IEngineEvents Events => _events ??= new EngineEventQueue { Arrived = _wake.Set };

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Something the cmdlet made and must dispose when it ends (however it ends).</summary>
    protected T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>An operation runner for the session, reporting to this cmdlet; disposed with the cmdlet.</summary>
    protected OperationRunner Runner(KeyMgmtSession session) => Own(Context.Runner(session, Events));

    /// <summary>Waits for engine work on the pipeline thread, writing the engine's events as they come; Ctrl+C turns into
    /// a pipeline stop. Waits on one reused event that barely spins, rather than Task.Wait (which spins first) or a task's
    /// wait handle (a finalizable kernel object per wait): on a fleet read the pipeline thread may wait once per result,
    /// and neither spinning nor finalizers may take CPU from the requests in flight.</summary>
    protected T Await<T>(Task<T> task)
    {
        // Once the pipeline is stopping, every Write* throws: the engine's work must still be waited for (a change already
        // sent finishes within its grace period and is audited), so the stop is remembered and thrown after it.
        PipelineStoppedException? stopping = null;
        void Drain()
        {
            if (stopping is not null) return;
            try
            {
                DrainEvents();
            }
            catch (PipelineStoppedException e)
            {
                stopping = e;
            }
        }
        try
        {
            if (!task.IsCompleted)
            {
                task.ConfigureAwait(false).GetAwaiter().OnCompleted(_wake.Set);
                while (true)
                {
                    _wake.Reset();
                    Drain();
                    if (task.IsCompleted) break;
                    _wake.Wait();
                }
            }
            Drain();
            if (stopping is not null)
            {
                _ = task.Exception;   // observed: the stop is what the caller sees
                throw stopping;
            }
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (OperationFailedException failed) when (failed.Stopped && _stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();   // the audit rows say what the stop left; the pipeline ends here
        }
    }

    /// <summary>The next result of an engine stream: taken at once when it is ready, else waited for on the pipeline
    /// thread (writing the engine's events meanwhile).</summary>
    protected bool NextResult<T>(IAsyncEnumerator<T> results)
    {
        var next = results.MoveNextAsync();
        return next.IsCompletedSuccessfully ? next.Result : Await(next.AsTask());
    }

    /// <summary>Ends an engine stream however the pipeline ended (done, Select-Object -First, Ctrl+C): the stream cancels
    /// its workers, and this waits until none is running, so nothing goes on reading after the command.</summary>
    protected static void StopReading<T>(IAsyncEnumerator<T> results)
    {
        try
        {
            results.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // The stream's own failures were already reported; this only waits for its workers to end.
        }
    }

    /// <summary>Writes what the engine reported so far (call only on the pipeline thread).</summary>
    protected void DrainEvents()
    {
        if (_events is null) return;
        while (_events.TryTake(out var e))
        {
            switch (e.Kind)
            {
                case EngineEventKind.Step: WriteStep(e.Message!); break;
                case EngineEventKind.Warning: WriteWarning(e.Message); break;
                case EngineEventKind.Debug: WriteDebug(e.Message); break;
                case EngineEventKind.Progress when e.Progress is { } p:
                    WriteProgress(new ProgressRecord(p.ActivityId, p.Activity, p.Status)
                    {
                        PercentComplete = p.PercentComplete,
                        ParentActivityId = p.ParentActivityId,
                        RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                    });
                    break;
            }
        }
    }

    /// <summary>One step of the story, for -Verbose. Under -Debug without -Verbose it goes to the debug stream with the
    /// retries and waits: PowerShell turns -Debug on a compiled cmdlet into an Inquire verbose preference, which would
    /// stop at every step with a prompt (and fail outright in a non-interactive host).</summary>
    protected void WriteStep(string message)
    {
        var bound = MyInvocation.BoundParameters;
        if (bound.TryGetValue("Debug", out var debug) && debug is SwitchParameter { IsPresent: true } && !bound.ContainsKey("Verbose"))
            WriteDebug(message);
        else
            WriteVerbose(message);
    }

    /// <summary>Runs one operation for one pipeline item: its steps and warnings are written as they happen, its result
    /// is written (and returned), and a failure is a non-terminating error on that item (after its warnings; default is
    /// returned).</summary>
    protected T? RunOperation<T>(OperationRunner runner, KeyOperation<T> operation, object target)
    {
        try
        {
            var result = Await(runner.RunAsync(operation, Cancellation));
            WriteObject(result);
            return result;
        }
        catch (KeyMgmtException ex)
        {
            DrainEvents();
            WriteError(ToErrorRecord(ex, target));
            return default;
        }
    }

    /// <summary>The session to act with (-Session, else the current one). No session, a closed or an expired one stops
    /// the command with an error that says how to connect; under 5 minutes left gives a warning.</summary>
    protected KeyMgmtSession RequireSession(KeyMgmtSession? explicitSession)
    {
        KeyMgmtSession session;
        try
        {
            session = Context.Sessions.Require(explicitSession);
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, explicitSession));
            throw; // unreachable
        }
        if (session.IsExpiringSoon)
            WriteWarning($"The {session.Role} session for '{session.Environment}' expires in {session.TimeLeft!.Value.TotalMinutes:0.#} minutes (at {session.ExpiresAt:u}). Reconnect soon with Connect-KeyManagement.");
        return session;
    }

    protected static ErrorRecord ToErrorRecord(KeyMgmtException ex, object? target)
    {
        var category = Enum.TryParse<ErrorCategory>(ex.Kind.ToString(), out var c) ? c : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(ex, ex.ErrorId, category, target);
        if (ex.RecommendedAction is not null) record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction };
        return record;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();   // anything still running for this cmdlet stops
        for (var i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
        _stop.Dispose();
        _wake.Dispose();
        GC.SuppressFinalize(this);
    }
}
