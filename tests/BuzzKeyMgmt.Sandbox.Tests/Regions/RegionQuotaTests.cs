using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static BuzzKeyMgmt.Sandbox.Tests.Regions.RegionClients;

namespace BuzzKeyMgmt.Sandbox.Tests.Regions;

/// <summary>KMS request quotas are per account and Region, as AWS publishes them: exhausting one Region's leaves the other's whole.</summary>
public sealed class RegionQuotaTests
{
    [Fact]
    public async Task A_Region_throttled_on_DeleteAlias_leaves_the_other_Regions_bucket_full()
    {
        using var sandbox = SandboxServer.Start(new SandboxOptions { EnforceQuotas = true });
        using var east = KmsClient(sandbox, Primary);
        using var west = KmsClient(sandbox, Second);

        // DeleteAlias: 5 per second. A missing alias is NotFound, but the request takes a token first.
        int sent = 0;
        string? last = null;
        while (sent < 60 && last != "ThrottlingException")
        {
            last = await Outcome(east);
            sent++;
        }
        Assert.Equal("ThrottlingException", last);
        Assert.InRange(sent, 6, 60);

        // Five at once in eu-west-2 right now: its own full bucket of 5 lets every one through to the NotFound.
        var westOutcomes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Outcome(west)));
        Assert.All(westOutcomes, o => Assert.Equal("NotFoundException", o));
        // ...and its sixth and further ones are throttled in turn (at most one token can come back in the meantime).
        var more = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Outcome(west)));
        Assert.Contains("ThrottlingException", more);
    }

    private static async Task<string> Outcome(AmazonKeyManagementServiceClient kms)
    {
        try
        {
            await kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/not-there" });
            return "ok";
        }
        catch (AmazonKeyManagementServiceException e) { return e.ErrorCode; }
    }
}
