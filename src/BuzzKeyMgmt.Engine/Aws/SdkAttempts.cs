using Amazon.Runtime;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>
/// Makes the SDK's own retries visible (-Debug). The SDK retries a throttled or transient answer inside one call
/// (standard retry mode): a handler placed inside the SDK's RetryHandler (<see cref="ObservedKmsClient"/>) sees each
/// attempt, so the second and later attempts of a call are retries. The call being made is found through an <see cref="AsyncLocal{T}"/> scope set around it
/// (<see cref="Begin"/>), because clients are shared by every run of the account-Region: an attempt outside any scope is
/// not told.
/// </summary>
public static class SdkAttempts
{
    private static readonly AsyncLocal<Scope?> Current = new();

    private sealed class Scope(string operation, Action<string> tell)
    {
        public string Operation { get; } = operation;
        public Action<string> Tell { get; } = tell;
        public int Attempts;
    }

    /// <summary>Tells <paramref name="tell"/> of each SDK retry of the calls made in the current async flow until the
    /// returned scope is disposed.</summary>
    public static IDisposable Begin(string operation, Action<string> tell)
    {
        var previous = Current.Value;
        Current.Value = new Scope(operation, tell);
        return new Restore(previous);
    }

    private sealed class Restore(Scope? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }

    /// <summary>One attempt of a call is about to be sent.</summary>
    internal static void Attempted()
    {
        if (Current.Value is not { } scope) return;
        var attempt = Interlocked.Increment(ref scope.Attempts);
        if (attempt > 1) scope.Tell($"{scope.Operation}: the AWS SDK retries the call (attempt {attempt}) after a throttled or transient answer.");
    }
}

/// <summary>The KMS client with a handler inside the SDK's retry loop that counts attempts (<see cref="SdkAttempts"/>).</summary>
public sealed class ObservedKmsClient(AWSCredentials credentials, Amazon.KeyManagementService.AmazonKeyManagementServiceConfig config)
    : Amazon.KeyManagementService.AmazonKeyManagementServiceClient(credentials, config)
{
    protected override void CustomizeRuntimePipeline(Amazon.Runtime.Internal.RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.AddHandlerAfter<Amazon.Runtime.Internal.RetryHandler>(new AttemptHandler());
    }

    private sealed class AttemptHandler : Amazon.Runtime.Internal.PipelineHandler
    {
        public override Task<T> InvokeAsync<T>(Amazon.Runtime.IExecutionContext executionContext)
        {
            SdkAttempts.Attempted();
            return base.InvokeAsync<T>(executionContext);
        }

        public override void InvokeSync(Amazon.Runtime.IExecutionContext executionContext)
        {
            SdkAttempts.Attempted();
            base.InvokeSync(executionContext);
        }
    }
}
