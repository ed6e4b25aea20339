using BuzzKeyMgmt.Sandbox.Identity;

namespace BuzzKeyMgmt.Sandbox.Tests.Identity;

/// <summary>
/// The single-use rule under contention, in process (no HTTP jitter between callers): threads released together by a
/// barrier offer the same code for the same device, and exactly one is accepted, round after round.
/// </summary>
public sealed class MfaVerifierRaceTests
{
    [Fact]
    public void Threads_offering_the_same_code_at_once_get_exactly_one_acceptance()
    {
        var clock = new SandboxClock();
        var verifier = new MfaVerifier(clock);
        var secret = MfaVerifier.NewSecret();
        int threads = Math.Max(4, Environment.ProcessorCount * 2);
        const int rounds = 3000;
        var accepted = new int[rounds];
        string code = "";
        using var barrier = new Barrier(threads, _ => code = verifier.CurrentCode(secret));

        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            for (int round = 0; round < rounds; round++)
            {
                barrier.SignalAndWait();   // the last thread in sets this round's code for everyone
                if (verifier.TryAccept($"arn:aws:iam::111122223333:mfa/round-{round}", secret, code))
                    Interlocked.Increment(ref accepted[round]);
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());

        Assert.All(accepted, n => Assert.Equal(1, n));
    }
}
