using System.Collections.Concurrent;
using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

/// <summary>Parallel callers on the same keys: no exception, every answer consistent, final state as the last writer left it.</summary>
public sealed class ConcurrencyTests
{
    private readonly KmsFixture _f = new();

    [Fact]
    public void Parallel_DescribeKey_with_Disable_Enable_on_the_same_keys_stays_consistent()
    {
        var ids = Enumerable.Range(0, 8).Select(i =>
        {
            var id = _f.CreateKey();
            _f.Ok("CreateAlias", new { AliasName = $"alias/hot-{i}", TargetKeyId = id });
            return id;
        }).ToArray();
        var problems = new ConcurrentQueue<string>();
        var reads = 0;
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, worker =>
        {
            if (worker < 8)
            {
                for (var n = 0; n < 300; n++)
                {
                    var op = n % 2 == 0 ? "DisableKey" : "EnableKey";
                    var a = _f.Call(op, new { KeyId = ids[worker] });
                    if (a.Status != 200) problems.Enqueue($"{op}: {a.Body.ToJsonString()}");
                }
                return;
            }
            for (var n = 0; n < 1500; n++)
            {
                var keyRef = n % 2 == 0 ? ids[n % 8] : $"alias/hot-{n % 8}";
                var a = _f.Call("DescribeKey", new { KeyId = keyRef });
                Interlocked.Increment(ref reads);
                if (a.Status != 200) { problems.Enqueue($"DescribeKey: {a.Body.ToJsonString()}"); continue; }
                var meta = a.Body["KeyMetadata"]!;
                var state = meta["KeyState"]!.GetValue<string>();
                if (state is not ("Enabled" or "Disabled") || meta["Enabled"]!.GetValue<bool>() != (state == "Enabled") || meta["KeyId"]!.GetValue<string>() != ids[n % 8])
                    problems.Enqueue($"inconsistent: {meta.ToJsonString()}");
            }
        });
        Assert.Empty(problems);
        Assert.Equal(8 * 1500, reads);
        Assert.All(ids, id => Assert.Equal("Enabled", _f.State(id)));   // each writer's last call was EnableKey
    }

    [Fact]
    public void Parallel_Encrypt_during_on_demand_rotations_all_decrypt_afterwards()
    {
        var id = _f.CreateKey();
        var blobs = new ConcurrentQueue<(string Blob, string Plain)>();
        var problems = new ConcurrentQueue<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            for (var n = 0; n < 50; n++)
            {
                if (worker == 0 && n < 20)
                {
                    var r = _f.Call("RotateKeyOnDemand", new { KeyId = id });
                    if (r.Status != 200) problems.Enqueue(r.Body.ToJsonString());
                }
                var plain = $"w{worker}-n{n}";
                var a = _f.Call("Encrypt", new { KeyId = id, Plaintext = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(plain)) });
                if (a.Status != 200) problems.Enqueue(a.Body.ToJsonString());
                else blobs.Enqueue((a["CiphertextBlob"].GetValue<string>(), plain));
            }
        });
        Assert.Empty(problems);
        Assert.Equal(400, blobs.Count);
        Assert.Equal(20, _f.Ok("ListKeyRotations", new { KeyId = id })["Rotations"].AsArray().Count);
        foreach (var (blob, plain) in blobs)
        {
            var back = _f.Ok("Decrypt", new { CiphertextBlob = blob })["Plaintext"].GetValue<string>();
            Assert.Equal(plain, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(back)));
        }
    }

    [Fact]
    public void Parallel_CreateKey_Seed_and_ListKeys_lose_no_key()
    {
        var created = new ConcurrentBag<string>();
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, worker =>
        {
            if (worker == 0) { _f.Kms.Seed(300, "alias/par-", rotationMix: true); return; }
            for (var n = 0; n < 40; n++)
            {
                created.Add(_f.CreateKey());
                if (n % 10 == 0) Assert.Equal(200, _f.Call("ListKeys", new { Limit = 1000 }).Status);
            }
        });
        var listed = new HashSet<string>();
        string? marker = null;
        do
        {
            var page = _f.Ok("ListKeys", new { Limit = 100, Marker = marker });
            foreach (var k in page["Keys"].AsArray()) Assert.True(listed.Add(k!["KeyId"]!.GetValue<string>()));
            marker = page["Truncated"].GetValue<bool>() ? page["NextMarker"].GetValue<string>() : null;
        } while (marker is not null);
        Assert.Equal(2 + 300 + 200, listed.Count);
        Assert.Subset(listed, created.ToHashSet());
    }
}
