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

    public AuditTrail(IAuditStore store, AuditJournal journal, JournalPolicy policy = JournalPolicy.EmergencyOnly)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _journal = journal ?? throw new ArgumentNullException(nameof(journal));
        _policy = policy;
    }

    public IAuditStore Store => _store;

    public AuditJournal Journal => _journal;

    /// <summary>
    /// Writes the row to the store (first replaying any pending journal rows, so the store keeps time order when it
    /// can). If the store is unreachable and the policy allows it, the row goes to the journal and the result says
    /// Journaled with a warning; otherwise the <see cref="AuditStoreUnavailableException"/> propagates (refuse the operation).
    /// </summary>
    public AuditAppendResult Append(AuditEntry entry)
    {
        var normalized = AuditEntryRules.Normalize(entry);
        try
        {
            if (_journal.HasPending) TrySyncBeforeAppend();
            return new AuditAppendResult(_store.Append(normalized), Journaled: false, Warning: null);
        }
        catch (AuditStoreUnavailableException ex) when (_policy == JournalPolicy.Always || normalized.IsEmergency)
        {
            var journaled = _journal.Append(normalized);
            return new AuditAppendResult(journaled, Journaled: true,
                Warning: $"Audit store unreachable ({ex.Message}); row {normalized.AuditId} was written to the local journal {_journal.JournalPath} and will be replayed by Sync.");
        }
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
