using System.Net;
using System.Net.Sockets;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Audit.SqlServer;
using Microsoft.Extensions.Time.Testing;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// An audit store that does not answer costs one connect timeout, not one per row: with SQL Server down, a break-glass
/// revocation of 40 keys used to wait out two timeouts per key. The "server" here accepts TCP connections and never
/// says a word, as a hung SQL Server or a black-holed route does; SqlClient then waits for its Connect Timeout.
/// </summary>
public sealed class StoreBreakerTests
{
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _held = new();
        private int _accepted;

        public SilentServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public int Accepted => Volatile.Read(ref _accepted);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync();
                    lock (_held) _held.Add(client);
                    Interlocked.Increment(ref _accepted);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        }

        public void Dispose()
        {
            _listener.Stop();
            lock (_held) foreach (var c in _held) c.Dispose();
        }
    }

    private static AuditEntry Emergency(Guid operation, AuditPhase phase) => SampleEntries.Started("prod", SampleEntries.NewKeyId()) with
    {
        OperationId = operation, Phase = phase, Outcome = phase == AuditPhase.Started ? AuditOutcome.Pending : AuditOutcome.Succeeded,
        IsEmergency = true, AuditId = Guid.NewGuid(),
    };

    [Fact]
    public void A_store_that_does_not_answer_is_tried_once_then_skipped_so_the_next_row_is_journaled_at_once()
    {
        using var server = new SilentServer();
        using var folder = new TempDirectory();
        var store = new SqlServerAuditStore($"Server=tcp:127.0.0.1,{server.Port};Database=KeyAudit;User ID=audit;Password=not-used;Encrypt=false;Connect Timeout=2;Pooling=false");
        var breaker = new StoreBreaker(TimeProvider.System);
        var trail = new AuditTrail(store, new AuditJournal(folder.File("journal.jsonl")), JournalPolicy.EmergencyOnly, breaker);
        var operation = Guid.NewGuid();

        var started = trail.Append(Emergency(operation, AuditPhase.Started));
        var triedFirst = server.Accepted;
        var completed = trail.Append(Emergency(operation, AuditPhase.Completed));

        Assert.True(started.Journaled);
        Assert.True(completed.Journaled);
        Assert.True(triedFirst >= 1, "the first row tried the store");
        Assert.Equal(triedFirst, server.Accepted);   // the second row did not connect at all
        Assert.True(breaker.IsOpen(out var reason));
        Assert.Contains("did not answer", reason);
        Assert.Contains("skipped", completed.Warning);
    }

    [Fact]
    public void The_breaker_opens_only_on_a_slow_failure_and_closes_after_its_time()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T12:00:00Z"));
        var breaker = new StoreBreaker(clock) { BreakFor = TimeSpan.FromSeconds(30) };

        breaker.Failed(TimeSpan.FromMilliseconds(5), "file missing");
        Assert.False(breaker.IsOpen(out _));
        breaker.Failed(TimeSpan.FromSeconds(15), "connect timeout");
        Assert.True(breaker.IsOpen(out _));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True(breaker.IsOpen(out _));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(breaker.IsOpen(out _));
    }

    [Fact]
    public void A_store_call_through_the_trail_opens_the_breaker_too_and_a_non_emergency_row_is_refused_fast()
    {
        using var server = new SilentServer();
        using var folder = new TempDirectory();
        var store = new SqlServerAuditStore($"Server=tcp:127.0.0.1,{server.Port};Database=KeyAudit;User ID=audit;Password=not-used;Encrypt=false;Connect Timeout=2;Pooling=false");
        var trail = new AuditTrail(store, new AuditJournal(folder.File("journal.jsonl")), JournalPolicy.EmergencyOnly, new StoreBreaker(TimeProvider.System));

        Assert.Throws<AuditStoreUnavailableException>(() => trail.Use(s => s.GetPolicy()));
        var tried = server.Accepted;
        var refused = Assert.Throws<AuditStoreUnavailableException>(() =>
            trail.Append(Emergency(Guid.NewGuid(), AuditPhase.Started) with { IsEmergency = false }));

        Assert.Equal(tried, server.Accepted);
        Assert.Contains("skipped", refused.Message);
    }
}
