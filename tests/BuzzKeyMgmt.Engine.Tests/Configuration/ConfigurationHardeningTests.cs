using System.Text.Json;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Engine.Tests.Configuration;

/// <summary>Secure by default in the environments file: one meaning per key, ASCII-only anchored formats, no secret in
/// any echo or public property.</summary>
public class ConfigurationHardeningTests
{
    private const string File = "envs.json";

    [Fact]
    public void A_key_written_twice_is_an_error_naming_the_line_of_the_second_and_the_first()
    {
        const string json = "{\n" +
                            "  \"environments\": {\n" +
                            "    \"production\": {\n" +
                            "      \"region\": \"us-east-1\", \"accountId\": \"123456789012\",\n" +
                            "      \"production\": true,\n" +
                            "      \"production\": false\n" +
                            "    }\n" +
                            "  }\n" +
                            "}\n";
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Parse(json, File));
        Assert.Equal("line 6", ex.Location);
        Assert.Contains("duplicate key 'environments.production.production'", ex.Problem);
        Assert.Contains("first on line 5", ex.Problem);
        Assert.StartsWith("envs.json: line 6: ", ex.Message);
    }

    [Theory]
    [InlineData("{\"environments\":{\"a\":{\"region\":\"us-east-1\",\"accountId\":\"123456789012\"},\n\"a\":{\"region\":\"us-east-1\",\"accountId\":\"123456789012\"}}}", "line 2", "environments.a")]
    [InlineData("{\"environments\":{\"a\":{\"region\":\"us-east-1\",\"accountId\":\"123456789012\",\"roles\":{\"admin\":null,\n\n\"admin\":null}}}}", "line 3", "environments.a.roles.admin")]
    [InlineData("{\"environments\":{},\n// a comment\n\"environments\":{}}", "line 3", "'environments'")]
    [InlineData("{\"environments\":{\"a\":{\"region\":\"us-east-1\",\"accountId\":\"123456789012\",\"\\u0072egion\":\"eu-west-2\"}}}", "line 1", "environments.a.region")]
    public void Duplicates_are_found_at_every_level_and_after_unescaping(string json, string line, string key)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Parse(json, File));
        Assert.Equal(line, ex.Location);
        Assert.Contains(key, ex.Problem);
    }

    [Fact]
    public void The_same_key_in_different_objects_is_not_a_duplicate()
    {
        var envs = ConfigurationFile.Parse("""
            {"environments":{
              "a":{"region":"us-east-1","accountId":"123456789012","endpoints":{"kms":"https://kms.example.com"}},
              "b":{"region":"us-east-1","accountId":"123456789012","endpoints":{"kms":"https://kms.example.com"}}}}
            """, File);
        Assert.Equal(2, envs.Count);
    }

    [Theory]
    [InlineData("region", "us-east-1\n", "us-east-1\\n")]
    [InlineData("region", "us-east-\uFF11", null)]                   // a full-width 1
    [InlineData("accountId", "123456789012\n", "123456789012\\n")]
    [InlineData("accountId", "12345678901\u0662", null)]              // an Arabic-Indic digit
    [InlineData("accountId", "\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18\uFF19\uFF10\uFF11\uFF12", null)]
    public void Region_and_account_are_ascii_and_end_where_the_value_ends(string key, string value, string? echoed)
    {
        var settings = new Dictionary<string, string> { ["region"] = "us-east-1", ["accountId"] = "123456789012" };
        settings[key] = value;
        var json = JsonSerializer.Serialize(new { environments = new { prod = settings } });
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Parse(json, File));
        Assert.Equal($"environments.prod.{key}", ex.Location);
        if (echoed is not null) Assert.Contains($"'{echoed}'", ex.Problem);   // the newline is shown as \n, not printed
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("roles", "{\"admin\":\"arn:aws:iam::123456789012:role/Admin\\n\"}", "environments.prod.roles.admin")]
    [InlineData("roles", "{\"admin\":\"arn:aws:iam::\\uFF11\\uFF12\\uFF13\\uFF14\\uFF15\\uFF16\\uFF17\\uFF18\\uFF19\\uFF10\\uFF11\\uFF12:role/Admin\"}", "environments.prod.roles.admin")]
    [InlineData("roles", "{\"admin\":\"arn:aws:iam::123456789012:role/Adm\\u00EFn\"}", "environments.prod.roles.admin")]
    [InlineData("alertTopicArn", "\"arn:aws:sns:us-east-1:123456789012:key-alerts\\n\"", "environments.prod.alertTopicArn")]
    [InlineData("mfaSerialNumber", "\"arn:aws:iam::123456789012:mfa/alice\\n\"", "environments.prod.mfaSerialNumber")]
    [InlineData("auditStore", "{\"provider\":\"Sqlite\\n\",\"path\":\"/x\"}", "environments.prod.auditStore.provider")]
    public void Arns_serials_and_providers_are_ascii_and_anchored(string key, string valueJson, string location)
    {
        var json = $"{{\"environments\":{{\"prod\":{{\"region\":\"us-east-1\",\"accountId\":\"123456789012\",\"{key}\":{valueJson}}}}}}}";
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Parse(json, File));
        Assert.Equal(location, ex.Location);
    }

    [Fact]
    public void An_environment_name_with_a_trailing_newline_is_refused()
    {
        var ex = Assert.Throws<ConfigurationException>(() =>
            ConfigurationFile.Parse("{\"environments\":{\"prod\\n\":{\"region\":\"us-east-1\",\"accountId\":\"123456789012\"}}}", File));
        Assert.Contains("environment names", ex.Problem);
    }

    [Theory]
    [InlineData("https://alice:Hunter2Secret@kms.example.com", "credentials")]
    [InlineData("http://alice:Hunter2Secret@192.0.2.2:4566", "credentials")]
    [InlineData("https://alice:Hunter2Secret@kms.example.com/?x=1", "credentials")]
    [InlineData("https://alice:Hunter2 Secret@kms.example.com", "http(s) URL")]      // not even a URL: still not echoed
    [InlineData("alice:Hunter2Secret@kms", "http(s) URL")]
    public void An_endpoint_error_never_echoes_the_urls_password(string url, string expected)
    {
        var json = JsonSerializer.Serialize(new { environments = new { prod = new { region = "us-east-1", accountId = "123456789012", endpointUrl = url } } });
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Parse(json, File));
        Assert.Equal("environments.prod.endpointUrl", ex.Location);
        Assert.Contains(expected, ex.Problem);
        Assert.DoesNotContain("Hunter2", ex.Message);
        Assert.Contains("***@", ex.Message);
    }

    [Fact]
    public void Plain_http_to_a_host_that_is_not_loopback_is_refused_in_every_environment_production_or_not()
    {
        foreach (var production in new[] { true, false })
        {
            var json = JsonSerializer.Serialize(new { environments = new { prod = new { region = "us-east-1", accountId = "123456789012", production, endpointUrl = "http://192.0.2.2:4566" } } });
            var ex = Assert.Throws<ConfigurationException>(() => ConfigurationFile.Parse(json, File));
            Assert.Contains("not loopback", ex.Problem);
        }
    }

    [Theory]
    [InlineData("https://u:p@host", "https://***@host")]
    [InlineData("http://user@127.0.0.1:4566/x", "http://***@127.0.0.1:4566/x")]
    [InlineData("u:p@host", "***@host")]
    [InlineData("https://kms.example.com", "https://kms.example.com")]
    public void Redact_hides_everything_before_the_at_sign(string url, string shown) =>
        Assert.Equal(shown, ServiceEndpoints.Redact(url));

    [Fact]
    public void Clients_are_never_made_for_an_endpoint_that_would_send_in_clear_text()
    {
        var ex = Assert.Throws<KeyMgmtException>(() => ServiceEndpoints.Require("http://a:Hunter2Secret@192.0.2.2:4566", "KMS"));
        Assert.Equal("EndpointUrlInvalid", ex.ErrorId);
        Assert.DoesNotContain("Hunter2", ex.Message);
        var credentials = new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret");
        Assert.Equal("EndpointUrlInvalid", Assert.Throws<KeyMgmtException>(() =>
            new AwsClientFactory(credentials, "us-east-1", new ServiceEndpoints(Kms: "http://192.0.2.2:4566"))).ErrorId);
        Assert.Equal("EndpointUrlInvalid", Assert.Throws<KeyMgmtException>(() =>
            new BuzzKeyMgmt.Engine.Alerts.SnsPublisher(credentials, "us-east-1", "http://192.0.2.2:4566")).ErrorId);
        Assert.Equal("EndpointUrlInvalid", Assert.Throws<KeyMgmtException>(() =>
            AwsQueryClient.ForIam(credentials, "us-east-1", "http://192.0.2.2:4566")).ErrorId);
        using var loopback = new AwsClientFactory(credentials, "us-east-1", ServiceEndpoints.All("http://127.0.0.1:4566"));
        Assert.Equal("http://127.0.0.1:4566", loopback.Endpoints.Kms);
    }

    [Fact]
    public void The_sql_server_password_is_in_no_public_property_string_or_json_of_an_environment()
    {
        var env = ConfigurationFile.Parse("""
            {"environments":{"prod":{"region":"us-east-1","accountId":"123456789012",
              "auditStore":{"provider":"SqlServer","connectionString":"Server=db;Database=KeyAudit;User Id=audit;Password=Sup3rSecret;Client Secret=Cl13ntS3cret"}}}}
            """, File)[0];
        var store = env.AuditStore!;
        Assert.DoesNotContain("Sup3rSecret", store.Target);
        Assert.DoesNotContain("Cl13ntS3cret", store.Target);
        Assert.Contains("server=db", store.Target, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Sup3rSecret", store.ToString());
        Assert.DoesNotContain("Sup3rSecret", JsonSerializer.Serialize(env));
        foreach (var property in typeof(AuditStoreReference).GetProperties())   // public ones only
            Assert.DoesNotContain("Sup3rSecret", property.GetValue(store)?.ToString() ?? "");
        Assert.Contains("Password=Sup3rSecret", store.ConnectionTarget);         // the connection itself still has it
    }

    [Fact]
    public void A_sqlite_target_is_the_path_as_written()
    {
        var store = new AuditStoreReference(AuditStoreReference.Sqlite, "/var/lib/bkm/audit;Password=x.db");
        Assert.Equal("/var/lib/bkm/audit;Password=x.db", store.Target);
        Assert.Equal(new AuditStoreReference("Sqlite", "/var/lib/bkm/audit;Password=x.db"), store);
    }
}
