using System.Runtime.CompilerServices;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Fleet;

namespace BuzzKeyMgmt.Engine.Tests.Fleet;

/// <summary>Reading several environments at once: every item of every stream comes through, a stream that fails is one
/// failure of its environment while the others go on, and stopping early cancels every stream.</summary>
public sealed class FleetMergeTests
{
    private readonly List<string> _events = new();

    private async IAsyncEnumerable<int> Numbers(string name, int count, int delayMs, bool failAtEnd, [EnumeratorCancellation] CancellationToken cancellation)
    {
        lock (_events) _events.Add("start " + name);
        for (var i = 0; i < count; i++)
        {
            await Task.Delay(delayMs, cancellation);
            yield return i;
        }
        lock (_events) _events.Add("end " + name);
        if (failAtEnd) throw new KeyMgmtException("AccessDenied", FailureKind.PermissionDenied, "ListKeys denied");
    }

    [Fact]
    public async Task Streams_run_at_once_and_a_failing_one_is_one_failure_of_its_environment()
    {
        var sources = new List<(string, Func<CancellationToken, IAsyncEnumerable<int>>)>
        {
            ("a", ct => Numbers("a", 20, 10, false, ct)),
            ("b", ct => Numbers("b", 20, 10, true, ct)),
            ("c", ct => Numbers("c", 20, 10, false, ct)),
        };
        var items = new List<FleetItem<int>>();
        await foreach (var item in FleetMerge.MergeAsync(sources, CancellationToken.None)) items.Add(item);

        Assert.Equal(60, items.Count(i => i.Failure is null));
        var failure = Assert.Single(items, i => i.Failure is not null);
        Assert.Equal("b", failure.Environment);
        Assert.Equal("AccessDenied", failure.Failure!.ErrorId);
        Assert.All(new[] { "a", "b", "c" }, e => Assert.Equal(20, items.Count(i => i.Environment == e && i.Failure is null)));
        // Side by side, not one after another: every stream had started before the first one ended.
        var firstEnd = _events.FindIndex(e => e.StartsWith("end ", StringComparison.Ordinal));
        Assert.Equal(3, _events.Take(firstEnd).Count(e => e.StartsWith("start ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Stopping_early_cancels_every_stream()
    {
        var cancelled = 0;
        async IAsyncEnumerable<int> Endless([EnumeratorCancellation] CancellationToken ct)
        {
            try
            {
                for (var i = 0; ; i++)
                {
                    await Task.Delay(5, ct);
                    yield return i;
                }
            }
            finally { Interlocked.Increment(ref cancelled); }
        }
        var sources = Enumerable.Range(0, 4).Select(n => ($"e{n}", (Func<CancellationToken, IAsyncEnumerable<int>>)(ct => Endless(ct)))).ToList();
        var taken = 0;
        await foreach (var _ in FleetMerge.MergeAsync(sources, CancellationToken.None))
            if (++taken == 10) break;
        Assert.Equal(4, Volatile.Read(ref cancelled));
    }

    [Fact]
    public void Environment_patterns_match_case_insensitively_and_a_pattern_matching_nothing_is_an_error()
    {
        var catalog = new EnvironmentCatalog();
        foreach (var name in new[] { "prod-use1", "prod-euw2", "staging" })
            catalog.Register(new KeyMgmtEnvironment { Name = name, Region = "us-east-1", AccountId = "123456789012", Source = "session" });
        Assert.Equal(["prod-use1", "prod-euw2"], EnvironmentSelection.Resolve(catalog, ["PROD-*"]).Select(e => e.Name).Order().Reverse());
        Assert.Equal(3, EnvironmentSelection.Resolve(catalog, ["*", "staging"]).Count);
        var e = Assert.Throws<KeyMgmtException>(() => EnvironmentSelection.Resolve(catalog, ["prod-*", "dr-*"]));
        Assert.Equal("EnvironmentNotFound", e.ErrorId);
        Assert.Contains("'dr-*'", e.Message);
        Assert.Contains("staging", e.Message);
    }
}
