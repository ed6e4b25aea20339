using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Anchoring;
using BuzzKeyMgmt.Engine.Audit.Sqlite;

namespace BuzzKeyMgmt.AuditLoad;

/// <summary>
/// Signed digests for a seeded chain, and verifying the chain against them (bench/audit.ps1). The digests are what
/// AuditAnchor writes (format d1, one file per digest, hash-linked), one per <c>every</c> rows (2: one per operation,
/// its Started and Completed rows), signed with an ECDSA P-256 key of the bench's own, kept beside the folder as its
/// public key (a KMS ECC_NIST_P256 key's signatures have the same form: DER ECDSA over SHA-256 of the message). The
/// verification is the cmdlet's: AnchoredChainVerifier with the public key checked locally (GetPublicKey's one call is
/// not part of it).
/// </summary>
internal static class DigestCommands
{
    private static readonly DigestKey BenchKey = new("arn:aws:kms:us-east-1:111122223333:key/0b3e1f57-bench-4d1a-9b3e-000000000001", "ECC_NIST_P256", "SIGN_VERIFY", "ECDSA_SHA_256");

    public static string PublicKeyFile(string folder) => folder.TrimEnd('/', '\\') + ".spki";

    public static int Seed(string databasePath, string folder, int every)
    {
        if (every < 1) throw new FormatException("every must be at least 1");
        var store = new SqliteAuditStore(databasePath);
        var watch = Stopwatch.StartNew();
        var head = store.ReadHead() ?? throw new InvalidOperationException("the store is empty");
        var boundaries = new List<long>();
        for (var s = every; s < head.Sequence; s += every) boundaries.Add(s);
        boundaries.Add(head.Sequence);
        var checkpoints = new ChainCheckpoints(boundaries.Append(1));
        var chain = store.VerifyChain(checkpoints);
        if (!chain.IsValid) throw new InvalidOperationException($"the chain to anchor is broken: {chain}");

        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllBytes(PublicKeyFile(folder), key.ExportSubjectPublicKeyInfo());
        var digestFolder = new DigestFolder(folder);
        var previous = AuditDigest.NoPreviousDigest;
        long first = 1, number = 0;
        var genesis = checkpoints.Found[1].RowHash;
        var created = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        foreach (var last in boundaries)
        {
            var at = checkpoints.Found[last];
            var digest = new AuditDigest
            {
                Environment = "seed", Number = ++number, FirstSequence = first, LastSequence = last, HeadHash = at.RowHash, HeadAuditId = at.AuditId,
                GenesisHash = genesis, PreviousDigestHash = previous, CreatedAtUtc = created.AddMilliseconds(last), KeyId = BenchKey.Arn, Algorithm = BenchKey.Algorithm,
            };
            digest = digest with
            {
                Signature = Convert.ToBase64String(key.SignData(digest.SignedMessage(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)),
            };
            File.WriteAllBytes(digestFolder.FileOf(digest.Number), digest.ToJson());
            previous = digest.Hash;
            first = last + 1;
        }
        File.WriteAllText(Path.Combine(folder, "LATEST"), number.ToString(CultureInfo.InvariantCulture));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"digests={number} seconds={watch.Elapsed.TotalSeconds:F1}"));
        return 0;
    }

    public static int Verify(string databasePath, string folder, string mode)
    {
        var store = new SqliteAuditStore(databasePath);
        var check = new DigestSignatureCheck(BenchKey, File.ReadAllBytes(PublicKeyFile(folder)));
        var watch = Stopwatch.StartNew();
        var result = AnchoredChainVerifier.VerifyAsync(store, folder, check, Enum.Parse<DigestCheck>(mode)).GetAwaiter().GetResult();
        watch.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode={result.Mode} rows={result.Chain.RowsChecked} listed={result.DigestsListed} digests={result.DigestsRead} authenticated={result.DigestsAuthenticated} signatures={result.SignaturesChecked} seconds={watch.Elapsed.TotalSeconds:F2} valid={result.IsValid}"));
        foreach (var finding in result.Findings) Console.WriteLine($"finding {finding}");
        return 0;
    }
}
