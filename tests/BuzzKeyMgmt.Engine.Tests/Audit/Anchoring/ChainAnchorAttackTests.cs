using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Anchoring;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Operations.Revocation;
using BuzzKeyMgmt.Engine.Tests.Operations;
using BuzzKeyMgmt.Sandbox.Kms;
using Microsoft.Data.Sqlite;

namespace BuzzKeyMgmt.Engine.Tests.Audit.Anchoring;

/// <summary>
/// The chain anchored outside its database, end to end (a real sandbox, STS roles, SQLite store, the runner): every
/// operation signs a digest with the sandbox's KMS key, its result and alert carry the chain head and digest, and each
/// of the four attacks that a plain chain walk misses (rows deleted at the tail, the file deleted and the store
/// recreated, the chain edited and recomputed with the public canonical form, an older copy restored) is caught with
/// its own finding; so is a digest that does not verify, a missing digest, and a digest forged without the KMS key.
/// </summary>
public sealed class ChainAnchorAttackTests : IAsyncLifetime
{
    private readonly RunnerHarness _h = new();
    private KeyMgmtSession _emergency = null!;

    public async Task InitializeAsync() => _emergency = await _h.ConnectAsync(KeyMgmtRole.Emergency);

    public Task DisposeAsync()
    {
        _h.Dispose();
        return Task.CompletedTask;
    }

    private string Folder => new AuditDigestSettings(null, KmsService.AuditDigestAlias).FolderFor(_h.Store)!;

    private async Task<RevocationResult> RevokeAsync(KeyMgmtSession? session = null)
    {
        using var runner = _h.Runner(session ?? _emergency);
        return await runner.RunAsync(new Revocation(new RevocationRequest(_h.NewKey(), "INC-2026-0042", "anchor test")), CancellationToken.None);
    }

    private async Task<List<RevocationResult>> RevokeManyAsync(int count)
    {
        var results = new List<RevocationResult>();
        for (var i = 0; i < count; i++) results.Add(await RevokeAsync());
        return results;
    }

    private Task<AnchoredChainVerification> VerifyAsync(string? keyId = null) =>
        AnchoredChainVerifier.VerifyAsync(_h.Store, Folder, _emergency, keyId ?? KmsService.AuditDigestAlias);

    /// <summary>SQL as the database's owner runs it: with the append-only triggers dropped first.</summary>
    private void AsOwner(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={_h.Store.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER IF EXISTS TR_KeyManagementAudit_NoUpdate; DROP TRIGGER IF EXISTS TR_KeyManagementAudit_NoDelete; " + sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    private static AuditChainFinding Only(AnchoredChainVerification v, AuditChainFindingKind kind)
    {
        Assert.False(v.IsValid);
        var errors = v.Findings.Where(f => f.Severity == AuditFindingSeverity.Error).ToList();
        Assert.True(errors.Count == 1 && errors[0].Kind == kind, $"expected only {kind}, found: {string.Join(" | ", v.Findings)}");
        return errors[0];
    }

    [Fact]
    public async Task Every_operation_signs_a_digest_that_its_result_and_alert_carry_and_that_verifies_offline()
    {
        var results = await RevokeManyAsync(3);
        for (var i = 0; i < 3; i++)
        {
            var result = results[i];
            var completed = _h.Store.ReadChain().Single(r => r.AuditId == result.AuditId);
            Assert.Equal(new AuditChainHead(completed.Sequence, completed.RowHash), result.ChainHead);
            Assert.Equal(i + 1, result.Digest!.Number);
            Assert.Equal((2 * i + 1, 2 * i + 2), (result.Digest.FirstSequence, result.Digest.LastSequence));
            Assert.Equal(completed.RowHash, result.Digest.HeadHash);
            Assert.Equal(_h.Server.AuditDigestKeyArn, result.Digest.KeyId);
            Assert.Equal("ECDSA_SHA_256", result.Digest.Algorithm);
            Assert.Equal(result.Digest, AuditDigest.Parse(File.ReadAllBytes(Path.Combine(Folder, result.Digest.FileName))));
            Assert.Empty(result.Warnings);
        }
        Assert.Equal(results[1].Digest!.Hash, results[2].Digest!.PreviousDigestHash);

        // The alert of the last revocation publishes the same chain head and the whole signed digest.
        var body = JsonNode.Parse(_h.Server.Messages.Last(m => m.Message.Contains(results[2].AlertId!, StringComparison.Ordinal)).Message)!;
        Assert.Equal(results[2].ChainHead!.Sequence, body["chainHead"]!["sequence"]!.GetValue<long>());
        Assert.Equal(results[2].ChainHead!.RowHash, body["chainHead"]!["rowHash"]!.GetValue<string>());
        Assert.Equal(results[2].Digest!.Hash, body["digest"]!["hash"]!.GetValue<string>());
        Assert.Equal(results[2].Digest!.Signature, body["digest"]!["signature"]!.GetValue<string>());

        // Anyone with the public key checks a digest without KMS.
        var publicKey = (await _h.RootKms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = KmsService.AuditDigestAlias })).PublicKey.ToArray();
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(publicKey, out _);
        Assert.True(ecdsa.VerifyData(results[2].Digest!.SignedMessage(), Convert.FromBase64String(results[2].Digest!.Signature),
            HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        var verified = await VerifyAsync();
        Assert.True(verified.IsValid, string.Join(" | ", verified.Findings));
        Assert.Empty(verified.Findings);
        Assert.Equal((DigestCheck.Newest, 3, 1, 1), (verified.Mode, verified.DigestsListed, verified.DigestsRead, verified.SignaturesChecked));
        Assert.Equal(6, verified.StoreLastSequence);
        var all = await AnchoredChainVerifier.VerifyAsync(_h.Store, Folder, _emergency, KmsService.AuditDigestAlias, DigestCheck.AllDigests);
        Assert.True(all.IsValid);
        Assert.Equal((3, 3, 1), (all.DigestsRead, all.DigestsAuthenticated, all.SignaturesChecked));
        Assert.Equal(3, (await AnchoredChainVerifier.VerifyAsync(_h.Store, Folder, _emergency, KmsService.AuditDigestAlias, DigestCheck.AllSignatures)).SignaturesChecked);
        Assert.Equal(3, _h.Store.ReadNewestDigestMark()!.Number);
    }

    [Fact]
    public async Task Operations_at_once_share_one_unbroken_chain_of_digests_each_covering_its_own_rows()
    {
        var keys = Enumerable.Range(0, 8).Select(_ => _h.NewKey()).ToList();
        var results = await Task.WhenAll(keys.Select(async key =>
        {
            using var runner = _h.Runner(_emergency);
            return await runner.RunAsync(new Revocation(new RevocationRequest(key, "INC-2026-0042", "at once")), CancellationToken.None);
        }));
        Assert.All(results, r =>
        {
            Assert.Empty(r.Warnings);
            Assert.True(r.Digest!.LastSequence >= r.ChainHead!.Sequence, $"digest #{r.Digest.Number} ends at {r.Digest.LastSequence}, before {r.ChainHead}");
        });
        var numbers = new DigestFolder(Folder).ListNumbers();
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => (long)n), numbers);   // no fork, no gap
        var all = await AnchoredChainVerifier.VerifyAsync(_h.Store, Folder, _emergency, KmsService.AuditDigestAlias, DigestCheck.AllDigests);
        Assert.True(all.IsValid, string.Join(" | ", all.Findings));
        Assert.Equal(16, all.NewestDigest!.LastSequence);
    }

    [Fact]
    public async Task Requests_and_approvals_are_anchored_as_the_users_who_write_them()
    {
        var key = _h.NewKey();
        await RecoveryFlow.RevokeAsync(_h, key);
        var request = await RecoveryFlow.ApprovedAsync(_h, key);
        Assert.NotNull(request.ChainHead);
        Assert.Equal(request.ChainHead!.Sequence, request.Digest!.LastSequence);
        var digests = new DigestFolder(Folder).ReadAll();
        Assert.Equal(4, digests.Count);   // revoke, request, two approvals
        Assert.Equal(["sandbox", "sandbox", "sandbox-approver1", "sandbox-approver2"], digests.Select(d => d.Digest!.Environment));
        var reader = await _h.ConnectAsync(KeyMgmtRole.Admin);   // RecoveryFlow's own Emergency session replaced this test's
        Assert.True((await AnchoredChainVerifier.VerifyAsync(_h.Store, Folder, reader, KmsService.AuditDigestAlias)).IsValid);
    }

    [Fact]
    public async Task Rows_deleted_at_the_tail_pass_the_chain_walk_but_not_the_digests()
    {
        await RevokeManyAsync(3);
        AsOwner("DELETE FROM KeyManagementAudit WHERE Sequence > 4;");
        Assert.True(_h.Store.VerifyChain().IsValid);   // what Test-KeyAuditIntegrity alone saw: a valid, shorter chain

        var finding = Only(await VerifyAsync(), AuditChainFindingKind.TailRowsMissing);
        Assert.Equal(5, finding.Sequence);
        Assert.Contains("rows 5-6 were removed from the end", finding.Detail);
        Assert.Contains("digest #3", finding.Detail);
    }

    [Fact]
    public async Task An_older_copy_restored_is_a_rollback_before_and_after_it_is_written_to()
    {
        await RevokeAsync();
        var copy = Path.Combine(Path.GetDirectoryName(_h.Store.DatabasePath)!, "copy-after-one.db");
        using (var live = new SqliteConnection($"Data Source={_h.Store.DatabasePath};Pooling=False"))
        using (var backup = new SqliteConnection($"Data Source={copy};Pooling=False"))
        {
            live.Open();
            backup.Open();
            live.BackupDatabase(backup);
        }
        await RevokeManyAsync(2);
        using (var old = new SqliteConnection($"Data Source={copy};Pooling=False"))
        using (var live = new SqliteConnection($"Data Source={_h.Store.DatabasePath};Pooling=False"))
        {
            old.Open();
            live.Open();
            old.BackupDatabase(live);   // the owner restores the older copy, as sqlite3's .restore does
        }
        Assert.True(_h.Store.VerifyChain().IsValid);
        var restored = Only(await VerifyAsync(), AuditChainFindingKind.Rollback);
        Assert.Equal(3, restored.Sequence);
        Assert.Contains("exactly as digest #1", restored.Detail);

        // The next operation is not anchored on top of the rollback: it warns, and the rollback stays visible.
        var next = await RevokeAsync();
        Assert.Null(next.Digest);
        Assert.Contains(next.Warnings, w => w.Contains("no longer holds the chain that digest #3 signed", StringComparison.Ordinal));
        Assert.Equal(3, new DigestFolder(Folder).ReadAll().Count);
        var written = Only(await VerifyAsync(), AuditChainFindingKind.Rollback);
        Assert.Equal(3, written.Sequence);
        Assert.Contains("then holds other rows", written.Detail);
    }

    [Fact]
    public async Task A_chain_edited_and_recomputed_with_the_public_canonical_form_is_a_rewritten_chain()
    {
        await RevokeManyAsync(3);
        // The owner changes row 3's reason and recomputes every hash from there on, as sql/README.md describes the form.
        var rows = _h.Store.ReadChain().ToList();
        var previous = rows[1].RowHash;
        var updates = new List<string>();
        foreach (var row in rows.Skip(2))
        {
            var content = row.Sequence == 3 ? row with { Reason = "routine maintenance" } : row;
            var hash = AuditHasher.ComputeRowHash(content, row.Sequence, previous);
            updates.Add($"UPDATE KeyManagementAudit SET Reason = '{content.Reason}', PreviousHash = '{previous}', RowHash = '{hash}' WHERE Sequence = {row.Sequence};");
            previous = hash;
        }
        AsOwner(string.Concat(updates));
        Assert.True(_h.Store.VerifyChain().IsValid);   // the store's own chain verifies again

        var finding = Only(await VerifyAsync(), AuditChainFindingKind.RewrittenChain);
        Assert.Equal(3, finding.Sequence);
        Assert.Equal(2, finding.DigestNumber);
        Assert.Contains("a row in 3-4 was edited and the chain recomputed", finding.Detail);
    }

    [Fact]
    public async Task A_deleted_store_recreated_empty_and_then_written_to_is_a_recreated_store()
    {
        await RevokeManyAsync(2);
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_h.Store.DatabasePath + suffix);
        _h.Store.Migrate();   // what the default store does on its next use: a new, empty file
        Assert.True(_h.Store.VerifyChain().IsValid);
        var empty = Only(await VerifyAsync(), AuditChainFindingKind.RecreatedStore);
        Assert.Contains("the store is empty", empty.Detail);

        var next = await RevokeAsync();
        Assert.Null(next.Digest);
        Assert.Contains(next.Warnings, w => w.Contains("no longer holds the chain", StringComparison.Ordinal));
        Assert.Equal(2, _h.Store.VerifyChain().LastSequence);   // a new chain started at 1
        var written = Only(await VerifyAsync(), AuditChainFindingKind.RecreatedStore);
        Assert.Contains("a new chain started at 1", written.Detail);
    }

    [Fact]
    public async Task A_digest_altered_after_signing_does_not_verify()
    {
        await RevokeManyAsync(3);
        var file = Path.Combine(Folder, AuditDigest.FileNameOf(3));
        var digest = AuditDigest.Parse(File.ReadAllBytes(file));
        File.WriteAllBytes(file, (digest with { LastSequence = 5, HeadHash = new string('a', 64) }).ToJson());

        var v = await VerifyAsync();
        var finding = Only(v, AuditChainFindingKind.DigestNotVerified);
        Assert.Equal(3, finding.DigestNumber);
        Assert.Contains("does not verify with the public key", finding.Detail);
        Assert.Equal(2, v.NewestDigest!.Number);   // the store is held to the newest digest that verifies
        Assert.Contains(v.Findings, f => f.Kind == AuditChainFindingKind.UndigestedRows);
    }

    [Fact]
    public async Task Digests_forged_without_the_KMS_key_do_not_verify_so_a_rewritten_chain_stays_caught()
    {
        await RevokeManyAsync(2);
        // The owner rewrites row 2 and recomputes the chain, then re-signs every digest with a key of their own.
        var rows = _h.Store.ReadChain().ToList();
        var forged = rows[1] with { Reason = "nothing happened" };
        var hash = AuditHasher.ComputeRowHash(forged, 2, rows[0].RowHash);
        var row3 = AuditHasher.ComputeRowHash(rows[2], 3, hash);
        var row4 = AuditHasher.ComputeRowHash(rows[3], 4, row3);
        AsOwner($"UPDATE KeyManagementAudit SET Reason = 'nothing happened', RowHash = '{hash}' WHERE Sequence = 2; " +
                $"UPDATE KeyManagementAudit SET PreviousHash = '{hash}', RowHash = '{row3}' WHERE Sequence = 3; " +
                $"UPDATE KeyManagementAudit SET PreviousHash = '{row3}', RowHash = '{row4}' WHERE Sequence = 4;");
        using var ownKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var folder = new DigestFolder(Folder);
        var previous = AuditDigest.NoPreviousDigest;
        foreach (var original in folder.ReadAll().Select(f => f.Digest!))
        {
            var digest = original with { HeadHash = original.LastSequence == 2 ? hash : row4, PreviousDigestHash = previous };
            digest = digest with { Signature = Convert.ToBase64String(ownKey.SignData(digest.SignedMessage(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)) };
            File.WriteAllBytes(folder.FileOf(digest.Number), digest.ToJson());
            previous = digest.Hash;
        }
        Assert.True(_h.Store.VerifyChain().IsValid);

        var v = await VerifyAsync();
        Assert.False(v.IsValid);
        Assert.Equal([1L, 2L], v.Findings.Where(f => f.Kind == AuditChainFindingKind.DigestNotVerified).Select(f => f.DigestNumber!.Value).Order());
        Assert.Equal(0, v.DigestsAuthenticated);
        // And nobody but the roles that write rows can make KMS sign: the trainee is refused.
        var trainee = await _h.ConnectAsync(KeyMgmtRole.None, user: "trainee", change: "CHG-2026-0107");
        var refused = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => trainee.Kms.SignAsync(new SignRequest
        {
            KeyId = KmsService.AuditDigestAlias, Message = new MemoryStream([1, 2, 3]), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        }));
        Assert.Equal("AccessDeniedException", refused.ErrorCode);
    }

    [Fact]
    public async Task An_older_digest_altered_is_read_only_with_AllDigests_the_newest_already_proving_the_store()
    {
        await RevokeManyAsync(3);
        var file = Path.Combine(Folder, AuditDigest.FileNameOf(1));
        File.WriteAllBytes(file, (AuditDigest.Parse(File.ReadAllBytes(file)) with { Environment = "elsewhere" }).ToJson());

        var quick = await VerifyAsync();
        Assert.True(quick.IsValid);   // the newest digest's signature and the row chain prove rows 1-6; digest #1 was not read
        Assert.Equal((DigestCheck.Newest, 1L), (quick.Mode, quick.DigestsRead));

        var all = await AnchoredChainVerifier.VerifyAsync(_h.Store, Folder, _emergency, KmsService.AuditDigestAlias, DigestCheck.AllDigests);
        Assert.False(all.IsValid);
        Assert.Contains(all.Findings, f => f.Kind == AuditChainFindingKind.DigestChainBroken && f.DigestNumber == 2);
        Assert.Contains(all.Findings, f => f.Kind == AuditChainFindingKind.DigestNotVerified && f.DigestNumber == 1);
    }

    [Fact]
    public async Task A_digest_removed_from_the_folder_breaks_the_chain_of_digests()
    {
        await RevokeManyAsync(3);
        File.Delete(Path.Combine(Folder, AuditDigest.FileNameOf(2)));
        var finding = Only(await VerifyAsync(), AuditChainFindingKind.DigestChainBroken);
        Assert.Equal(3, finding.DigestNumber);
        Assert.Contains("#2-#2 are missing", finding.Detail);
    }

    [Fact]
    public async Task Digests_signed_by_another_key_than_the_environment_names_do_not_verify()
    {
        await RevokeManyAsync(1);
        var other = (await _h.RootKms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.Arn;
        var finding = Only(await VerifyAsync(other), AuditChainFindingKind.DigestNotVerified);
        Assert.Contains($"not the digest key {other}", finding.Detail);
    }

    [Fact]
    public async Task An_HMAC_key_signs_with_GenerateMac_and_verifies_with_VerifyMac()
    {
        var hmac = (await _h.RootKms.CreateKeyAsync(new CreateKeyRequest
        {
            KeySpec = KeySpec.HMAC_256, KeyUsage = KeyUsageType.GENERATE_VERIFY_MAC,
            Tags = [new Tag { TagKey = KmsService.AuditDigestTagKey, TagValue = KmsService.AuditDigestTagValue }],
        })).KeyMetadata.Arn;
        var sandbox = _h.Context.Environments.Require("sandbox");
        _h.Context.Environments.Register(new KeyMgmtEnvironment
        {
            Name = "sandbox-hmac", Region = sandbox.Region, AccountId = sandbox.AccountId, AdminRoleArn = sandbox.AdminRoleArn,
            EmergencyRoleArn = sandbox.EmergencyRoleArn, RecoveryRoleArn = sandbox.RecoveryRoleArn, MfaSerialNumber = sandbox.MfaSerialNumber,
            AlertTopicArn = sandbox.AlertTopicArn, EndpointUrl = sandbox.EndpointUrl, Source = "session", BaseCredentials = sandbox.BaseCredentials,
            Clock = sandbox.Clock, AuditDigests = new AuditDigestSettings(null, hmac),
        });
        var session = await _h.Context.ConnectAsync(new ConnectRequest("sandbox-hmac", KeyMgmtRole.Admin), CancellationToken.None);
        using (session)
        {
            using (var runner = _h.Runner(session))
            {
                var result = await runner.RunAsync(new Engine.Rotation.RotationPolicyChange(_h.NewKey(), 90, false, 90, false, null, "INC-2026-0042"), CancellationToken.None);
                Assert.Equal("HMAC_SHA_256", result.Digest!.Algorithm);
                Assert.Equal(hmac, result.Digest.KeyId);
            }
            Assert.True((await AnchoredChainVerifier.VerifyAsync(_h.Store, Folder, session, hmac)).IsValid);
            var file = Path.Combine(Folder, AuditDigest.FileNameOf(1));
            var digest = AuditDigest.Parse(File.ReadAllBytes(file));
            File.WriteAllBytes(file, (digest with { CreatedAtUtc = digest.CreatedAtUtc.AddDays(-1) }).ToJson());
            var finding = Only(await AnchoredChainVerifier.VerifyAsync(_h.Store, Folder, session, hmac), AuditChainFindingKind.DigestNotVerified);
            Assert.Contains("VerifyMac", finding.Detail);
        }
    }
}
