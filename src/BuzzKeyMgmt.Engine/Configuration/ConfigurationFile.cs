using System.Text.Json;
using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Engine.Configuration;

/// <summary>
/// Reads the environments file (JSON; comments and trailing commas allowed). Every problem is reported as one
/// <see cref="ConfigurationException"/> naming the file, the line (syntax) or key path (content), and what is expected.
/// Unknown keys are errors too: a typo must not silently drop a setting during an incident.
/// </summary>
public static class ConfigurationFile
{
    private static readonly string[] EnvironmentKeys =
        { "region", "accountId", "production", "roles", "mfaSerialNumber", "alertTopicArn", "auditStore", "endpointUrl", "endpoints", "auditDigests" };
    private static readonly string[] EndpointKeys = { "kms", "sts", "sns", "iam" };
    private static readonly string[] RoleKeys = { "admin", "emergency", "recovery" };
    private static readonly string[] StoreKeys = { "provider", "path", "connectionString" };

    private static readonly Regex EnvironmentName = new(@"^[A-Za-z][A-Za-z0-9_-]{0,63}$");
    private static readonly Regex Region = new(@"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$");
    private static readonly Regex AccountId = new(@"^\d{12}$");
    private static readonly Regex RoleArn = new(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$");
    private static readonly Regex MfaSerial = new(@"^(arn:aws[a-z-]*:iam::\d{12}:mfa/[\w+=,.@/-]+|[\w+=/:,.@-]{9,256})$");
    /// <summary>A standard SNS topic's ARN: partition, sns, a Region code, a 12-digit account, a name (letters, digits, -, _).</summary>
    private static readonly Regex TopicArn = new(@"^arn:aws[a-z-]*:sns:[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}:\d{12}:[\w-]{1,256}$");

    public static IReadOnlyList<KeyMgmtEnvironment> Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(path, "file", $"cannot be read: {ex.Message}", ex);
        }
        return Parse(text, path);
    }

    public static IReadOnlyList<KeyMgmtEnvironment> Parse(string json, string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"line {line + 1}, position {ex.BytePositionInLine + 1}" : "content";
            throw new ConfigurationException(file, where, $"not valid JSON ({FirstSentence(ex.Message)}); expected an object like {{ \"environments\": {{ \"production\": {{ \"region\": \"us-east-1\", … }} }} }}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            var reader = new Reader(file);
            reader.ExpectObject(root, "(top level)");
            reader.OnlyKeys(root, "(top level)", "environments");
            if (!root.TryGetProperty("environments", out var environments))
                throw new ConfigurationException(file, "environments", "missing; expected an object of named environments");
            reader.ExpectObject(environments, "environments");

            var result = new List<KeyMgmtEnvironment>();
            foreach (var entry in environments.EnumerateObject())
                result.Add(ReadEnvironment(reader, entry.Name, entry.Value, file));
            return result;
        }
    }

    private static KeyMgmtEnvironment ReadEnvironment(Reader r, string name, JsonElement e, string file)
    {
        var at = $"environments.{name}";
        if (!EnvironmentName.IsMatch(name))
            throw new ConfigurationException(file, at, "environment names are 1-64 letters, digits, '-' or '_', starting with a letter");
        r.ExpectObject(e, at);
        r.OnlyKeys(e, at, EnvironmentKeys);

        string? admin = null, emergency = null, recovery = null;
        if (e.TryGetProperty("roles", out var roles))
        {
            r.ExpectObject(roles, $"{at}.roles");
            r.OnlyKeys(roles, $"{at}.roles", RoleKeys);
            admin = r.OptionalString(roles, $"{at}.roles", "admin", RoleArn, "an IAM role ARN like arn:aws:iam::123456789012:role/BuzzKeyMgmtAdmin");
            emergency = r.OptionalString(roles, $"{at}.roles", "emergency", RoleArn, "an IAM role ARN like arn:aws:iam::123456789012:role/BuzzKeyMgmtEmergency");
            recovery = r.OptionalString(roles, $"{at}.roles", "recovery", RoleArn, "an IAM role ARN like arn:aws:iam::123456789012:role/BuzzKeyMgmtRecovery");
        }

        var endpointUrl = ReadEndpoint(r, e, at, "endpointUrl", file);
        return new KeyMgmtEnvironment
        {
            Name = name,
            Region = r.RequiredString(e, at, "region", Region, "an AWS Region code like us-east-1"),
            AccountId = r.RequiredString(e, at, "accountId", AccountId, "a 12-digit AWS account id"),
            IsProduction = r.OptionalBool(e, at, "production"),
            AdminRoleArn = admin,
            EmergencyRoleArn = emergency,
            RecoveryRoleArn = recovery,
            MfaSerialNumber = r.OptionalString(e, at, "mfaSerialNumber", MfaSerial, "an MFA device ARN like arn:aws:iam::123456789012:mfa/alice or a hardware serial (9-256 characters)"),
            AlertTopicArn = r.OptionalString(e, at, "alertTopicArn", TopicArn, "a standard SNS topic ARN arn:aws:sns:<region>:<account>:<name> like arn:aws:sns:us-east-1:123456789012:key-alerts (alerts are published in that Region and account)"),
            AuditStore = ReadStore(r, e, at, file),
            AuditDigests = AuditDigestSettings.Read(e, at, file),
            EndpointUrl = endpointUrl,
            Endpoints = ReadEndpoints(r, e, at, file, endpointUrl),
            Source = file,
        };
    }

    private static AuditStoreReference? ReadStore(Reader r, JsonElement e, string at, string file)
    {
        if (!e.TryGetProperty("auditStore", out var store)) return null;
        var where = $"{at}.auditStore";
        r.ExpectObject(store, where);
        r.OnlyKeys(store, where, StoreKeys);
        var provider = r.RequiredString(store, where, "provider", new Regex("^(Sqlite|SqlServer)$"), "\"Sqlite\" or \"SqlServer\"");
        if (provider == AuditStoreReference.Sqlite)
        {
            var path = r.RequiredString(store, where, "path", new Regex(@"\S"), "the path of the SQLite audit database file");
            return new AuditStoreReference(provider, path);
        }
        var cs = r.RequiredString(store, where, "connectionString", new Regex(@"\S"), "a SQL Server connection string");
        return new AuditStoreReference(provider, cs);
    }

    /// <summary><c>endpoints: { kms, sts, sns, iam }</c>, each optional; a service not named there uses <c>endpointUrl</c>
    /// (the one-for-all shorthand) when it is set, else the service's public endpoint in the Region.</summary>
    private static Aws.ServiceEndpoints ReadEndpoints(Reader r, JsonElement e, string at, string file, string? all)
    {
        if (!e.TryGetProperty("endpoints", out var endpoints) || endpoints.ValueKind == JsonValueKind.Null)
            return Aws.ServiceEndpoints.All(all);
        var where = $"{at}.endpoints";
        r.ExpectObject(endpoints, where);
        r.OnlyKeys(endpoints, where, EndpointKeys);
        return new Aws.ServiceEndpoints(
            ReadEndpoint(r, endpoints, where, "kms", file) ?? all,
            ReadEndpoint(r, endpoints, where, "sts", file) ?? all,
            ReadEndpoint(r, endpoints, where, "sns", file) ?? all,
            ReadEndpoint(r, endpoints, where, "iam", file) ?? all);
    }

    private static string? ReadEndpoint(Reader r, JsonElement e, string at, string key, string file)
    {
        var url = r.OptionalString(e, at, key, new Regex(@"^\S+$"), "an absolute http(s) URL like https://kms.us-east-1.amazonaws.com");
        if (url is null) return null;
        if (Aws.ServiceEndpoints.Problem(url) is { } problem)
            throw new ConfigurationException(file, $"{at}.{key}", $"'{url}' {problem}");
        return url;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }

    private sealed class Reader(string file)
    {
        public void ExpectObject(JsonElement e, string at)
        {
            if (e.ValueKind != JsonValueKind.Object)
                throw new ConfigurationException(file, at, $"expected an object, found {e.ValueKind.ToString().ToLowerInvariant()}");
        }

        public void OnlyKeys(JsonElement e, string at, params string[] allowed)
        {
            foreach (var p in e.EnumerateObject())
                if (!allowed.Contains(p.Name, StringComparer.Ordinal))
                    throw new ConfigurationException(file, at == "(top level)" ? p.Name : $"{at}.{p.Name}",
                        $"unknown key; expected one of: {string.Join(", ", allowed)}");
        }

        public string RequiredString(JsonElement e, string at, string key, Regex format, string expected) =>
            OptionalString(e, at, key, format, expected)
            ?? throw new ConfigurationException(file, $"{at}.{key}", $"missing; expected {expected}");

        public string? OptionalString(JsonElement e, string at, string key, Regex format, string expected)
        {
            if (!e.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.String)
                throw new ConfigurationException(file, $"{at}.{key}", $"expected {expected} as a string, found {value.ValueKind.ToString().ToLowerInvariant()}");
            var text = value.GetString()!;
            if (!format.IsMatch(text))
                throw new ConfigurationException(file, $"{at}.{key}", $"'{Shorten(text)}' is not valid; expected {expected}");
            return text;
        }

        public bool OptionalBool(JsonElement e, string at, string key)
        {
            if (!e.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return false;
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new ConfigurationException(file, $"{at}.{key}", "expected true or false"),
            };
        }

        private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
    }
}
