using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Engine.Tests.Configuration;

public class ConfigurationFileTests
{
    private const string File = "envs.json";

    private const string Valid = """
        {
          // comments are allowed
          "environments": {
            "production": {
              "region": "us-east-1",
              "accountId": "123456789012",
              "production": true,
              "roles": {
                "admin": "arn:aws:iam::123456789012:role/BuzzKeyMgmtAdmin",
                "emergency": "arn:aws:iam::123456789012:role/BuzzKeyMgmtEmergency",
                "recovery": "arn:aws:iam::123456789012:role/BuzzKeyMgmtRecovery"
              },
              "mfaSerialNumber": "arn:aws:iam::123456789012:mfa/alice",
              "alertTopicArn": "arn:aws:sns:us-east-1:123456789012:key-alerts",
              "auditStore": { "provider": "SqlServer", "connectionString": "Server=db;Database=KeyAudit;User Id=audit;Password=Sup3rSecret" },
              "endpointUrl": "https://kms.us-east-1.amazonaws.com",
            },
            "staging": { "region": "eu-west-2", "accountId": "210987654321", "auditStore": { "provider": "Sqlite", "path": "/var/lib/bkm/audit.db" } }
          }
        }
        """;

    [Fact]
    public void Reads_every_setting_of_every_environment()
    {
        var envs = ConfigurationFile.Parse(Valid, File);
        Assert.Equal(new[] { "production", "staging" }, envs.Select(e => e.Name));
        var prod = envs[0];
        Assert.Equal("us-east-1", prod.Region);
        Assert.Equal("123456789012", prod.AccountId);
        Assert.True(prod.IsProduction);
        Assert.Equal("arn:aws:iam::123456789012:role/BuzzKeyMgmtEmergency", prod.RoleArn(KeyMgmtRole.Emergency));
        Assert.Equal("arn:aws:iam::123456789012:mfa/alice", prod.MfaSerialNumber);
        Assert.Equal("arn:aws:sns:us-east-1:123456789012:key-alerts", prod.AlertTopicArn);
        Assert.Equal(AuditStoreReference.SqlServer, prod.AuditStore!.Provider);
        Assert.Equal("https://kms.us-east-1.amazonaws.com", prod.EndpointUrl);
        Assert.Equal(File, prod.Source);
        Assert.False(envs[1].IsProduction);
        Assert.Null(envs[1].EmergencyRoleArn);
        Assert.Equal(new AuditStoreReference("Sqlite", "/var/lib/bkm/audit.db"), envs[1].AuditStore);
    }

    [Fact]
    public void Audit_store_never_shows_the_connection_string_password()
    {
        var store = ConfigurationFile.Parse(Valid, File)[0].AuditStore!;
        Assert.DoesNotContain("Sup3rSecret", store.ToString());
        Assert.Contains("***", store.ToString());
    }

    [Fact]
    public void Malformed_json_names_the_file_and_line()
    {
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Parse("{\n  \"environments\": {\n    \"prod\": { \"region\": \"us-east-1\" \n  }\n", File));
        Assert.StartsWith("envs.json: line ", ex.Message);
        Assert.Contains("not valid JSON", ex.Message);
    }

    [Theory]
    [InlineData("""{"environments":{"prod":{"region":"US East","accountId":"123456789012"}}}""", "environments.prod.region", "AWS Region code")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"12345"}}}""", "environments.prod.accountId", "12-digit")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1"}}}""", "environments.prod.accountId", "missing")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","regoin":"x"}}}""", "environments.prod.regoin", "unknown key")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","roles":{"emergency":"BuzzEmergency"}}}}""", "environments.prod.roles.emergency", "IAM role ARN")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","production":"yes"}}}""", "environments.prod.production", "true or false")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","auditStore":{"provider":"Oracle"}}}}""", "environments.prod.auditStore.provider", "Sqlite")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","auditStore":{"provider":"SqlServer"}}}}""", "environments.prod.auditStore.connectionString", "missing")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","endpointUrl":"kms.local"}}}""", "environments.prod.endpointUrl", "http(s) URL")]
    [InlineData("""{"environments":[]}""", "environments", "expected an object")]
    [InlineData("""{"envs":{}}""", "envs", "unknown key")]
    [InlineData("""{"environments":{"9 lives":{"region":"us-east-1","accountId":"123456789012"}}}""", "environments.9 lives", "environment names")]
    public void Each_content_problem_names_the_key_and_what_is_expected(string json, string key, string expected)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Parse(json, File));
        Assert.Equal(File, ex.File);
        Assert.Equal(key, ex.Location);
        Assert.Contains(expected, ex.Problem);
    }

    [Fact]
    public void Unreadable_file_is_one_error_naming_the_file()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var ex = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Load(dir.FullName));
            Assert.Equal(dir.FullName, ex.File);
            Assert.Contains("cannot be read", ex.Message);
        }
        finally
        {
            dir.Delete();
        }
    }
}
