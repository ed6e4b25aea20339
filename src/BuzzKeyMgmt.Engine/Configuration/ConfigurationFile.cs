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
        { "region", "accountId", "production", "profile", "kmsQuotas", "roles", "mfaSerialNumber", "alertTopicArn", "auditStore", "endpointUrl", "endpoints", "auditDigests" };
    private static readonly string[] EndpointKeys = { "kms", "sts", "sns", "iam" };
    private static readonly string[] RoleKeys = { "admin", "emergency", "recovery" };
    private static readonly string[] StoreKeys = { "provider", "path", "connectionString" };

    // Every format is ASCII and anchored with \z: .NET's \d matches any Unicode digit (full-width ２０２６ too) and $ matches
    // before a final newline, so "123456789012\n" would pass a ^\d{12}$ check and go into ARNs and requests.
    private static readonly Regex EnvironmentName = Format(@"^[A-Za-z][A-Za-z0-9_-]{0,63}\z");
    private static readonly Regex Region = Format(@"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]{1,2}\z");
    private static readonly Regex AccountId = Format(@"^[0-9]{12}\z");
    private static readonly Regex RoleArn = Format(@"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}\z");
    private static readonly Regex MfaSerial = Format(@"^(arn:aws[a-z-]*:iam::[0-9]{12}:mfa/[A-Za-z0-9_+=,.@/-]+|[A-Za-z0-9_+=/:,.@-]{9,256})\z");
    /// <summary>A standard SNS topic's ARN: partition, sns, a Region code, a 12-digit account, a name (letters, digits, -, _).</summary>
    private static readonly Regex TopicArn = Format(@"^arn:aws[a-z-]*:sns:[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]{1,2}:[0-9]{12}:[A-Za-z0-9_-]{1,256}\z");
    private static readonly Regex Provider = Format(@"^(Sqlite|SqlServer)\z");
    private static readonly Regex ProfileName = Format(@"^[A-Za-z0-9._+=,@-]{1,64}\z");
    private static readonly Regex NotBlank = Format(@"\S");
    private static readonly Regex NoWhitespace = Format(@"^\S+\z");

    private static Regex Format(string pattern) => new(pattern, RegexOptions.CultureInvariant);

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
            DuplicateKeys.Check(json, file);
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
            ProfileName = r.OptionalString(e, at, "profile", ProfileName, "the name of an AWS profile in the shared config or credentials file (letters, digits, and . _ - + = , @; at most 64)"),
            AdminRoleArn = admin,
            EmergencyRoleArn = emergency,
            RecoveryRoleArn = recovery,
            MfaSerialNumber = r.OptionalString(e, at, "mfaSerialNumber", MfaSerial, "an MFA device ARN like arn:aws:iam::123456789012:mfa/alice or a hardware serial (9-256 characters)"),
            AlertTopicArn = r.OptionalString(e, at, "alertTopicArn", TopicArn, "a standard SNS topic ARN arn:aws:sns:<region>:<account>:<name> like arn:aws:sns:us-east-1:123456789012:key-alerts (alerts are published in that Region and account)"),
            KmsQuotas = ReadQuotas(e, at, file),
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
        var provider = r.RequiredString(store, where, "provider", Provider, "\"Sqlite\" or \"SqlServer\"");
        if (provider == AuditStoreReference.Sqlite)
        {
            var path = r.RequiredString(store, where, "path", NotBlank, "the path of the SQLite audit database file");
            return new AuditStoreReference(provider, path);
        }
        var cs = r.RequiredString(store, where, "connectionString", NotBlank, "a SQL Server connection string");
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

    /// <summary>Raised KMS request quotas of the account-Region (requests per second by operation), so the module paces
    /// to them instead of AWS's defaults.</summary>
    private static IReadOnlyDictionary<string, double>? ReadQuotas(JsonElement e, string at, string file)
    {
        if (!e.TryGetProperty("kmsQuotas", out var quotas) || quotas.ValueKind == JsonValueKind.Null) return null;
        var where = $"{at}.kmsQuotas";
        var known = Kms.KmsQuotaGates.DefaultQuotas.Keys.ToArray();
        if (quotas.ValueKind != JsonValueKind.Object)
            throw new ConfigurationException(file, where, $"expected an object of requests per second by operation, like {{ \"DescribeKey\": 4000 }}");
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in quotas.EnumerateObject())
        {
            if (!known.Contains(p.Name, StringComparer.Ordinal))
                throw new ConfigurationException(file, $"{where}.{p.Name}", $"unknown operation; expected one of: {string.Join(", ", known)}");
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out var rate) || !(rate >= 1 && rate <= 1_000_000))
                throw new ConfigurationException(file, $"{where}.{p.Name}", "expected requests per second as a number from 1 to 1000000 (the quota AWS granted this account and Region)");
            result[p.Name] = rate;
        }
        return result;
    }

    private static string? ReadEndpoint(Reader r, JsonElement e, string at, string key, string file)
    {
        // Echoed without its user name and password: an error must not carry a secret someone put in the URL.
        var url = r.OptionalString(e, at, key, NoWhitespace, "an absolute http(s) URL like https://kms.us-east-1.amazonaws.com", Aws.ServiceEndpoints.Redact);
        if (url is null) return null;
        if (Aws.ServiceEndpoints.Problem(url) is { } problem)
            throw new ConfigurationException(file, $"{at}.{key}", $"'{Aws.ServiceEndpoints.Redact(url)}' {problem}");
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

        public string? OptionalString(JsonElement e, string at, string key, Regex format, string expected, Func<string, string>? show = null)
        {
            if (!e.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.String)
                throw new ConfigurationException(file, $"{at}.{key}", $"expected {expected} as a string, found {value.ValueKind.ToString().ToLowerInvariant()}");
            var text = value.GetString()!;
            if (!format.IsMatch(text))
                throw new ConfigurationException(file, $"{at}.{key}", $"'{Shorten((show ?? (t => t))(text))}' is not valid; expected {expected}");
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

        /// <summary>The value as echoed in an error: at most 80 characters, control characters shown as escapes
        /// ("us-east-1\n"), so the reason a value is refused is visible.</summary>
        private static string Shorten(string text) => DisplayText.Neutralize(text.Length <= 80 ? text : text[..77] + "...")!;
    }
}
