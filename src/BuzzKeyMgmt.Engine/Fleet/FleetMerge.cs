using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace BuzzKeyMgmt.Engine.Fleet;

/// <summary>One result of a fleet read across environments: an item of one environment's stream, or the failure that
/// ended that environment's stream (the other environments go on).</summary>
public sealed record FleetItem<T>(string Environment, T? Item, KeyMgmtException? Failure);

/// <summary>
/// Reads several environments' streams at once, each at its own pace (its own account-Region quota gates), and hands
/// their results out as they come through one bounded buffer: a slow caller holds every environment back rather than
/// letting results pile up. A stream that fails ends as one <see cref="FleetItem{T}.Failure"/>; however the caller stops
/// reading, every stream is cancelled and disposed before the enumeration ends.
/// </summary>
public static class FleetMerge
{
    public const int Buffer = 1024;

    public static async IAsyncEnumerable<FleetItem<T>> MergeAsync<T>(IReadOnlyList<(string Environment, Func<CancellationToken, IAsyncEnumerable<T>> Read)> sources,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var channel = Channel.CreateBounded<FleetItem<T>>(new BoundedChannelOptions(Buffer) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var pumps = sources.Select(s => Task.Run(() => PumpAsync(s.Environment, s.Read, channel.Writer, stop.Token), CancellationToken.None)).ToArray();
        var done = Task.WhenAll(pumps).ContinueWith(_ => channel.Writer.TryComplete(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                yield return item;
        }
        finally
        {
            stop.Cancel();
            await done.ConfigureAwait(false);
        }
    }

    private static async Task PumpAsync<T>(string environment, Func<CancellationToken, IAsyncEnumerable<T>> read, ChannelWriter<FleetItem<T>> writer,
        CancellationToken cancellation)
    {
        KeyMgmtException? failure = null;
        try
        {
            await foreach (var item in read(cancellation).WithCancellation(cancellation).ConfigureAwait(false))
                await writer.WriteAsync(new FleetItem<T>(environment, item, null), cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return;
        }
        catch (KeyMgmtException ex)
        {
            failure = ex;
        }
        catch (Exception ex)
        {
            failure = new KeyMgmtException("EnvironmentReadFailed", FailureKind.NotSpecified,
                $"Reading environment '{environment}' failed: {ex.Message}", null, ex);
        }
        if (failure is null) return;
        try
        {
            await writer.WriteAsync(new FleetItem<T>(environment, default, failure), cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The caller stopped reading: nobody is waiting for this environment's failure.
        }
        catch (ChannelClosedException)
        {
        }
    }
}
