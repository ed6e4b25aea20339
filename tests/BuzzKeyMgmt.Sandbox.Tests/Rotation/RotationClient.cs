using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Rotation;

/// <summary>
/// A sandbox and the real AWS SDK KMS client pointed at it, with the rotation calls the module makes. The sandbox clock
/// runs with real time, so dates set during a call are checked to lie between the clock read just before and just after it.
/// </summary>
public sealed class RotationClient : IDisposable
{
    public RotationClient(TimeSpan? onDemandRotationDuration = null)
    {
        Fixture = onDemandRotationDuration is { } d ? new OptionsFixture(d) : new SandboxFixture();
        Kms = Fixture.Kms(Fixture.RootCredentials);
    }

    private sealed class OptionsFixture(TimeSpan d) : SandboxFixture(new SandboxOptions { EnforceQuotas = false, OnDemandRotationDuration = d });

    public SandboxFixture Fixture { get; }
    public SandboxServer Server => Fixture.Server;
    public SandboxClock Clock => Server.Clock;
    public AmazonKeyManagementServiceClient Kms { get; }

    public async Task<string> NewKeyAsync(KeySpec? spec = null, KeyUsageType? usage = null) =>
        (await Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = usage, Description = "rotation" })).KeyMetadata.KeyId;

    public Task<GetKeyRotationStatusResponse> StatusAsync(string keyId) =>
        Kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId });

    public Task EnableRotationAsync(string keyId, int? days = null) =>
        Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = keyId, RotationPeriodInDays = days });

    public Task<RotateKeyOnDemandResponse> RotateAsync(string keyId) =>
        Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = keyId });

    /// <summary>Every completed rotation, oldest first, read page by page (Limit/Marker).</summary>
    public async Task<List<RotationsListEntry>> RotationsAsync(string keyId, int limit = 100)
    {
        var all = new List<RotationsListEntry>();
        string? marker = null;
        do
        {
            var page = await Kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId, Limit = limit, Marker = marker });
            all.AddRange(page.Rotations ?? []);
            marker = page.Truncated == true ? page.NextMarker : null;
        } while (marker is not null);
        return all;
    }

    /// <summary>Runs a call and returns the sandbox clock just before and just after it.</summary>
    public async Task<(DateTimeOffset Before, DateTimeOffset After)> TimedAsync(Func<Task> call)
    {
        var before = Clock.GetUtcNow();
        await call();
        return (before, Clock.GetUtcNow());
    }

    /// <summary>Asserts a date the SDK read (milliseconds on the wire) lies within [from, to] (to the millisecond).</summary>
    public static void Within(DateTime? actual, DateTimeOffset from, DateTimeOffset to)
    {
        Assert.NotNull(actual);
        var at = new DateTimeOffset(actual!.Value.ToUniversalTime(), TimeSpan.Zero);
        Assert.InRange(at, from.AddMilliseconds(-1), to.AddMilliseconds(1));
    }

    public static void Within(DateTime? actual, (DateTimeOffset Before, DateTimeOffset After) window, TimeSpan plus = default) =>
        Within(actual, window.Before + plus, window.After + plus);

    public void Dispose()
    {
        Kms.Dispose();
        Fixture.Dispose();
    }
}
