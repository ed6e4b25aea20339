using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Operations;

/// <summary>Reads a key back until it shows the expected state: KMS is eventually consistent, so a change is only
/// certain once read back. Bounded: a few reads with growing pauses, then the last state seen.</summary>
public static class KeyStateWaiter
{
    public static readonly TimeSpan[] Pauses =
        { TimeSpan.Zero, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200),
          TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1600) };

    /// <param name="tell">Told before each pause and each throttled retry (-Debug).</param>
    /// <param name="throttle">An emergency's throttling budget: a throttled read is retried within it (not counted as a read).</param>
    public static async Task<(bool Reached, KeyMetadata Last, int Reads)> WaitForAsync(IAmazonKeyManagementService kms, KmsQuotaGates gates,
        string keyId, KeyState expected, CancellationToken cancellation, Aws.ThrottleBudget? throttle = null, Action<string>? tell = null)
    {
        KeyMetadata last = null!;
        var reads = 0;
        async Task<DescribeKeyResponse> Read(CancellationToken token)
        {
            await gates.WaitAsync("DescribeKey", token).ConfigureAwait(false);
            return await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }, token).ConfigureAwait(false);
        }
        foreach (var pause in Pauses)
        {
            if (pause > TimeSpan.Zero)
            {
                tell?.Invoke($"Read back {reads}: {keyId} reads {last.KeyState}, {expected} expected; reading again in {pause.TotalMilliseconds:0} ms.");
                await Task.Delay(pause, cancellation).ConfigureAwait(false);
            }
            last = (throttle is null
                ? await Read(cancellation).ConfigureAwait(false)
                : await throttle.RunAsync("DescribeKey", Read, cancellation, tell).ConfigureAwait(false)).KeyMetadata;
            reads++;
            if (last.KeyState == expected) return (true, last, reads);
        }
        return (false, last, reads);
    }
}
