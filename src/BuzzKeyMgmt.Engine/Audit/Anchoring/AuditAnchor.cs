using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Audit.Anchoring;

/// <summary>What anchoring did after an operation: the chain head its Completed row reached, and the signed digest that
/// covers it (written now, or the newest one when it already covered the store's head), or why there is none.</summary>
/// <param name="ChainHead">The Completed row's Sequence and RowHash; null when the row went to the journal or was not written.</param>
/// <param name="Digest">The digest covering the chain head; null when none was written.</param>
/// <param name="DigestPath">The digest's file.</param>
/// <param name="Written">True when this call wrote <paramref name="Digest"/> (false when an existing one covered the head).</param>
/// <param name="Problem">Why no digest covers the head, for the operator (null when one does, or anchoring is not configured).</param>
public sealed record AuditAnchorResult(AuditChainHead? ChainHead, AuditDigest? Digest, string? DigestPath, bool Written, string? Problem);

/// <summary>A result that carries the audit chain head and digest of the operation that made it.</summary>
internal interface IAuditAnchored
{
    void Anchor(AuditChainHead? chainHead, AuditDigest? digest);
}

/// <summary>
/// Anchors the audit chain outside its database after every operation (<see cref="AfterOperationAsync"/>, called by the
/// runner right after the Completed row): under the digest folder's lock it reads the newest digest and the store's
/// head, checks that the store still holds the chain that digest signed (else it writes nothing and warns: the store was
/// truncated, rolled back, rewritten or recreated), signs a digest of the rows written since (KMS Sign or GenerateMac
/// with the environment's digest key, as the identity that acted), writes it to the folder and records it in the
/// store's KeyAuditDigest table. It never throws and never blocks the operation for more than <see cref="Timeout"/>:
/// any failure is a warning, and the next operation's digest covers these rows too.
/// </summary>
public static class AuditAnchor
{
    /// <summary>The longest anchoring may take (the folder lock, the key lookup and the signing call together).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The runner's hook: anchors the run's rows, records the result on the run, says what it did (-Verbose)
    /// and warns when no digest covers them. Not cancelled by a stop: the rows of a stopped operation are anchored too.</summary>
    public static async Task AfterOperationAsync(OperationRun run)
    {
        AuditChainHead? head = run.CompletedRecord is { } completed && !run.Journaled ? new AuditChainHead(completed.Sequence, completed.RowHash) : null;
        try
        {
            run.Anchor = await AnchorAsync(run.RoleSession ?? run.Session, run.Trail.Store, head, run.Say).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            run.Anchor = new AuditAnchorResult(head, null, null, false, Unexpected(ex));
        }
        if (run.Anchor.Problem is { } problem) run.Warn(problem);
    }

    /// <summary>Copies the run's chain head and digest onto an operation's result.</summary>
    internal static T Stamp<T>(T result, OperationRun run)
    {
        if (result is IAuditAnchored anchored) anchored.Anchor(run.Anchor?.ChainHead, run.Anchor?.Digest);
        return result;
    }

    /// <summary>Writes the digest of the store's rows since the newest digest, signed as <paramref name="signer"/>; see the class.</summary>
    public static async Task<AuditAnchorResult> AnchorAsync(KeyMgmtSession signer, IAuditStore store, AuditChainHead? head, Action<string>? say = null)
    {
        var settings = signer.EnvironmentInfo.AuditDigests;
        if (settings is null) return new AuditAnchorResult(head, null, null, false, null);   // not configured: nothing to do
        if (head is null)
        {
            say?.Invoke("Audit chain not anchored now: the operation's rows are not in the store (journaled); the digest after Sync-KeyAuditJournal covers them.");
            return new AuditAnchorResult(null, null, null, false, null);
        }
        if (store is not IAuditChainAnchoring anchoring)
            return new AuditAnchorResult(head, null, null, false, $"The audit chain was not anchored: the {store.Provider} store cannot be read for anchoring.");
        var folderPath = settings.FolderFor(store);
        if (folderPath is null)
            return new AuditAnchorResult(head, null, null, false,
                $"The audit chain was not anchored: environments.{signer.Environment}.auditDigests.path is needed for a {store.Provider} store.");

        var folder = new DigestFolder(folderPath);
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var held = await folder.LockAsync(Timeout, timeout.Token).ConfigureAwait(false);
            var last = folder.ReadNewest();
            var tail = anchoring.ReadHead() ?? throw new AuditStoreException(AuditErrorCodes.StoreFailure, "the store reads as empty after its row was written");
            if (last is not null)
            {
                if (tail.Sequence == last.LastSequence && tail.RowHash == last.HeadHash)
                {
                    say?.Invoke($"Audit chain head {head} is covered by digest #{last.Number} ({folder.FileOf(last.Number)}).");
                    return new AuditAnchorResult(head, last, folder.FileOf(last.Number), false, null);
                }
                var at = last.LastSequence <= tail.Sequence ? anchoring.ReadPosition(last.LastSequence) : null;
                if (at is null || at.RowHash != last.HeadHash)
                    return new AuditAnchorResult(head, null, null, false,
                        $"The audit store no longer holds the chain that digest #{last.Number} signed: its row {last.LastSequence} is " +
                        (at is null ? $"missing (the store ends at {tail.Sequence})" : $"another row (RowHash {at.RowHash}, signed {last.HeadHash})") +
                        $". No digest was written. Run Test-KeyAuditIntegrity -Digests '{folder.Path}' to see what happened (rows removed, " +
                        "an older copy restored, the chain rewritten or the store recreated) before anchoring continues.");
            }
            var genesis = last?.GenesisHash ?? (tail.Sequence == 1 ? tail.RowHash : anchoring.ReadPosition(1)?.RowHash)
                ?? throw new AuditStoreException(AuditErrorCodes.StoreFailure, "the store has no row 1");
            var now = signer.Clock.GetUtcNow();
            var key = settings.CachedKey(now) ?? await DigestKey.ResolveAsync(signer.Kms, settings.KeyId, timeout.Token).ConfigureAwait(false);
            settings.CacheKey(key, now);
            var digest = new AuditDigest
            {
                Environment = signer.Environment, Number = (last?.Number ?? 0) + 1, FirstSequence = (last?.LastSequence ?? 0) + 1,
                LastSequence = tail.Sequence, HeadHash = tail.RowHash, HeadAuditId = tail.AuditId, GenesisHash = genesis,
                PreviousDigestHash = last?.Hash ?? AuditDigest.NoPreviousDigest, CreatedAtUtc = now, KeyId = key.Arn, Algorithm = key.Algorithm,
            };
            try
            {
                digest = digest with { Signature = await key.SignAsync(signer.Kms, digest.SignedMessage(), timeout.Token).ConfigureAwait(false) };
            }
            catch (AmazonServiceException)
            {
                settings.CacheKey(null, now);   // read the key again next time: it may have been disabled, replaced or re-pointed
                throw;
            }
            var path = folder.Write(digest);
            var recorded = RecordMark(anchoring, digest);
            say?.Invoke($"Audit chain anchored: digest #{digest.Number} (rows {digest.FirstSequence}-{digest.LastSequence}, head {digest.HeadHash}) " +
                        $"signed by {key.Arn} ({key.Algorithm}), written to {path}{(recorded ? "" : "; the store keeps no record of it (schema before 007)")}.");
            return new AuditAnchorResult(head, digest, path, true, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new AuditAnchorResult(head, null, null, false,
                $"The audit chain was not anchored within {Timeout.TotalSeconds:0} s (digest folder {folder.Path} locked or KMS slow); the next operation's digest covers these rows.");
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or KeyMgmtException or AuditStoreException
                                       or IOException or UnauthorizedAccessException or FormatException)
        {
            return new AuditAnchorResult(head, null, null, false,
                $"The audit chain was not anchored (digest folder {folder.Path}, key {settings.KeyId}): {Describe(ex)}. The next operation's digest covers these rows.");
        }
    }

    private static bool RecordMark(IAuditChainAnchoring anchoring, AuditDigest digest)
    {
        try
        {
            return anchoring.RecordDigest(new AuditDigestMark(digest.Number, digest.FirstSequence, digest.LastSequence, digest.HeadHash, digest.Hash,
                digest.CreatedAtUtc));
        }
        catch (AuditStoreException)
        {
            return false;   // the digest is written; the store's own record of it only helps tell a rollback from a truncation
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        AmazonServiceException aws => $"{aws.ErrorCode ?? aws.GetType().Name}: {aws.Message}",
        FormatException => $"the newest digest cannot be read ({ex.Message})",
        _ => ex.Message,
    };

    private static string Unexpected(Exception ex) =>
        $"The audit chain was not anchored: {ex.GetType().Name}: {ex.Message}. The next operation's digest covers these rows.";
}
