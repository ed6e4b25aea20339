namespace BuzzKeyMgmt.Engine.Tests.Operations;

/// <summary>Waits for a condition another thread makes true (a request reaching the sandbox), with a generous bound so
/// a hang fails the test instead of blocking the run. Not a speed assertion: the bound is far above any real wait.</summary>
internal static class Eventually
{
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {timeoutSeconds} s for {what}.");
            await Task.Delay(10);
        }
    }
}
