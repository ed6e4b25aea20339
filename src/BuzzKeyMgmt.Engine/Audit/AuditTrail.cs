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
public sealed record AuditAppendResult(AuditRecord Record, bool Journaled, string? Warning);

/// <summary>Counts of one <see cref="AuditTrail.Sync"/> run.</summary>
public sealed record AuditSyncResult(int JournalRows, int Replayed, int AlreadyPresent, ChainVerification StoreChain);

/// <summary>
/// The audit facade operations use: append to the store; when the store cannot be reached, append to the durable
/// local journal instead (per <see cref="JournalPolicy"/>) and say so; <see cref="Sync"/> replays the journal into the
/// store idempotently by AuditId, after which the store's chain is still valid.
/// </summary>
public sealed class AuditTrail
{
    private readonly IAuditStore _store;
    private readonly AuditJournal _journal;
    private readonly JournalPolicy _policy;
    private readonly StoreBreaker? _breaker;

    public AuditTrail(IAuditStore store, AuditJournal journal, JournalPolicy policy = JournalPolicy.EmergencyOnly, StoreBreaker? breaker = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _journal = journal ?? throw new ArgumentNullException(nameof(journal));
        _policy = policy;
        _breaker = breaker;
    }

    public IAuditStore Store => _store;

    public AuditJournal Journal => _journal;

    /// <summary>
    /// Writes the row to the store (first replaying any pending journal rows, so the store keeps time order when it
    /// can). If the store is unreachable (or was found unreachable moments ago: see <see cref="StoreBreaker"/>) and the
    /// row may be journaled (<paramref name="allowJournal"/>, else the trail's <see cref="JournalPolicy"/>), the row goes
    /// to the journal and the result says Journaled with a warning; otherwise the
    /// <see cref="AuditStoreUnavailableException"/> propagates (refuse the operation).
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
            if (_journal.HasPending) TrySyncBeforeAppend();
            var stored = _store.Append(normalized);
            _breaker?.Succeeded();
            return new AuditAppendResult(stored, Journaled: false, Warning: null);
        }
        catch (AuditStoreUnavailableException ex) when (journalAllowed)
        {
            NoteFailure(started, ex);
            var journaled = _journal.Append(normalized);
            return new AuditAppendResult(journaled, Journaled: true,
                Warning: $"Audit store unreachable ({ex.Message}); row {normalized.AuditId} was written to the local journal {_journal.JournalPath} and will be replayed by Sync.");
        }
        catch (AuditStoreUnavailableException ex)
        {
            NoteFailure(started, ex);
            throw;
        }
    }

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

    private void NoteFailure(DateTimeOffset? started, AuditStoreUnavailableException ex)
    {
        if (_breaker is null || started is not { } at) return;
        _breaker.Failed(_breaker.Now - at, ex.Message);
    }

    private void TrySyncBeforeAppend()
    {
        try
        {
            Replay();
        }
        catch (AuditStoreException ex) when (ex is not AuditStoreUnavailableException)
        {
            // A journal that fails verification is kept for investigation; it must not block new audit rows.
        }
    }

    /// <summary>
    /// Replays the journal into the store in journal order, skipping rows whose AuditId is already stored, then empties
    /// the journal. Refuses a journal whose own chain is broken. Throws <see cref="AuditStoreUnavailableException"/>
    /// (journal kept) when the store is still unreachable.
    /// </summary>
    public AuditSyncResult Sync()
    {
        var (total, replayed, present) = Replay();
        return new AuditSyncResult(total, replayed, present, _store.VerifyChain());
    }

    private (int Total, int Replayed, int Present) Replay() =>
        _journal.Drain(rows =>
        {
            var journalChain = ChainVerifier.Verify(rows);
            if (!journalChain.IsValid)
                throw new AuditStoreException(AuditErrorCodes.JournalFailure,
                    $"The audit journal {_journal.JournalPath} failed verification and was not replayed: {journalChain}");
            int added = 0, skipped = 0;
            foreach (var row in rows)
            {
                if (_store.Contains(row.AuditId))
                {
                    skipped++;
                    continue;
                }
                _store.Append(row.ToEntry());
                added++;
            }
            return (rows.Count, added, skipped);
        });
}
