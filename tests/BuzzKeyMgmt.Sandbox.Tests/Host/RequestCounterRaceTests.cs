using BuzzKeyMgmt.Sandbox.Routing;

namespace BuzzKeyMgmt.Sandbox.Tests.Host;

/// <summary>The request counter under contention, in process: threads released together lose no increment, not even the first one of a target.</summary>
public sealed class RequestCounterRaceTests
{
    [Fact]
    public void Concurrent_counts_are_all_kept_including_each_targets_first()
    {
        var counter = new RequestCounter();
        int threads = Math.Max(4, Environment.ProcessorCount * 2);
        const int rounds = 10_000, tight = 200_000;
        using var barrier = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            barrier.SignalAndWait();
            for (int i = 0; i < tight; i++) counter.Count("KMS", "DescribeKey");   // one hot target
            for (int round = 0; round < rounds; round++)
            {
                barrier.SignalAndWait();
                counter.Count("KMS", $"Op{round}");   // a new target each round: its box is created under contention
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());

        var counts = counter.Snapshot();
        Assert.Equal((long)threads * tight, counter.Get("KMS.DescribeKey"));
        Assert.Equal(rounds + 1, counts.Count);
        Assert.All(Enumerable.Range(0, rounds), round => Assert.Equal(threads, counts[$"KMS.Op{round}"]));
    }
}
