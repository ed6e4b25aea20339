using BuzzKeyMgmt.Engine.Audit.Journal;

namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>Which rows may go to the local journal when the store cannot be reached.</summary>
public enum JournalPolicy
{
    /// <summary>Only emergency rows (revocation must never be blocked); any other operation is refused.</summary>
    EmergencyOnly,

    /// <summary>Every row.</summary>
    Always,
}

/// <summary>Outcome of <see cref="AuditTrail.Append"/>.</summary>
public sealed record AuditAppendResult(AuditRecord Record, bool Journaled, string? Warning)
{
    /// <summary>The journal file the row went to (null when the store took it).</summary>
    public string? JournalPath { get; init; }

    /// <summary>True when the row went to the fallback journal (the local journal could not take it either).</summary>
    public bool Fallback { get; init; }
}

/// <summary>Counts of one <see cref="AuditTrail.Sync"/> run: the verifiable journal rows found (local and fallback
/// journal), how many were replayed into the store and how many it already held, the lines that could not be verified and
/// were moved to a quarantine file (with their journal, line number and reason), and what else went wrong (a journal that
/// could not be opened or emptied, a missing line between two good ones).</summary>
public sealed record AuditSyncResult(int JournalRows, int Replayed, int AlreadyPresent, ChainVerification StoreChain)
{
    private FlatList<QuarantinedLine> _quarantined = FlatList<QuarantinedLine>.Empty;
    private FlatList<string> _journals = FlatList<string>.Empty;
    private FlatList<string> _problems = FlatList<string>.Empty;

    /// <summary>Lines moved to a quarantine file by this run.</summary>
    public int Quarantined => QuarantinedLines.Count;

    public IReadOnlyList<QuarantinedLine> QuarantinedLines { get => _quarantined; init => _quarantined = FlatList<QuarantinedLine>.Of(value); }

    /// <summary>The quarantine files this run wrote to.</summary>
    public IReadOnlyList<string> QuarantinePaths => FlatList<string>.Of(QuarantinedLines.Select(q => q.Journal + ".quarantine").Distinct(StringComparer.Ordinal));

    /// <summary>The journal files read.</summary>
    public IReadOnlyList<string> Journals { get => _journals; init => _journals = FlatList<string>.Of(value); }

    public IReadOnlyList<string> Problems { get => _problems; init => _problems = FlatList<string>.Of(value); }
}

/// <summary>
/// The audit facade operations use: append to the store; when the store does not take the row, for any reason
/// (unreachable, full, corrupt, locked beyond its bounded wait, or any other failure), append it to the durable local
/// journal instead (per <see cref="JournalPolicy"/>) and say why; when the local journal cannot take it either, to the
/// fallback journal in another folder; when that fails too, the error names every cause. <see cref="Sync"/> replays
/// both journals into the store idempotently by AuditId, quarantining the lines that cannot be verified, after which the
/// store's chain is still valid.
/// </summary>
public sealed class AuditTrail
{
    private readonly IAuditStore _store;
    private readonly AuditJournal _journal;
    private readonly AuditJournal? _fallback;
    private readonly JournalPolicy _policy;
    private readonly StoreBreaker? _breaker;
    private readonly object _journalGate = new();
    private DateTime _journalSkippedUntil;   // a local journal held by another process: not waited for again until then
    private string? _journalSkippedBecause;

    /// <param name="fallback">The second durable location, used when <paramref name="journal"/> cannot take a row.</param>
    public AuditTrail(IAuditStore store, AuditJournal journal, JournalPolicy policy = JournalPolicy.EmergencyOnly, StoreBreaker? breaker = null,
        AuditJournal? fallback = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _journal = journal ?? throw new ArgumentNullException(nameof(journal));
        _fallback = fallback;
        _policy = policy;
        _breaker = breaker;
    }

    public IAuditStore Store => _store;

    public AuditJournal Journal => _journal;

    /// <summary>The fallback journal (null when the trail has none).</summary>
    public AuditJournal? FallbackJournal => _fallback;

    /// <summary>The journals Sync replays: the local one, then the fallback.</summary>
    public IReadOnlyList<AuditJournal> Journals => _fallback is null ? [_journal] : [_journal, _fallback];

    /// <summary>True when either journal holds a line.</summary>
    public bool HasPendingJournal => _journal.HasPending || _fallback?.HasPending == true;

    /// <summary>
    /// Writes the row to the store (first replaying any pending journal rows, so the store keeps time order when it
    /// can). If the store does not take it, for any reason (or was found unreachable moments ago: see
    /// <see cref="StoreBreaker"/>), and the row may be journaled (<paramref name="allowJournal"/>, else the trail's
    /// <see cref="JournalPolicy"/>), the row goes to the journal, else the fallback journal, and the result says Journaled
    /// with a warning naming the cause; when neither journal takes it an <see cref="AuditStoreException"/>
    /// (<see cref="AuditErrorCodes.JournalFailure"/>) names every cause. A row that may not be journaled gets the store's
    /// <see cref="AuditStoreException"/> (refuse the operation).
    /// </summary>
    public AuditAppendResult Append(AuditEntry entry, bool? allowJournal = null)
    {
        var normalized = AuditEntryRules.Normalize(entry);
        var journalAllowed = allowJournal ?? (_policy == JournalPolicy.Always || normalized.IsEmergency);
        var started = _breaker?.Now;
        try
        {
            if (_breaker is not null && _breaker.IsOpen(out var skipped))
                throw new AuditStoreUnavailableException($"The audit store was skipped: {skipped}.");
            if (HasPendingJournal) TrySyncBeforeAppend();
            var stored = _store.Append(normalized);
            _breaker?.Succeeded();
            return new AuditAppendResult(stored, Journaled: false, Warning: null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && journalAllowed)
        {
            NoteFailure(started, ex);
            return AppendToJournal(normalized, Cause(ex));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            NoteFailure(started, ex);
            if (ex is AuditStoreException) throw;
            throw new AuditStoreException(AuditErrorCodes.StoreFailure, $"The audit store {_store} failed: {Cause(ex)}", ex);
        }
    }

    /// <summary>The local journal, else the fallback journal; a local journal found held by another process moments ago is
    /// not waited for again.</summary>
    private AuditAppendResult AppendToJournal(AuditEntry row, string storeCause)
    {
        string? journalCause = null;
        if (_fallback is not null)
            lock (_journalGate)
                if (DateTime.UtcNow < _journalSkippedUntil) journalCause = $"skipped: {_journalSkippedBecause}";
        if (journalCause is null)
        {
            var started = DateTime.UtcNow;
            try
            {
                var record = _journal.Append(row, out var before);
                var bad = before.IsClean ? "" :
                    $" The journal also holds {before.BadLines.Count} line(s) that cannot be verified ({before.DescribeBadLines()}): " +
                    $"Sync-KeyAuditJournal replays every other row and moves those lines to {_journal.QuarantinePath}.";
                return new AuditAppendResult(record, Journaled: true,
                    Warning: $"The audit store could not take row {row.AuditId} ({storeCause}); it was written to the local journal " +
                             $"{_journal.JournalPath} and will be replayed by Sync-KeyAuditJournal.{bad}")
                { JournalPath = _journal.JournalPath };
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                journalCause = Cause(ex);
                if (DateTime.UtcNow - started >= StoreBreaker.SlowFailure)
                    lock (_journalGate)
                    {
                        _journalSkippedUntil = DateTime.UtcNow + StoreBreaker.DefaultBreak;
                        _journalSkippedBecause = journalCause;
                    }
            }
        }
        if (_fallback is null)
            throw new AuditStoreException(AuditErrorCodes.JournalFailure,
                $"The audit row {row.AuditId} was written nowhere: the audit store could not take it ({storeCause}), nor the local journal ({journalCause}).");
        try
        {
            var record = _fallback.Append(row);
            return new AuditAppendResult(record, Journaled: true,
                Warning: $"The audit store could not take row {row.AuditId} ({storeCause}), nor the local journal ({journalCause}); it was written " +
                         $"to the fallback journal {_fallback.JournalPath} and will be replayed by Sync-KeyAuditJournal.")
            { JournalPath = _fallback.JournalPath, Fallback = true };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new AuditStoreException(AuditErrorCodes.JournalFailure,
                $"The audit row {row.AuditId} was written nowhere: the audit store could not take it ({storeCause}), nor the local journal " +
                $"({journalCause}), nor the fallback journal {_fallback.JournalPath} ({Cause(ex)}).", ex);
        }
    }

    /// <summary>What went wrong, for a warning: a domain error's own message (it names the store and the cause), else the
    /// exception's type and message.</summary>
    private static string Cause(Exception ex) =>
        ex is AuditStoreException ? ex.Message.TrimEnd('.') : $"{ex.GetType().Name}: {ex.Message.TrimEnd('.')}";

    /// <summary>Any other store call of an operation (policy, recovery requests), behind the same breaker: a store found
    /// unreachable moments ago is not waited for again.</summary>
    public T Use<T>(Func<IAuditStore, T> call)
    {
        var started = _breaker?.Now;
        try
        {
            if (_breaker is not null && _breaker.IsOpen(out var skipped))
                throw new AuditStoreUnavailableException($"The audit store was skipped: {skipped}.");
            var result = call(_store);
            _breaker?.Succeeded();
            return result;
        }
        catch (AuditStoreUnavailableException ex)
        {
            NoteFailure(started, ex);
            throw;
        }
    }

    private void NoteFailure(DateTimeOffset? started, Exception ex)
    {
        if (_breaker is null || started is not { } at) return;
        _breaker.Failed(_breaker.Now - at, Cause(ex));
    }

    /// <summary>Replays a clean journal before a new row; a journal with lines that cannot be verified, or one that
    /// cannot be opened, is left for Sync-KeyAuditJournal (which reports them) and must not block new audit rows. A store
    /// failure propagates: the new row then goes to the journal too.</summary>
    private void TrySyncBeforeAppend()
    {
        try
        {
            Replay(quarantine: false, problems: new List<string>(), quarantined: null);
        }
        catch (AuditStoreException ex) when (ex.Code == AuditErrorCodes.JournalFailure)
        {
        }
    }

    /// <summary>
    /// Replays both journals (local and fallback) into the store, merged in time order (each journal's own order kept),
    /// skipping rows whose AuditId is already stored; then moves the lines that cannot be verified (unreadable, altered,
    /// invalid) to each journal's quarantine file, with their line numbers and reasons, and empties the journals. Every
    /// verifiable row is replayed whatever the other lines hold, <see cref="ReplayBatch"/> rows per store transaction (one
    /// durable commit each). Throws (journals kept) when the store does not take a row.
    /// </summary>
    public AuditSyncResult Sync()
    {
        var problems = new List<string>();
        var quarantined = new List<QuarantinedLine>();
        var (rows, replayed, present, journals) = Replay(quarantine: true, problems, quarantined);
        return new AuditSyncResult(rows, replayed, present, _store.VerifyChain())
        {
            QuarantinedLines = quarantined, Journals = journals, Problems = problems,
        };
    }

    private (int Rows, int Replayed, int Present, IReadOnlyList<string> Journals) Replay(bool quarantine, List<string> problems,
        List<QuarantinedLine>? quarantined) =>
        DrainAll(0, new List<JournalScan>(), quarantine, problems, quarantined);

    /// <summary>Holds every journal at once (each opened in turn), then replays what they hold; a journal that cannot be
    /// opened is reported and the others are still replayed.</summary>
    private (int, int, int, IReadOnlyList<string>) DrainAll(int index, List<JournalScan> scans, bool quarantine, List<string> problems,
        List<QuarantinedLine>? quarantined)
    {
        var journals = Journals;
        if (index == journals.Count) return ReplayScans(scans, problems);
        var entered = false;
        try
        {
            return journals[index].Drain(scan =>
            {
                entered = true;
                scans.Add(scan);
                return DrainAll(index + 1, scans, quarantine, problems, quarantined);
            }, quarantine, problems.Add, line => quarantined?.Add(line));
        }
        catch (AuditStoreException ex) when (!entered)
        {
            if (!quarantine) throw;   // before an append: leave it all for Sync
            problems.Add(ex.Message);
            return DrainAll(index + 1, scans, quarantine, problems, quarantined);
        }
    }

    /// <summary>Journal rows replayed per store transaction: one durable commit for each, and a write lock held briefly
    /// enough (a few milliseconds) that an operation of another process waiting for it is not sent to its journal.</summary>
    public const int ReplayBatch = 500;

    private (int, int, int, IReadOnlyList<string>) ReplayScans(IReadOnlyList<JournalScan> scans, List<string> problems)
    {
        foreach (var scan in scans)
            problems.AddRange(scan.Gaps.Select(g => $"The audit journal {scan.JournalPath}: {g}."));
        int added = 0, skipped = 0, total = 0;
        var batch = new List<AuditEntry>(ReplayBatch);
        void Commit()
        {
            foreach (var stored in _store.AppendBatch(batch))
                if (stored.Inserted) added++;
                else skipped++;
            batch.Clear();
        }
        foreach (var row in MergeByTime(scans))
        {
            total++;
            batch.Add(row.ToEntry());
            if (batch.Count == ReplayBatch) Commit();
        }
        if (batch.Count > 0) Commit();
        return (total, added, skipped, scans.Where(s => s.LineCount > 0 || s.TornTail is not null).Select(s => s.JournalPath).ToList());
    }

    /// <summary>The rows of every journal in time order, each journal's own order kept (a merge, not a sort: a journal's
    /// rows stay in the order they were written even if their clocks disagree).</summary>
    private static IEnumerable<AuditRecord> MergeByTime(IReadOnlyList<JournalScan> scans)
    {
        var next = new int[scans.Count];
        while (true)
        {
            var pick = -1;
            for (var i = 0; i < scans.Count; i++)
            {
                if (next[i] >= scans[i].Rows.Count) continue;
                if (pick < 0 || scans[i].Rows[next[i]].Record.OccurredAtUtc < scans[pick].Rows[next[pick]].Record.OccurredAtUtc) pick = i;
            }
            if (pick < 0) yield break;
            yield return scans[pick].Rows[next[pick]++].Record;
        }
    }
}
