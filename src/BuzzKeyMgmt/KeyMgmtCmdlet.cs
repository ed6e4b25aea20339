using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt;

/// <summary>
/// Base of every BuzzKeyMgmt cmdlet: a cancellation token that Ctrl+C (<see cref="StopProcessing"/>) cancels,
/// session lookup, and the translation of engine failures into <see cref="ErrorRecord"/>s with stable ids and
/// real categories.
/// </summary>
public abstract class KeyMgmtCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _done = new(false, spinCount: 1);

    /// <summary>Cancelled when the user presses Ctrl+C; every engine call receives it.</summary>
    protected CancellationToken Cancellation => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Waits for engine work on the pipeline thread; Ctrl+C turns into a pipeline stop. Waits on one reused
    /// event that barely spins, rather than Task.Wait (which spins first) or a task's wait handle (a finalizable kernel
    /// object per wait): on a fleet read the pipeline thread may wait once per result, and neither spinning nor
    /// finalizers may take CPU from the requests in flight.</summary>
    protected T Await<T>(Task<T> task)
    {
        try
        {
            if (!task.IsCompleted)
            {
                _done.Reset();
                task.ConfigureAwait(false).GetAwaiter().OnCompleted(_done.Set);
                _done.Wait();
            }
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>The session to act with (-Session, else the current one). No session or an expired one stops the
    /// command with an error that says how to connect; under 5 minutes left gives a warning.</summary>
    protected KeyMgmtSession RequireSession(KeyMgmtSession? explicitSession)
    {
        KeyMgmtSession session;
        try
        {
            session = SessionStore.Require(explicitSession);
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
        _stop.Dispose();
        _done.Dispose();
        GC.SuppressFinalize(this);
    }
}
