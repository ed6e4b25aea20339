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
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","endpointUrl":"http://kms.internal.example"}}}""", "environments.prod.endpointUrl", "not loopback")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","endpoints":{"sts":"http://10.0.0.5"}}}}""", "environments.prod.endpoints.sts", "not loopback")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","endpoints":{"kms":"vpce-0abc.kms.us-east-1.vpce.amazonaws.com"}}}}""", "environments.prod.endpoints.kms", "absolute http(s) URL")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","endpoints":{"kms":"ftp://kms.example.com"}}}}""", "environments.prod.endpoints.kms", "absolute http(s) URL")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","endpoints":{"sns":"https://user:pw@sns.example.com"}}}}""", "environments.prod.endpoints.sns", "credentials")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","endpoints":{"kms":"https://kms.example.com/?a=1"}}}}""", "environments.prod.endpoints.kms", "query")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","endpoints":{"ec2":"https://ec2.example.com"}}}}""", "environments.prod.endpoints.ec2", "kms, sts, sns, iam")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","endpoints":"https://kms.example.com"}}}""", "environments.prod.endpoints", "expected an object")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","alertTopicArn":"arn:aws:sqs:us-east-1:123456789012:key-alerts"}}}""", "environments.prod.alertTopicArn", "SNS topic ARN")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","alertTopicArn":"arn:aws:sns:useast1:123456789012:key-alerts"}}}""", "environments.prod.alertTopicArn", "SNS topic ARN")]
    [InlineData("""{"environments":{"prod":{"region":"us-east-1","accountId":"123456789012","alertTopicArn":"arn:aws:sns:us-east-1:123456789012:key-alerts:5f2c"}}}""", "environments.prod.alertTopicArn", "SNS topic ARN")]
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
    public void Endpoints_per_service_override_the_one_for_all_endpointUrl_and_unnamed_services_keep_it()
    {
        var env = ConfigurationFile.Parse("""
            {"environments":{"staging":{"region":"eu-west-2","accountId":"210987654321",
              "endpointUrl":"https://proxy.example.com",
              "endpoints":{"kms":"https://vpce-0abc-kms.kms.eu-west-2.vpce.amazonaws.com","sts":"https://sts.eu-west-2.amazonaws.com"}}}}
            """, File)[0];
        Assert.Equal(new Aws.ServiceEndpoints("https://vpce-0abc-kms.kms.eu-west-2.vpce.amazonaws.com", "https://sts.eu-west-2.amazonaws.com",
            "https://proxy.example.com", "https://proxy.example.com"), env.Endpoints);
        Assert.False(env.Endpoints.IsUniform);
    }

    [Fact]
    public void Only_a_kms_endpoint_leaves_sts_sns_and_iam_on_their_public_endpoints()
    {
        var env = ConfigurationFile.Parse("""
            {"environments":{"staging":{"region":"eu-west-2","accountId":"210987654321","endpoints":{"kms":"https://vpce-0abc-kms.kms.eu-west-2.vpce.amazonaws.com"}}}}
            """, File)[0];
        Assert.Equal(("https://vpce-0abc-kms.kms.eu-west-2.vpce.amazonaws.com", (string?)null, (string?)null, (string?)null),
            (env.Endpoints.Kms, env.Endpoints.Sts, env.Endpoints.Sns, env.Endpoints.Iam));
    }

    [Theory]
    [InlineData("http://127.0.0.1:4566", null)]
    [InlineData("http://localhost:4566", null)]
    [InlineData("http://[::1]:4566", null)]
    [InlineData("https://kms.us-east-1.amazonaws.com", null)]
    [InlineData("http://kms.us-east-1.amazonaws.com", "not loopback")]
    [InlineData("http://127.0.0.1.nip.io", "not loopback")]
    [InlineData("/relative", "absolute http(s) URL")]
    public void An_endpoint_is_https_or_loopback_http(string url, string? problem)
    {
        var found = Aws.ServiceEndpoints.Problem(url);
        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
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
