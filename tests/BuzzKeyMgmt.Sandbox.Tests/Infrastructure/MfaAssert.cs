using Amazon.SecurityToken;

namespace BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

public static class MfaAssert
{
    /// <summary>Asserts that the call fails as STS refuses an MFA code: AccessDenied, 403, AWS's exact message.</summary>
    public static async Task RefusedAsync(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(call);
        Assert.Equal("AccessDenied", e.ErrorCode);
        Assert.Equal(403, (int)e.StatusCode);
        Assert.Equal(MfaSteps.InvalidCodeMessage, e.Message);
    }
}
