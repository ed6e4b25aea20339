using System.Reflection;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Completion;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Status;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Completion;

public sealed class CompletionSourcesTests
{
    [Fact]
    public void Every_operation_constant_is_known_and_canonical_in_any_case()
    {
        var constants = typeof(AuditOperations).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(constants.OrderBy(c => c), AuditOperations.Known.OrderBy(c => c));
        Assert.Equal("REVOKE", AuditOperations.Canonical("revoke"));
        Assert.Equal("RECOVERY_REQUEST", AuditOperations.Canonical("Recovery_Request"));
        Assert.Null(AuditOperations.Canonical("REVOKED"));
        Assert.Null(AuditOperations.Canonical("REVOKE\n"));
        Assert.Equal(["REVOKE", "RECOVERY_REQUEST", "RECOVER", "RECONCILE"], CompletionSources.Operations("re"));
    }

    [Fact]
    public void Profile_names_come_from_the_config_and_credentials_files_sections_only()
    {
        var dir = Directory.CreateTempSubdirectory("bkm-profiles-").FullName;
        var saved = (Environment.GetEnvironmentVariable("AWS_CONFIG_FILE"), Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE"));
        try
        {
            File.WriteAllText(Path.Combine(dir, "config"), "[default]\nregion = us-east-1\n[profile ops]\n[ profile  spaced name ]\n[sso-session corp]\n[services x]\n[not-a-profile]\n# [profile commented]\n");
            File.WriteAllText(Path.Combine(dir, "credentials"), "[approver1]\naws_secret_access_key = [not-a-section]\n[default]\n");
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(dir, "config"));
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(dir, "credentials"));
            Assert.Equal(["approver1", "default", "ops", "spaced name"], CompletionSources.AwsProfileNames());
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(dir, "missing"));
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(dir, "missing-too"));
            Assert.Empty(CompletionSources.AwsProfileNames());
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", saved.Item1);
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", saved.Item2);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Region_codes_come_from_the_sdk()
    {
        var codes = CompletionSources.RegionCodes();
        Assert.Contains("us-east-1", codes);
        Assert.Contains("eu-west-2", codes);
        Assert.Equal(codes.OrderBy(c => c, StringComparer.Ordinal), codes);
    }

    [Fact]
    public void A_listing_offers_aliases_then_key_ids_by_prefix_in_any_case_and_is_bounded()
    {
        var listing = new KeyListings().For("Sandbox");
        listing.Add(Status("1234abcd-0000-0000-0000-000000000001", "alias/CEK_User_1", "alias/other"));
        listing.Add(Status("1234abcd-0000-0000-0000-000000000002", "alias/CEK_User_2"));
        Assert.Equal(["alias/CEK_User_1", "alias/CEK_User_2"], listing.Complete("alias/cek_"));
        Assert.Equal(["1234abcd-0000-0000-0000-000000000001", "1234abcd-0000-0000-0000-000000000002"], listing.Complete("1234"));
        Assert.Empty(listing.Complete("1234", aliasesOnly: true));
        Assert.Equal(5, listing.Count);
        Assert.Equal(2, listing.Complete("", max: 2).Count);
    }

    private static KeyStatus Status(string keyId, params string[] aliases) => new()
    {
        KeyId = keyId, Arn = "arn:aws:kms:us-east-1:111122223333:key/" + keyId, State = "Enabled", Environment = "sandbox", Aliases = aliases,
    };
}
