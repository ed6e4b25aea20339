using System.Diagnostics;

namespace BuzzKeyMgmt.Engine.Audit.Anchoring;

/// <summary>What verifying the audit chain against its signed digests found.</summary>
public enum AuditChainFindingKind
{
    /// <summary>The store holds the signed chain, but ends before the newest digest's last row: rows were removed from the end
    /// (the store's own digest record names digests past its last row, or it keeps no record to tell otherwise).</summary>
    TailRowsMissing,

    /// <summary>The store is an older copy of itself: it matches the signed chain up to a digest and its own digest record
    /// ends at that same digest, or it continues from there with other rows than the digests signed.</summary>
    Rollback,

    /// <summary>At a signed sequence the store holds the same row (AuditId) with another hash: a row was edited and the chain
    /// recomputed after it (the canonical form is public, so the store's own chain still verifies).</summary>
    RewrittenChain,

    /// <summary>The store starts another chain: it is empty, or its first row is not the signed chain's first row and no
    /// signed row is in it: it was deleted (the default store is created again empty) or replaced.</summary>
    RecreatedStore,

    /// <summary>A digest's signature does not verify with the digest key (or it names another key or algorithm): it was
    /// altered or forged.</summary>
    DigestNotVerified,

    /// <summary>Digests do not follow each other: a number or a range of sequences is missing or repeated, a digest does not
    /// name the hash of the one before it, or it names another chain's first row.</summary>
    DigestChainBroken,

    /// <summary>A file of the digest folder is not a digest.</summary>
    DigestUnreadable,

    /// <summary>The store's own hash chain is broken (a row altered, removed or reordered without recomputing the chain).</summary>
    ChainBroken,

    /// <summary>Warning: rows after the newest digest (written after it, or the digests after it were removed from the folder).</summary>
    UndigestedRows,

    /// <summary>Warning: the digest folder holds no digest, so nothing anchors the chain.</summary>
    NoDigests,
}

/// <summary>How much of the digest folder a verification reads.</summary>
public enum DigestCheck
{
    /// <summary>The newest digest only (its signature, and the store's rows 1 and its LastSequence against it): its signature
    /// and the row hash chain prove every row up to it unchanged. Anything that differs is then examined with every digest.</summary>
    Newest,

    /// <summary>Every digest, hash-linked in order (the newest signature of each unbroken run covers the ones before it).</summary>
    AllDigests,

    /// <summary>Every digest, and every digest's own signature.</summary>
    AllSignatures,
}

public enum AuditFindingSeverity
{
    Error,
    Warning,
}

/// <summary>One finding, with the sequence and digest it concerns.</summary>
public sealed record AuditChainFinding(AuditChainFindingKind Kind, AuditFindingSeverity Severity, string Detail)
{
    /// <summary>The first sequence concerned (e.g. the first missing row), when there is one.</summary>
    public long? Sequence { get; init; }

    /// <summary>The digest concerned, when there is one.</summary>
    public long? DigestNumber { get; init; }

    /// <summary>The digest's file, when there is one.</summary>
    public string? DigestFile { get; init; }

    public override string ToString() => $"{Kind}: {Detail}";
}

/// <summary>The result of <see cref="AnchoredChainVerifier"/>: valid when no finding is an error. Ready for PowerShell output.</summary>
public sealed record AnchoredChainVerification
{
    public bool IsValid => Findings.All(f => f.Severity != AuditFindingSeverity.Error);
    public IReadOnlyList<AuditChainFinding> Findings { get; init; } = [];

    /// <summary>The store's own chain walk (rows, first broken link, last sequence and hash).</summary>
    public required ChainVerification Chain { get; init; }

    public string DigestFolder { get; init; } = "";

    /// <summary>The key the digests must be signed by.</summary>
    public string DigestKeyArn { get; init; } = "";

    /// <summary>How much of the folder was read (<see cref="DigestCheck.Newest"/> turns into a full read when anything differs).</summary>
    public DigestCheck Mode { get; init; }

    /// <summary>Digest files in the folder (by their names).</summary>
    public long DigestsListed { get; init; }

    /// <summary>Digest files read (readable or not).</summary>
    public long DigestsRead { get; init; }

    /// <summary>Digests whose content a verified signature covers (their own, or a later digest's that links back to them).</summary>
    public long DigestsAuthenticated { get; init; }

    /// <summary>Signatures checked (the newest of each unbroken run of digests, more where one fails; every one with -AllSignatures).</summary>
    public long SignaturesChecked { get; init; }

    /// <summary>The newest digest whose signature verified: the chain head the store is held to.</summary>
    public AuditDigest? NewestDigest { get; init; }

    public long StoreLastSequence => Chain.LastSequence;
    public string StoreLastRowHash => Chain.LastRowHash;
    /// <summary>How long the check took, in milliseconds.</summary>
    public long DurationMs { get; init; }

    public override string ToString() => IsValid
        ? $"Chain valid against {(Mode == DigestCheck.Newest ? $"the newest of {DigestsListed}" : DigestsAuthenticated.ToString(System.Globalization.CultureInfo.InvariantCulture))} signed digest(s): {Chain.RowsChecked} rows, newest digest #{NewestDigest?.Number} (row {NewestDigest?.LastSequence})."
        : $"Chain not valid: {string.Join("; ", Findings.Where(f => f.Severity == AuditFindingSeverity.Error).Select(f => f.ToString()))}";
}

/// <summary>
/// Verifies an audit store against the signed digests of its folder, and names what it finds (see
/// <see cref="AuditChainFindingKind"/>).
/// <para>
/// <see cref="DigestCheck.Newest"/> (the default): the folder's names must number the digests 1…N; the newest digest's
/// signature is checked and the store walked once, its own chain checked and its rows 1 and LastSequence compared with
/// what the digest signed. When they match, the row hash chain proves every row up to LastSequence unchanged, and no
/// older digest needs reading. When anything differs, the verification goes on as with <see cref="DigestCheck.AllDigests"/>
/// to name what differs.
/// </para>
/// <para>
/// <see cref="DigestCheck.AllDigests"/>: every digest is read and hash-linked in order; the signature of the newest digest
/// of each unbroken run is checked (one signature covers every digest that links back to it, signatures included), more
/// where one fails; every one with <see cref="DigestCheck.AllSignatures"/>. The store is walked once, the row at each
/// authenticated digest's LastSequence compared with the digest, and a difference classified from what the store holds
/// at those sequences, its first row, its length and its own digest record.
/// </para>
/// A store that passes holds every row the digests signed, unchanged.
/// </summary>
public static class AnchoredChainVerifier
{
    /// <summary>
    /// Verifies with the digest key <paramref name="keyId"/> read through <paramref name="session"/>'s KMS (DescribeKey, and
    /// GetPublicKey once for an asymmetric key, whose signatures are then checked locally; VerifyMac per checked digest for
    /// an HMAC key). An AWS refusal is a <see cref="KeyMgmtException"/> naming the key.
    /// </summary>
    public static async Task<AnchoredChainVerification> VerifyAsync(IAuditStore store, string folderPath, Identity.KeyMgmtSession session,
        string keyId, DigestCheck mode = DigestCheck.Newest, CancellationToken cancellation = default)
    {
        DigestSignatureCheck check;
        try
        {
            check = await DigestSignatureCheck.ForKeyAsync(session.Kms, keyId, cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or KeyMgmtException))
        {
            throw Aws.AwsErrors.Translate(ex, "Reading the audit digest key", keyId, session.Environment);
        }
        try
        {
            return await VerifyAsync(store, folderPath, check, mode, cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException)
        {
            throw Aws.AwsErrors.Translate(ex, "Checking an audit digest's MAC", keyId, session.Environment);
        }
    }

    public static async Task<AnchoredChainVerification> VerifyAsync(IAuditStore store, string folderPath, IDigestSignatureCheck check,
        DigestCheck mode = DigestCheck.Newest, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var folder = new DigestFolder(folderPath);
        if (mode == DigestCheck.Newest && await NewestAsync(store, folder, check, clock, cancellation).ConfigureAwait(false) is { } quick)
            return quick;
        var files = folder.ReadAll(cancellation);
        var findings = new List<AuditChainFinding>();
        foreach (var bad in files.Where(f => f.Digest is null))
            findings.Add(new AuditChainFinding(AuditChainFindingKind.DigestUnreadable, AuditFindingSeverity.Error,
                $"{bad.Name} is not a digest: {bad.Problem}.") { DigestNumber = DigestFolder.NumberOf(bad.Path), DigestFile = bad.Path });
        var digests = files.Where(f => f.Digest is not null).ToArray();

        var (authenticated, signatures) = await AuthenticateAsync(digests, check, mode == DigestCheck.AllSignatures, findings, cancellation).ConfigureAwait(false);
        var anchoring = store as IAuditChainAnchoring;
        var checkpoints = new ChainCheckpoints(authenticated.Select(d => d.LastSequence).Append(1));
        var chain = anchoring is not null ? anchoring.VerifyChain(checkpoints) : ChainVerifier.Verify(store.ReadChain(), checkpoints: checkpoints);
        if (!chain.IsValid)
            findings.Add(new AuditChainFinding(AuditChainFindingKind.ChainBroken, AuditFindingSeverity.Error,
                $"the store's own chain is broken at row {chain.BrokenSequence} (AuditId {chain.BrokenAuditId}): {chain.Break}: {chain.Problem}")
            { Sequence = chain.BrokenSequence });

        var newest = authenticated.Count == 0 ? null : authenticated[^1];
        if (digests.Length == 0 && files.Count == 0)
            findings.Add(new AuditChainFinding(AuditChainFindingKind.NoDigests, AuditFindingSeverity.Warning,
                $"the digest folder {folder.Path} holds no digest: nothing anchors the chain outside the store."));
        else if (newest is not null)
            Classify(authenticated, newest, chain, checkpoints, () => anchoring?.ReadNewestDigestMark(), findings);

        return new AnchoredChainVerification
        {
            Findings = findings.OrderBy(f => f.Severity).ThenBy(f => f.Sequence ?? long.MaxValue).ThenBy(f => f.DigestNumber ?? long.MaxValue).ToArray(),
            Chain = chain, DigestFolder = folder.Path, DigestKeyArn = check.KeyArn, Mode = mode == DigestCheck.Newest ? DigestCheck.AllDigests : mode,
            DigestsListed = files.Count, DigestsRead = files.Count, DigestsAuthenticated = authenticated.Count, SignaturesChecked = signatures,
            NewestDigest = newest, DurationMs = (long)clock.Elapsed.TotalMilliseconds,
        };
    }

    /// <summary>
    /// The quick verification: digests numbered 1…N by their names, the newest readable and signed by the key, the store's
    /// own chain intact and its rows 1 and LastSequence the ones the newest digest signed. Null when any of that does
    /// not hold (the caller then reads every digest to say what differs).
    /// </summary>
    private static async Task<AnchoredChainVerification?> NewestAsync(IAuditStore store, DigestFolder folder, IDigestSignatureCheck check,
        Stopwatch clock, CancellationToken cancellation)
    {
        var numbers = folder.ListNumbers();
        if (numbers.Count == 0 || numbers[0] != 1 || numbers[^1] != numbers.Count) return null;
        AuditDigest newest;
        try
        {
            newest = AuditDigest.Parse(File.ReadAllBytes(folder.FileOf(numbers[^1])));
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (newest.Number != numbers[^1] || !(await check.CheckAsync(newest, cancellation).ConfigureAwait(false)).Valid) return null;
        var checkpoints = new ChainCheckpoints([1, newest.LastSequence]);
        var chain = store is IAuditChainAnchoring anchoring ? anchoring.VerifyChain(checkpoints) : ChainVerifier.Verify(store.ReadChain(), checkpoints: checkpoints);
        if (!chain.IsValid || !checkpoints.Found.TryGetValue(1, out var first) || first.RowHash != newest.GenesisHash
            || !checkpoints.Found.TryGetValue(newest.LastSequence, out var head) || head.RowHash != newest.HeadHash)
            return null;
        var findings = new List<AuditChainFinding>();
        if (chain.LastSequence > newest.LastSequence)
            findings.Add(new AuditChainFinding(AuditChainFindingKind.UndigestedRows, AuditFindingSeverity.Warning,
                $"rows {newest.LastSequence + 1}-{chain.LastSequence} are newer than the newest digest (digest #{newest.Number} of {newest.CreatedAtUtc:yyyy-MM-dd HH:mm:ss}Z): " +
                "written after it (the next operation's digest covers them), or the digests after it were removed from the folder.")
                { Sequence = newest.LastSequence + 1, DigestNumber = newest.Number });
        return new AnchoredChainVerification
        {
            Findings = findings, Chain = chain, DigestFolder = folder.Path, DigestKeyArn = check.KeyArn, Mode = DigestCheck.Newest,
            DigestsListed = numbers.Count, DigestsRead = 1, DigestsAuthenticated = 1, SignaturesChecked = 1, NewestDigest = newest, DurationMs = (long)clock.Elapsed.TotalMilliseconds,
        };
    }

    /// <summary>
    /// Links the digests in number order into runs (a run breaks where a digest does not follow the one before), checks
    /// the signature of each run's newest digest (and the next older while one fails), and returns the digests a valid
    /// signature covers, in order, with the number of signatures checked.
    /// </summary>
    private static async Task<(IReadOnlyList<AuditDigest> Authenticated, long Signatures)> AuthenticateAsync(DigestFile[] files,
        IDigestSignatureCheck check, bool everySignature, List<AuditChainFinding> findings, CancellationToken cancellation)
    {
        var digests = files.Select(f => f.Digest!).ToArray();
        var hashes = new string[digests.Length];
        Parallel.For(0, digests.Length, new ParallelOptions { CancellationToken = cancellation }, i => hashes[i] = digests[i].Hash);

        var runs = new List<(int Start, int End)>();
        var start = 0;
        for (var i = 0; i < digests.Length; i++)
        {
            var problem = i == 0 ? StartProblem(digests[0]) : LinkProblem(digests[i - 1], hashes[i - 1], digests[i]);
            if (problem is null) continue;
            findings.Add(new AuditChainFinding(AuditChainFindingKind.DigestChainBroken, AuditFindingSeverity.Error, problem)
                { DigestNumber = digests[i].Number, DigestFile = files[i].Path, Sequence = digests[i].FirstSequence });
            if (i > start) runs.Add((start, i - 1));
            start = i;
        }
        if (digests.Length > start) runs.Add((start, digests.Length - 1));

        long signatures = 0;
        var valid = new bool[digests.Length];
        var known = new bool[digests.Length];
        async Task<bool> Verify(int i)
        {
            if (known[i]) return valid[i];
            signatures++;
            var result = await check.CheckAsync(digests[i], cancellation).ConfigureAwait(false);
            known[i] = true;
            valid[i] = result.Valid;
            if (!result.Valid)
                findings.Add(new AuditChainFinding(AuditChainFindingKind.DigestNotVerified, AuditFindingSeverity.Error,
                    $"digest #{digests[i].Number} ({files[i].Name}, rows {digests[i].FirstSequence}-{digests[i].LastSequence}) does not verify: {result.Problem}.")
                    { DigestNumber = digests[i].Number, DigestFile = files[i].Path, Sequence = digests[i].FirstSequence });
            return result.Valid;
        }

        var authenticated = new List<AuditDigest>();
        foreach (var (runStart, runEnd) in runs)
        {
            var top = -1;
            for (var i = runEnd; i >= runStart; i--)
                if (await Verify(i).ConfigureAwait(false)) { top = i; break; }
            for (var i = runStart; i <= top; i++) authenticated.Add(digests[i]);
        }
        if (everySignature)
            for (var i = 0; i < digests.Length; i++) await Verify(i).ConfigureAwait(false);
        return (authenticated.OrderBy(d => d.LastSequence).ThenBy(d => d.Number).ToArray(), signatures);
    }

    private static string? StartProblem(AuditDigest first) =>
        first.Number != 1 ? $"the oldest digest is #{first.Number}, not #1: digests #1-#{first.Number - 1} are missing from the folder."
        : first.FirstSequence != 1 ? $"digest #1 starts at row {first.FirstSequence}, not 1."
        : first.PreviousDigestHash != AuditDigest.NoPreviousDigest ? "digest #1 names a digest before it."
        : null;

    private static string? LinkProblem(AuditDigest before, string beforeHash, AuditDigest digest)
    {
        if (digest.Number == before.Number) return $"two digests are numbered #{digest.Number}.";
        if (digest.Number != before.Number + 1)
            return $"digest #{digest.Number} follows #{before.Number}: digest(s) #{before.Number + 1}-#{digest.Number - 1} are missing from the folder.";
        if (digest.PreviousDigestHash != beforeHash)
            return $"digest #{digest.Number} names {digest.PreviousDigestHash} as the digest before it, but #{before.Number} hashes to {beforeHash}: " +
                   $"#{before.Number} was altered or replaced, or #{digest.Number} was not written after it.";
        if (digest.FirstSequence != before.LastSequence + 1)
            return $"digest #{digest.Number} covers rows {digest.FirstSequence}-{digest.LastSequence}, but #{before.Number} ended at row {before.LastSequence}.";
        if (digest.GenesisHash != before.GenesisHash)
            return $"digest #{digest.Number} names another first row ({digest.GenesisHash}) than #{before.Number} ({before.GenesisHash}).";
        return null;
    }

    private static void Classify(IReadOnlyList<AuditDigest> signed, AuditDigest newest, ChainVerification chain, ChainCheckpoints checkpoints,
        Func<AuditDigestMark?> readMark, List<AuditChainFinding> findings)
    {
        var held = chain.LastSequence;          // rows the store holds with its own chain intact
        var signedUpTo = newest.LastSequence;
        var found = checkpoints.Found;
        var at = $"digest #{newest.Number} of {newest.CreatedAtUtc:yyyy-MM-dd HH:mm:ss}Z";

        if (held == 0)
        {
            if (chain.IsValid)
                findings.Add(Error(AuditChainFindingKind.RecreatedStore,
                    $"the store is empty, but {at} signed {signedUpTo} rows: the store was deleted (the default store is created again, empty) or replaced.", 1, newest));
            return;
        }

        var first = found[1];
        if (first.RowHash != newest.GenesisHash)
        {
            var boundary = signed.FirstOrDefault(d => d.LastSequence <= held);
            if (boundary is not null && found.TryGetValue(boundary.LastSequence, out var row) && row.AuditId == boundary.HeadAuditId)
                findings.Add(Error(AuditChainFindingKind.RewrittenChain,
                    $"row 1 hashes to {first.RowHash}, not the signed first row {newest.GenesisHash}, while row {boundary.LastSequence} is still the row digest " +
                    $"#{boundary.Number} signed (AuditId {row.AuditId}) with another hash: rows 1-{boundary.LastSequence} were edited and the chain recomputed.", 1, boundary));
            else
                findings.Add(Error(AuditChainFindingKind.RecreatedStore,
                    $"row 1 (RowHash {first.RowHash}) is not the first row of the signed chain ({newest.GenesisHash}) and none of the {held} rows is a row the " +
                    $"digests signed: the store was deleted or replaced and a new chain started at 1; the {signedUpTo} rows {at} signed are not in it.", 1, newest));
            return;
        }

        AuditDigest? matched = null;
        foreach (var digest in signed)
        {
            if (digest.LastSequence > held) break;
            var row = found[digest.LastSequence];
            if (row.RowHash == digest.HeadHash)
            {
                matched = digest;
                continue;
            }
            var from = (matched?.LastSequence ?? 0) + 1;
            if (row.AuditId == digest.HeadAuditId)
            {
                findings.Add(Error(AuditChainFindingKind.RewrittenChain,
                    $"row {digest.LastSequence} is the row digest #{digest.Number} signed (AuditId {row.AuditId}) but hashes to {row.RowHash}, not {digest.HeadHash}: " +
                    $"a row in {from}-{digest.LastSequence} was edited and the chain recomputed from there (the store's own chain still verifies).", from, digest));
                return;
            }
            var mark = readMark();
            if (mark is not null && mark.LastSequence >= from)
                findings.Add(Error(AuditChainFindingKind.TailRowsMissing,
                    $"rows {from}-{signedUpTo}, signed by digests #{digest.Number}-#{newest.Number}, are gone and other rows were written in their place " +
                    $"(row {digest.LastSequence} is AuditId {row.AuditId}, not {digest.HeadAuditId}); the store's own digest record names digest #{mark.Number} " +
                    $"(up to row {mark.LastSequence}), so its rows were removed, not an older copy restored.", from, digest));
            else
                findings.Add(Error(AuditChainFindingKind.Rollback,
                    $"the store matches the signed chain up to row {from - 1}{Upto(matched)} and then holds other rows: row {digest.LastSequence} is AuditId " +
                    $"{row.AuditId}, not {digest.HeadAuditId} as digest #{digest.Number} signed. An older copy of the store was restored and written to since; " +
                    $"rows {from}-{signedUpTo} (digests #{digest.Number}-#{newest.Number}) are not in it.", from, digest));
            return;
        }

        if (held < signedUpTo)
        {
            if (!chain.IsValid) return;   // the break is the finding: rows after it were not read as part of the chain
            var mark = readMark();
            if (matched is not null && matched.LastSequence == held && mark is not null && mark.Number == matched.Number)
                findings.Add(Error(AuditChainFindingKind.Rollback,
                    $"the store is exactly as digest #{matched.Number} of {matched.CreatedAtUtc:yyyy-MM-dd HH:mm:ss}Z signed it (rows 1-{held}), and its own digest " +
                    $"record also ends at #{matched.Number}: an older copy of the store was restored. Rows {held + 1}-{signedUpTo} (digests " +
                    $"#{matched.Number + 1}-#{newest.Number}) are not in it.", held + 1, newest));
            else
                findings.Add(Error(AuditChainFindingKind.TailRowsMissing,
                    $"the store ends at row {held}, but {at} signed rows up to {signedUpTo}: rows {held + 1}-{signedUpTo} were removed from the end. " +
                    (mark is null
                        ? "(The store keeps no digest record to tell this from an older copy restored.)"
                        : $"The store's own digest record names digest #{mark.Number} (up to row {mark.LastSequence}): its rows were removed, not an older copy restored."),
                    held + 1, newest));
            return;
        }

        if (held > signedUpTo && chain.IsValid)
            findings.Add(new AuditChainFinding(AuditChainFindingKind.UndigestedRows, AuditFindingSeverity.Warning,
                $"rows {signedUpTo + 1}-{held} are newer than the newest digest ({at}): written after it (the next operation's digest covers them), " +
                "or the digests after it were removed from the folder.") { Sequence = signedUpTo + 1, DigestNumber = newest.Number });
    }

    private static string Upto(AuditDigest? matched) => matched is null ? "" : $" (digest #{matched.Number} of {matched.CreatedAtUtc:yyyy-MM-dd HH:mm:ss}Z)";

    private static AuditChainFinding Error(AuditChainFindingKind kind, string detail, long sequence, AuditDigest digest) =>
        new(kind, AuditFindingSeverity.Error, detail) { Sequence = sequence, DigestNumber = digest.Number };
}
