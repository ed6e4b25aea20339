using System.Management.Automation;

namespace BuzzKeyMgmt;

/// <summary>
/// Base of every BuzzKeyMgmt cmdlet: a cancellation token that Ctrl+C (<see cref="StopProcessing"/>) cancels,
/// and helpers that turn failures into <see cref="ErrorRecord"/>s with stable ids and real categories.
/// </summary>
public abstract class KeyMgmtCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Cancelled when the user presses Ctrl+C; every engine call receives it.</summary>
    protected CancellationToken Cancellation => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    protected ErrorRecord NewError(string errorId, ErrorCategory category, string message, object? target = null,
        Exception? inner = null, string? recommendedAction = null)
    {
        var exception = inner is null ? new InvalidOperationException(message) : new InvalidOperationException(message, inner);
        var record = new ErrorRecord(exception, errorId, category, target);
        if (recommendedAction is not null) record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction };
        return record;
    }

    public void Dispose()
    {
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
