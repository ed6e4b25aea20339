using System.Text;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Anchoring;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Engine.Tests.Audit.Anchoring;

/// <summary>The digest format ("d1"), its file, its hash links, the auditDigests configuration key, the store's
/// digest record and the checkpointed chain walks.</summary>
public sealed class AuditDigestAnchorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static AuditDigest Sample(string signature = "c2lnbmF0dXJl") => new()
    {
        Environment = "prod", Number = 2, FirstSequence = 3, LastSequence = 4, HeadHash = new string('b', 64),
        HeadAuditId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), GenesisHash = new string('c', 64), PreviousDigestHash = new string('d', 64),
        CreatedAtUtc = new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero).AddTicks(1234567),
        KeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", Algorithm = "ECDSA_SHA_256", Signature = signature,
    };

    [Fact]
    public void The_signed_message_is_the_length_prefixed_canonical_text()
    {
        Assert.Equal(
            "d1|4:prod|1:2|1:3|1:4|64:" + new string('b', 64) + "|36:0f8fad5b-d9cb-469f-a165-70867728950e|64:" + new string('c', 64) + "|64:" +
            new string('d', 64) + "|28:2026-11-02T09:30:00.1234567Z|75:arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab|13:ECDSA_SHA_256",
            Encoding.UTF8.GetString(Sample().SignedMessage()));
        Assert.Equal("digest-000000000002.json", Sample().FileName);
    }

    [Fact]
    public void The_hash_covers_the_signature_and_every_signed_field()
    {
        var hash = Sample().Hash;
        Assert.Equal(AuditHasher.Sha256Hex(Sample().CanonicalText() + "|12:c2lnbmF0dXJl"), hash);
        Assert.NotEqual(hash, Sample("b3RoZXI=").Hash);
        Assert.NotEqual(hash, (Sample() with { LastSequence = 5 }).Hash);
        Assert.NotEqual(hash, (Sample() with { Environment = "prod2" }).Hash);
    }

    [Fact]
    public void A_file_reads_back_as_the_same_digest_and_anything_else_is_refused_naming_why()
    {
        Assert.Equal(Sample(), AuditDigest.Parse(Sample().ToJson()));
        var json = Encoding.UTF8.GetString(Sample().ToJson());
        Assert.Contains("\"headAuditId\": \"0f8fad5b-d9cb-469f-a165-70867728950e\"", json);
        var unsigned = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        unsigned.Remove("signature");
        Assert.Equal("signature is missing", Assert.Throws<FormatException>(() => AuditDigest.Parse(Encoding.UTF8.GetBytes(unsigned.ToJsonString()))).Message);
        Assert.Contains("unknown member 'sig'", Assert.Throws<FormatException>(() => AuditDigest.Parse(Encoding.UTF8.GetBytes(json.Replace("\"signature\"", "\"sig\"")))).Message);
        Assert.Contains("version 2", Assert.Throws<FormatException>(() => AuditDigest.Parse(Encoding.UTF8.GetBytes(json.Replace("\"version\": 1", "\"version\": 2")))).Message);
        Assert.Contains("64 lowercase hex", Assert.Throws<FormatException>(() => AuditDigest.Parse(Encoding.UTF8.GetBytes(json.Replace(new string('b', 64), new string('B', 64))))).Message);
        Assert.Contains("not valid JSON", Assert.Throws<FormatException>(() => AuditDigest.Parse("{\"version\": 1,"u8)).Message);
    }

    [Fact]
    public void The_folder_writes_whole_files_never_over_one_and_finds_the_newest_without_its_hint()
    {
        var folder = new DigestFolder(_directory.File("digests"));
        Assert.Null(folder.ReadNewest());
        folder.Write(Sample() with { Number = 1 });
        folder.Write(Sample());
        Assert.Throws<IOException>(() => folder.Write(Sample()));
        Assert.Equal(2, folder.ReadNewest()!.Number);
        File.WriteAllText(_directory.File("digests", "LATEST"), "1");   // a stale hint is checked against the files
        Assert.Equal(2, folder.ReadNewest()!.Number);
        File.WriteAllText(_directory.File("digests", "notes.txt"), "not a digest");
        File.WriteAllText(_directory.File("digests", AuditDigest.FileNameOf(3)), "garbage");
        var all = folder.ReadAll();
        Assert.Equal([1L, 2L, 3L], all.Select(f => DigestFolder.NumberOf(f.Path)!.Value));
        Assert.Null(all[2].Digest);
        Assert.Contains("not valid JSON", all[2].Problem);
        Assert.Throws<FormatException>(() => folder.ReadNewest());
    }

    [Fact]
    public void The_environments_file_reads_auditDigests_and_refuses_what_is_wrong_naming_the_key()
    {
        static string File(string digests) =>
            $$"""{ "environments": { "prod": { "region": "us-east-1", "accountId": "123456789012", "auditDigests": {{digests}} } } }""";
        var env = Assert.Single(ConfigurationFile.Parse(File("""{ "path": "/mnt/audit-digests/prod", "keyId": "alias/buzzkeymgmt-audit-digest" }"""), "f.json"));
        Assert.Equal(("/mnt/audit-digests/prod", "alias/buzzkeymgmt-audit-digest"), (env.AuditDigests!.Path, env.AuditDigests.KeyId));
        Assert.Null(Assert.Single(ConfigurationFile.Parse("""{ "environments": { "dev": { "region": "us-east-1", "accountId": "123456789012" } } }""", "f.json")).AuditDigests);
        Assert.Equal("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            Assert.Single(ConfigurationFile.Parse(File("""{ "path": "/d", "keyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }"""), "f.json")).AuditDigests!.KeyId);

        void Refused(string digests, string key, string expected)
        {
            var e = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Parse(File(digests), "f.json"));
            Assert.Contains(key, e.Message);
            Assert.Contains(expected, e.Message);
        }
        Refused("""{ "path": "digests", "keyId": "alias/x" }""", "environments.prod.auditDigests.path", "not an absolute path");
        Refused("""{ "path": "/d" }""", "environments.prod.auditDigests.keyId", "missing");
        Refused("""{ "path": "/d", "keyId": "my key" }""", "environments.prod.auditDigests.keyId", "not valid");
        Refused("""{ "path": "/d", "keyId": "alias/x", "bucket": "b" }""", "environments.prod.auditDigests.bucket", "unknown key");
        Refused("\"/d\"", "environments.prod.auditDigests", "expected an object");
    }

    [Fact]
    public void The_sandbox_default_puts_digests_beside_a_sqlite_store()
    {
        var store = new SqliteAuditStore(_directory.File("data", "audit.db"));
        Assert.Equal(_directory.File("data", "digests", "audit"), new AuditDigestSettings(null, "alias/x").FolderFor(store));
        Assert.Equal("/mnt/d", new AuditDigestSettings("/mnt/d", "alias/x").FolderFor(store));
    }

    [Fact]
    public void Chain_walks_record_their_checkpoints_and_the_store_keeps_its_digest_record()
    {
        var store = new SqliteAuditStore(_directory.File("audit.db"));
        store.Migrate();
        var environment = SampleEntries.NewEnvironment();
        for (var i = 0; i < 3; i++)
        {
            var started = SampleEntries.Started(environment, SampleEntries.NewKeyId(), minute: i);
            store.Append(started);
            store.Append(SampleEntries.Completed(started));
        }
        var rows = store.ReadChain().ToList();
        var fast = new ChainCheckpoints([2, 6, 1, 9]);
        var slow = new ChainCheckpoints([2, 6, 1, 9]);
        Assert.True(store.VerifyChain(fast).IsValid);                                           // SQLite's own scanner
        Assert.True(ChainVerifier.Verify(store.ReadChain(), checkpoints: slow).IsValid);        // the generic walk
        foreach (var found in new[] { fast.Found, slow.Found })
        {
            Assert.Equal([1L, 2L, 6L], found.Keys.Order());   // 9 is past the end
            Assert.Equal(new AuditChainPosition(6, rows[5].RowHash, rows[5].AuditId), found[6]);
        }
        Assert.Equal(new AuditChainPosition(6, rows[5].RowHash, rows[5].AuditId), store.ReadHead());
        Assert.Equal(rows[2].RowHash, store.ReadPosition(3)!.RowHash);
        Assert.Null(store.ReadPosition(7));

        Assert.Null(store.ReadNewestDigestMark());
        var mark = new AuditDigestMark(1, 1, 6, rows[5].RowHash, new string('e', 64), new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        Assert.True(store.RecordDigest(mark));
        Assert.True(store.RecordDigest(mark));   // once only, and again is no error
        Assert.Equal(mark, store.ReadNewestDigestMark());
    }

    [Fact]
    public void The_alert_body_carries_the_chain_head_and_the_whole_digest_and_reads_back()
    {
        var alert = new KeyAlert
        {
            Environment = "prod", Operation = "REVOKE", Outcome = KeyAlert.Succeeded, ChainHead = new AuditChainHead(4, new string('b', 64)), Digest = Sample(),
        };
        var body = alert.Body;
        Assert.Contains("\"chainHead\":{\"sequence\":4,\"rowHash\":\"" + new string('b', 64) + "\"}", body);
        Assert.Contains($"\"hash\":\"{Sample().Hash}\"", body);
        var back = KeyAlert.FromBody(body)!;
        Assert.Equal(alert.ChainHead, back.ChainHead);
        Assert.Equal(Sample(), back.Digest);
    }
}
