using System.Text.Json;
using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>
/// What a role's trust policy says about one caller: whether a statement allows it sts:AssumeRole (by its own ARN, its
/// role for a role session, its account as <c>arn:aws:iam::ACCT:root</c> or the bare account id, or "*"), whether an
/// unconditional Deny refuses it, whether MFA is required (<c>aws:MultiFactorAuthPresent</c> true or
/// <c>aws:MultiFactorAuthAge</c> on the allowing statements, or a Deny when MFA is absent), and which other condition
/// keys apply (named, not evaluated).
/// </summary>
internal sealed record TrustVerdict(bool Readable, bool Allowed, bool Denied, string? MatchedPrincipal, bool RequiresMfa,
    IReadOnlyList<string> OtherConditions, string? Problem)
{
    public static TrustVerdict Unreadable(string problem) => new(false, false, false, null, false, [], problem);
}

/// <summary>A deliberately small reading of IAM trust policies, enough to say whether a role trusts the caller; it does
/// not evaluate conditions other than MFA, nor NotPrincipal/NotAction statements (it names what it skipped).</summary>
internal static partial class TrustPolicy
{
    private const string AssumeRole = "sts:AssumeRole";

    [GeneratedRegex(@"^arn:(?<partition>[a-z-]+):sts::(?<account>[0-9]{12}):assumed-role/(?<role>[^/]+)/")]
    private static partial Regex AssumedRoleArn();

    public static TrustVerdict Evaluate(string? json, string callerArn, string callerAccount)
    {
        if (string.IsNullOrWhiteSpace(json)) return TrustVerdict.Unreadable("GetRole returned no trust policy");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return TrustVerdict.Unreadable($"the trust policy is not JSON ({ex.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !TryGet(document.RootElement, "Statement", out var statements))
                return TrustVerdict.Unreadable("the trust policy has no Statement");
            var candidates = Candidates(callerArn, callerAccount);
            bool allowed = false, denied = false, allAllowsNeedMfa = true, mfaDeny = false;
            string? matched = null;
            var other = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var statement in statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToList() : [statements])
            {
                if (statement.ValueKind != JsonValueKind.Object) continue;
                if (TryGet(statement, "NotPrincipal", out _) || TryGet(statement, "NotAction", out _))
                {
                    other.Add("NotPrincipal/NotAction statement");
                    continue;
                }
                if (!TryGet(statement, "Action", out var action) || !Strings(action).Any(a => Glob(a, AssumeRole))) continue;
                if (!TryGet(statement, "Principal", out var principal) || Match(principal, candidates) is not { } who) continue;
                var (mfaAllow, mfaAbsentDeny, keys) = Conditions(statement);
                var effect = TryGet(statement, "Effect", out var e) ? e.GetString() : null;
                if (string.Equals(effect, "Allow", StringComparison.OrdinalIgnoreCase))
                {
                    allowed = true;
                    matched ??= who;
                    if (!mfaAllow) allAllowsNeedMfa = false;
                    foreach (var k in keys) other.Add(k);
                }
                else if (string.Equals(effect, "Deny", StringComparison.OrdinalIgnoreCase))
                {
                    if (mfaAbsentDeny && keys.Count == 0) mfaDeny = true;
                    else if (keys.Count == 0 && !mfaAllow && !mfaAbsentDeny) denied = true;
                    else foreach (var k in keys) other.Add(k + " (on a Deny)");
                }
            }
            return new TrustVerdict(true, allowed, denied, matched, allowed && (allAllowsNeedMfa || mfaDeny), other.ToList(), null);
        }
    }

    /// <summary>The principal strings that name this caller.</summary>
    private static List<string> Candidates(string callerArn, string account)
    {
        var partition = callerArn.Split(':') is { Length: > 2 } parts ? parts[1] : "aws";
        var list = new List<string> { callerArn, $"arn:{partition}:iam::{account}:root", account, "*" };
        if (AssumedRoleArn().Match(callerArn) is { Success: true } m)
            list.Add($"arn:{m.Groups["partition"].Value}:iam::{m.Groups["account"].Value}:role/{m.Groups["role"].Value}");
        return list;
    }

    private static string? Match(JsonElement principal, List<string> candidates)
    {
        if (principal.ValueKind == JsonValueKind.String) return principal.GetString() == "*" ? "*" : null;
        if (principal.ValueKind != JsonValueKind.Object || !TryGet(principal, "AWS", out var aws)) return null;
        foreach (var name in Strings(aws))
        {
            if (candidates.Contains(name, StringComparer.Ordinal)) return name;
            // A role named with its path (arn:aws:iam::ACCT:role/path/Name) still names a session of that role.
            if (name.Contains(":role/", StringComparison.Ordinal) && candidates.Any(c => c.Contains(":role/", StringComparison.Ordinal)
                    && name.Split(':')[4] == c.Split(':')[4] && name[(name.LastIndexOf('/') + 1)..] == c[(c.LastIndexOf('/') + 1)..]))
                return name;
        }
        return null;
    }

    /// <summary>(MFA required by this statement's conditions, a "Deny when MFA is absent" condition, the other keys).</summary>
    private static (bool MfaAllow, bool MfaAbsentDeny, List<string> Other) Conditions(JsonElement statement)
    {
        bool mfa = false, absent = false;
        var other = new List<string>();
        if (!TryGet(statement, "Condition", out var condition) || condition.ValueKind != JsonValueKind.Object) return (false, false, other);
        foreach (var op in condition.EnumerateObject())
        {
            if (op.Value.ValueKind != JsonValueKind.Object) continue;
            foreach (var key in op.Value.EnumerateObject())
            {
                var values = Strings(key.Value).ToList();
                if (key.Name.Equals("aws:MultiFactorAuthPresent", StringComparison.OrdinalIgnoreCase) && op.Name.StartsWith("Bool", StringComparison.OrdinalIgnoreCase))
                {
                    if (values.Contains("true", StringComparer.OrdinalIgnoreCase)) mfa = true;
                    else if (values.Contains("false", StringComparer.OrdinalIgnoreCase)) absent = true;
                }
                else if (key.Name.Equals("aws:MultiFactorAuthAge", StringComparison.OrdinalIgnoreCase) && op.Name.StartsWith("Numeric", StringComparison.OrdinalIgnoreCase))
                    mfa = true;
                else if (op.Name.Equals("Null", StringComparison.OrdinalIgnoreCase) && key.Name.Equals("aws:MultiFactorAuthAge", StringComparison.OrdinalIgnoreCase))
                    absent = values.Contains("true", StringComparer.OrdinalIgnoreCase) || absent;
                else other.Add(key.Name);
            }
        }
        return (mfa, absent, other);
    }

    private static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Array => e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!),
        JsonValueKind.True => ["true"],
        JsonValueKind.False => ["false"],
        _ => [],
    };

    /// <summary>IAM's action matching: case-insensitive, * and ? wildcards.</summary>
    private static bool Glob(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + @"\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static bool TryGet(JsonElement e, string name, out JsonElement value)
    {
        foreach (var p in e.EnumerateObject())
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) { value = p.Value; return true; }
        value = default;
        return false;
    }
}
