using System.Net;
using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Aws;
using Microsoft.Extensions.Time.Testing;

namespace BuzzKeyMgmt.Engine.Tests.Services;

/// <summary>The emergency's throttling budget on a fake clock: retried with growing, jittered pauses, given up only when
/// the budget is spent, nothing else retried; and the SDK's client-side throttling is throttling, never a network error.</summary>
public class ThrottleBudgetTests
{
    private static AmazonServiceException Throttling() =>
        new("Rate exceeded", ErrorType.Sender, "ThrottlingException", "req", HttpStatusCode.BadRequest);

    /// <summary>The SDK's adaptive retry mode, when its token bucket has no capacity (AWSSDK.Core's own wording).</summary>
    private static AmazonClientException ClientSideThrottling(Exception? last = null) =>
        new("While attempting to retry a request error capacity could not be obtained. There is insufficient capacity to attempt the request after attempting to obtain capacity multiple times.", last!);

    private sealed class Clocked
    {
        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        public List<TimeSpan> Pauses { get; } = new();

        public ThrottleBudget Budget(TimeSpan total) => new(total, Clock, (pause, _) =>
        {
            Pauses.Add(pause);
            Clock.Advance(pause);
            return Task.CompletedTask;
        }, new Random(7));
    }

    [Fact]
    public async Task Ten_throttles_in_a_row_are_retried_and_the_call_then_succeeds()
    {
        var c = new Clocked();
        var budget = c.Budget(ThrottleBudget.Emergency);
        var calls = 0;
        var told = new List<string>();

        var result = await budget.RunAsync("DisableKey", _ => ++calls <= 10 ? throw Throttling() : Task.FromResult("done"), CancellationToken.None, told.Add);

        Assert.Equal("done", result);
        Assert.Equal(11, calls);
        Assert.Equal(10, budget.Throttles);
        Assert.Equal(10, c.Pauses.Count);
        Assert.Equal(10, told.Count);
        Assert.Contains("DisableKey was throttled (ThrottlingException: Rate exceeded); retrying in", told[0]);
        for (var i = 0; i < c.Pauses.Count; i++)
        {
            var ceiling = TimeSpan.FromMilliseconds(Math.Min(10_000, 200 * Math.Pow(2, i)));
            Assert.InRange(c.Pauses[i], ceiling / 2, ceiling);   // backoff with jitter: half fixed, half random
        }
        Assert.True(budget.Spent < ThrottleBudget.Emergency);
    }

    [Fact]
    public async Task Throttling_that_never_ends_is_retried_for_exactly_the_budget_then_given_up_with_the_last_answer()
    {
        var c = new Clocked();
        var budget = c.Budget(ThrottleBudget.Emergency);
        var calls = 0;

        var ex = await Assert.ThrowsAsync<ThrottleBudgetExhaustedException>(() =>
            budget.RunAsync<string>("DisableKey", _ => { calls++; throw Throttling(); }, CancellationToken.None));

        Assert.Equal(TimeSpan.FromMinutes(2), c.Pauses.Aggregate(TimeSpan.Zero, (a, b) => a + b));   // the last pause ends on the budget
        Assert.Equal(calls, ex.Throttles);
        Assert.Equal(calls - 1, c.Pauses.Count);
        Assert.All(c.Pauses, p => Assert.True(p <= ThrottleBudget.LongestPause));
        Assert.IsType<AmazonServiceException>(ex.InnerException);

        var explained = AwsErrors.Translate(ex, "Revocation of", "alias/a");
        Assert.Equal(("Throttled", FailureKind.LimitsExceeded), (explained.ErrorId, explained.Kind));
        Assert.Contains("120 s budget", explained.Message);
        Assert.DoesNotContain("-ThrottleLimit", explained.RecommendedAction);
    }

    [Fact]
    public async Task Anything_but_throttling_is_not_retried()
    {
        var c = new Clocked();
        var budget = c.Budget(ThrottleBudget.Emergency);
        var calls = 0;
        var notFound = new AmazonServiceException("no such key", ErrorType.Sender, "NotFoundException", "req", HttpStatusCode.BadRequest);
        var limit = new AmazonServiceException("quota", ErrorType.Sender, "LimitExceededException", "req", HttpStatusCode.BadRequest);

        await Assert.ThrowsAsync<AmazonServiceException>(() => budget.RunAsync<int>("DescribeKey", _ => { calls++; throw notFound; }, CancellationToken.None));
        await Assert.ThrowsAsync<AmazonServiceException>(() => budget.RunAsync<int>("RotateKeyOnDemand", _ => { calls++; throw limit; }, CancellationToken.None));

        Assert.Equal(2, calls);
        Assert.Empty(c.Pauses);
        Assert.Equal("LimitExceeded", AwsErrors.Translate(limit, "Rotation of").ErrorId);   // a quota on resources, not the rate
    }

    [Fact]
    public async Task The_sdks_client_side_throttling_is_retried_like_aws_throttling()
    {
        var c = new Clocked();
        var budget = c.Budget(ThrottleBudget.Emergency);
        var calls = 0;

        var result = await budget.RunAsync("DescribeKey", _ => ++calls <= 2 ? throw ClientSideThrottling(Throttling()) : Task.FromResult(1), CancellationToken.None);

        Assert.Equal((1, 3), (result, calls));
    }

    [Fact]
    public void The_sdks_client_side_throttling_is_reported_as_throttled_never_as_an_unreachable_endpoint()
    {
        foreach (var ex in new Exception[] { ClientSideThrottling(), ClientSideThrottling(Throttling()) })
        {
            var e = AwsErrors.Translate(ex, "Reading key status of", "alias/a");
            Assert.Equal(("Throttled", FailureKind.LimitsExceeded), (e.ErrorId, e.Kind));
            Assert.Contains("client-side rate limiter", e.Message);
            Assert.DoesNotContain("could not be reached", e.Message);
        }
        // A real network failure still is one.
        Assert.Equal("EndpointUnreachable", AwsErrors.Translate(new HttpRequestException("Connection refused"), "DescribeKey").ErrorId);
        Assert.True(AwsErrors.IsThrottling(new AmazonServiceException("slow down", ErrorType.Sender, "TooManyRequestsException", "r", (HttpStatusCode)429)));
    }

    [Fact]
    public void Throttling_advice_names_no_parameter_a_cmdlet_may_not_have()
    {
        var e = AwsErrors.Translate(Throttling(), "Rotation of", "alias/a");
        Assert.Equal("Throttled", e.ErrorId);
        Assert.DoesNotContain(" -", e.RecommendedAction);
    }

    [Fact]
    public async Task A_stop_during_a_pause_ends_the_retries()
    {
        using var stop = new CancellationTokenSource();
        var budget = new ThrottleBudget(ThrottleBudget.Emergency, delay: (_, token) =>
        {
            stop.Cancel();
            return Task.Delay(Timeout.InfiniteTimeSpan, token);
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => budget.RunAsync<int>("DisableKey", _ => throw Throttling(), stop.Token));
    }
}
