using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>
/// Reads key status for named keys, alias patterns or the whole fleet with bounded concurrency, paced under KMS's
/// per-operation quotas (DescribeKey 2,000/s, GetKeyRotationStatus 1,000/s, ListResourceTags 2,000/s side by side),
/// with the SDK's standard retry (backoff and jitter) behind that. A failure on one key is an outcome, not an exception; results come
/// back in input order. ListKeyRotations (100/s) is called only with IncludeRotationHistory. It streams: results are
/// yielded as they are read, and what it holds at any time is bounded whatever the fleet's size (at most
/// <see cref="TargetBuffer"/> listed keys waiting to be read and <see cref="ResultWindow"/> keys read or being read but not
/// yet taken by the caller, plus at most <see cref="AliasWaitWindow"/> more while the account's aliases are still being
/// listed; the alias index, one name per alias, is the only thing that grows with the account).
/// However the caller stops
/// reading (the end, a pipeline stopped early by <c>Select-Object -First</c>, Ctrl+C, an error), disposing the enumeration
/// cancels every worker and returns only when none is running any more.
/// </summary>
public sealed class KeyStatusReader
{
    private readonly KeyMgmtSession _session;
    private readonly IAmazonKeyManagementService _kms;
    private readonly KmsQuotaGates _gates;
    private volatile int _total = -1;

    /// <summary>At most this many listed keys wait to be read: the listing runs ahead of the reads by no more.</summary>
    public const int TargetBuffer = 4096;

    /// <summary>At most this many keys are being read or wait, read, to be taken by the caller (in input order): enough to
    /// keep reading at the quotas' pace while the account's aliases are still being listed (ListAliases pages of 100,
    /// one after another) and while the caller's pipeline is slower for a moment; never more, however slow the caller.</summary>
    public static int ResultWindow(int throttleLimit) => Math.Max(16_384, 4 * throttleLimit);

    /// <summary>How many more keys may be read while the alias index is still loading. ListAliases returns at most 100
    /// aliases a page, one page after another: 100,000 aliases take 1,000 pages, 15-30 s at in-Region latency, in which
    /// the reads, at their quotas' 1,000 keys a second, would otherwise fill the window and wait. Given back as soon as
    /// the index is loaded; a constant, so what a read holds still does not grow with the fleet.</summary>
    public const int AliasWaitWindow = 49_152;

    /// <param name="gates">The quota gates of the session's account-Region, shared with every other operation of the context.</param>
    public KeyStatusReader(KeyMgmtSession session, KmsQuotaGates gates) : this(session, session.Kms, gates)
    {
    }

    internal KeyStatusReader(KeyMgmtSession session, IAmazonKeyManagementService kms, KmsQuotaGates gates)
    {
        _session = session;
        _kms = kms;
        _gates = gates;
    }

    /// <summary>Where progress of a fleet read (several keys, patterns or -All) is told.</summary>
    public IEngineEvents Events { get; init; } = NullEngineEvents.Instance;

    /// <summary>The result window (<see cref="ResultWindow"/> unless a test sets a smaller one).</summary>
    internal int? Window { get; init; }

    /// <summary>The extra window while aliases load (<see cref="AliasWaitWindow"/> unless a test sets another).</summary>
    internal int? AliasWait { get; init; }

    /// <summary>At most one progress report this often (tests set zero: one per key).</summary>
    internal TimeSpan ProgressEvery { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How many keys will be read; -1 until the whole target list is known (a fleet is listed page by
    /// page while the first pages are already being read).</summary>
    public int Total => _total;

    public async IAsyncEnumerable<KeyStatusOutcome> ReadAsync(KeyStatusQuery query, [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var workers = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = workers.Token;
        // The alias listing runs beside the key listing and the per-key reads; each key waits for it only when its
        // status is assembled. Wildcards need it first, since they select the keys.
        var aliasIndex = AliasIndex.LoadIfNeededAsync(_kms, _gates, query, token);
        // Both channels are bounded by the window: the results channel never holds more than the window lets be read.
        var results = Channel.CreateUnbounded<KeyStatusOutcome>(new UnboundedChannelOptions { SingleReader = true });
        var targets = Channel.CreateBounded<Target>(new BoundedChannelOptions(TargetBuffer)
            { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var extra = aliasIndex.IsCompleted ? 0 : AliasWait ?? AliasWaitWindow;
        var window = new SemaphoreSlim((Window ?? ResultWindow(query.ThrottleLimit)) + extra);
        var shrink = extra > 0 ? ShrinkWhenLoadedAsync(aliasIndex, window, extra, token) : Task.CompletedTask;
        var listing = ListAsync(TargetList.StreamAsync(_kms, _gates, _session, query, aliasIndex, token), targets.Writer, token);
        var producer = ProduceAsync(targets.Reader.ReadAllAsync(token), query, aliasIndex, window, results.Writer, token);
        var progress = query.All || query.AliasPatterns.Count > 0 || query.Keys.Count > 1 ? new FleetProgress(Events, () => _total, ProgressEvery) : null;
        progress?.Start();
        try
        {
            var pending = new Dictionary<int, KeyStatusOutcome>();
            var next = 0;
            await foreach (var outcome in results.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                pending[outcome.Index] = outcome;
                while (pending.Remove(next, out var ready))
                {
                    next++;
                    window.Release();
                    if (ready.Status is null && ready.Failure is null)
                    {
                        progress?.Drop();
                        continue;
                    }
                    progress?.Count(ready);
                    yield return ready;
                }
            }
            await producer.ConfigureAwait(false);
            await listing.ConfigureAwait(false);
        }
        finally
        {
            // Ended early (the caller stopped reading, a stop, an error): no worker may go on reading the fleet.
            workers.Cancel();
            await Quietly(Task.WhenAll(producer, listing, aliasIndex, shrink)).ConfigureAwait(false);
            window.Dispose();
            progress?.Complete();
        }
    }

    /// <summary>Once the alias index is loaded (or failed), takes the extra window back: permits as they come free, so
    /// that from then on no more than the result window is read ahead of the caller.</summary>
    private static async Task ShrinkWhenLoadedAsync(Task aliasIndex, SemaphoreSlim window, int extra, CancellationToken cancellation)
    {
        await Quietly(aliasIndex).ConfigureAwait(false);
        for (var i = 0; i < extra; i++) await window.WaitAsync(cancellation).ConfigureAwait(false);
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The workers' own failures were reported through the results channel, or are the stop itself.
        }
    }

    /// <summary>Lists the targets as fast as the listing calls allow (not at the pace of the reads), so that
    /// <see cref="Total"/> is known early for progress.</summary>
    private async Task ListAsync(IAsyncEnumerable<Target> stream, ChannelWriter<Target> writer, CancellationToken cancellation)
    {
        var count = 0;
        try
        {
            await foreach (var target in stream.WithCancellation(cancellation).ConfigureAwait(false))
            {
                await writer.WriteAsync(target, cancellation).ConfigureAwait(false);
                count++;
            }
            _total = count;
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
    }

    private async Task ProduceAsync(IAsyncEnumerable<Target> targets, KeyStatusQuery query, Task<AliasIndex?> aliases,
        SemaphoreSlim window, ChannelWriter<KeyStatusOutcome> writer, CancellationToken cancellation)
    {
        var slots = new SemaphoreSlim(Math.Max(1, query.ThrottleLimit));
        var running = new List<Task>();
        Exception? failure = null;
        try
        {
            var index = 0;
            await foreach (var target in targets.WithCancellation(cancellation).ConfigureAwait(false))
            {
                await window.WaitAsync(cancellation).ConfigureAwait(false);
                await slots.WaitAsync(cancellation).ConfigureAwait(false);
                var i = index++;
                if (running.Count >= 4 * query.ThrottleLimit) running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    // The slot is given back once the key's own calls are done: waiting for the alias index holds no slot.
                    var released = 0;
                    void Release()
                    {
                        if (Interlocked.Exchange(ref released, 1) == 0) slots.Release();
                    }
                    try
                    {
                        writer.TryWrite(await ReadOneAsync(i, target, query, aliases, Release, cancellation).ConfigureAwait(false));
                    }
                    finally
                    {
                        Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        // Every worker has released its slot before the semaphore goes away, whatever ended the loop.
        await Quietly(Task.WhenAll(running)).ConfigureAwait(false);
        slots.Dispose();
        writer.TryComplete(failure);
    }

    private async Task<KeyStatusOutcome> ReadOneAsync(int index, Target target, KeyStatusQuery query, Task<AliasIndex?> aliasListing,
        Action callsDone, CancellationToken cancellation)
    {
        if (target.Error is not null) return new KeyStatusOutcome(index, target.Reference, null, target.Error);
        try
        {
            await _gates.WaitAsync("DescribeKey", cancellation).ConfigureAwait(false);
            var metadata = (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = target.Reference }, cancellation).ConfigureAwait(false)).KeyMetadata;
            var awsManaged = metadata.KeyManager == KeyManagerType.AWS;
            if (target.FromFleet && awsManaged && !query.IncludeAwsManaged) return new KeyStatusOutcome(index, target.Reference, null, null);

            var details = new KeyDetailsReader(_kms, _gates);
            var rotation = details.RotationAsync(metadata, cancellation);
            var tags = awsManaged || !query.IncludeTags ? Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>()) : details.TagsAsync(metadata.KeyId, cancellation);
            var indexed = AliasIndex.IsNeeded(query);
            var keyAliases = indexed ? null : details.AliasesAsync(metadata.KeyId, cancellation);
            var history = query.IncludeRotationHistory ? details.LastRotationAsync(metadata, cancellation) : Task.FromResult<DateTimeOffset?>(null);
            await Task.WhenAll(rotation, tags, keyAliases ?? Task.CompletedTask, history).ConfigureAwait(false);
            callsDone();
            keyAliases ??= Task.FromResult((await aliasListing.ConfigureAwait(false))!.For(metadata.KeyId));
            return new KeyStatusOutcome(index, target.Reference,
                KeyStatusMapper.Map(metadata, rotation.Result, tags.Result, keyAliases.Result, history.Result, query.IncludeRotationHistory, _session.Environment), null);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return new KeyStatusOutcome(index, target.Reference, null,
                new KeyMgmtException("OperationStopped", FailureKind.OperationStopped, $"Reading {target.Reference}: stopped."));
        }
        catch (Exception ex)
        {
            return new KeyStatusOutcome(index, target.Reference, null, Explain(ex, target.Reference, query.ThrottleLimit));
        }
    }

    private KeyMgmtException Explain(Exception ex, string reference, int throttleLimit)
    {
        var translated = AwsErrors.Translate(ex, "Reading key status of", reference, _session.Environment);
        return translated.ErrorId switch
        {
            "KeyNotFound" => new KeyMgmtException("KeyNotFound", FailureKind.ObjectNotFound,
                $"Key '{reference}' was not found in environment '{_session.Environment}' (account {_session.EnvironmentInfo.AccountId}, {_session.Region}).",
                "Check the key id or alias (Get-KeyStatus -Alias '*' lists the aliases).", ex),
            "AccessDenied" => new KeyMgmtException("AccessDenied", FailureKind.PermissionDenied,
                $"Reading key status of '{reference}' was denied for {_session.CallerArn} (role {_session.Role}). " +
                "Reading keys needs kms:DescribeKey, kms:GetKeyRotationStatus, kms:ListAliases and kms:ListResourceTags: the Admin, Emergency or Recovery role has them.",
                $"Connect-KeyManagement -Environment {_session.Environment} -Role Admin", ex),
            "Throttled" => new KeyMgmtException("Throttled", FailureKind.LimitsExceeded, translated.Message,
                $"Run it again with a lower -ThrottleLimit (this read used {throttleLimit}), or later: AWS limits the KMS request rate " +
                "per account and Region, shared with every other caller there.", ex),
            _ => translated,
        };
    }
}
