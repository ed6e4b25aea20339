using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Tests.Configuration;

/// <summary>An environment's named AWS profile and the KMS quotas AWS raised for its account-Region (issue 15).</summary>
public sealed class FleetConfigurationTests
{
    private static string Env(string extra) =>
        $$"""{ "environments": { "prod-use1": { "region": "us-east-1", "accountId": "123456789012" {{extra}} } } }""";

    [Fact]
    public void Reads_the_profile_and_the_raised_quotas()
    {
        var e = ConfigurationFile.Parse(Env(""", "profile": "prod-admin", "kmsQuotas": { "DescribeKey": 4000, "GetKeyRotationStatus": 2500 }"""), "f.json")[0];
        Assert.Equal("prod-admin", e.ProfileName);
        Assert.Equal(4000, e.KmsQuotas!["DescribeKey"]);
        Assert.Equal(2500, e.KmsQuotas["GetKeyRotationStatus"]);
        Assert.Null(ConfigurationFile.Parse(Env(""), "f.json")[0].KmsQuotas);
    }

    [Theory]
    [InlineData(""", "kmsQuotas": { "Decrypt": 4000 }""", "environments.prod-use1.kmsQuotas.Decrypt")]
    [InlineData(""", "kmsQuotas": { "DescribeKey": "4000" }""", "environments.prod-use1.kmsQuotas.DescribeKey")]
    [InlineData(""", "kmsQuotas": { "DescribeKey": 0 }""", "environments.prod-use1.kmsQuotas.DescribeKey")]
    [InlineData(""", "kmsQuotas": [ 1 ]""", "environments.prod-use1.kmsQuotas")]
    [InlineData(""", "profile": "prod admin\n" """, "environments.prod-use1.profile")]
    public void Refuses_a_bad_value_naming_its_key(string extra, string key)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Parse(Env(extra), "f.json"));
        Assert.Contains(key, ex.Message);
    }

    [Fact]
    public void Raised_quotas_apply_to_their_account_Region_only()
    {
        var asked = new List<(string, string)>();
        var registry = new QuotaGateRegistry(null, (account, region) =>
        {
            asked.Add((account, region));
            return account == "123456789012" ? new Dictionary<string, double> { ["DescribeKey"] = 4000 } : null;
        });
        Assert.NotSame(registry.For("123456789012", "us-east-1"), registry.For("210987654321", "us-east-1"));
        Assert.Same(registry.For("123456789012", "us-east-1"), registry.For("123456789012", "us-east-1"));
        Assert.Equal(2, asked.Count);   // looked up once per account-Region, when its gates are made
    }

    [Fact]
    public void Declared_quotas_pace_their_account_Region_whether_raised_or_a_share_below_the_default()
    {
        // A share leaves room for the account's other callers (bench/fleet-status.ps1 reads eight account-Regions so).
        var e = ConfigurationFile.Parse(Env(""", "kmsQuotas": { "DescribeKey": 400, "GetKeyRotationStatus": 200, "ListKeys": 4000 }"""), "f.json")[0];
        var registry = new QuotaGateRegistry(null, (account, _) => account == "123456789012" ? e.KmsQuotas : null);
        var shared = registry.For("123456789012", "us-east-1");
        Assert.Equal(400 * KmsQuotaGates.Headroom, shared.PacedRate("DescribeKey"));
        Assert.Equal(200 * KmsQuotaGates.Headroom, shared.PacedRate("GetKeyRotationStatus"));
        Assert.Equal(4000 * KmsQuotaGates.Headroom, shared.PacedRate("ListKeys"));
        Assert.Equal(2000 * KmsQuotaGates.Headroom, shared.PacedRate("ListResourceTags"));   // not declared: the default
        Assert.Equal(2000 * KmsQuotaGates.Headroom, registry.For("210987654321", "us-east-1").PacedRate("DescribeKey"));
        Assert.Null(shared.PacedRate("Decrypt"));
    }
}
