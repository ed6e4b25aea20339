using System.Globalization;
using System.Text.RegularExpressions;
using BuzzKeyMgmt.Sandbox.Protocols;

namespace BuzzKeyMgmt.Sandbox.Sts;

/// <summary>
/// AssumeRole's parameters after AWS's model constraints (RoleSessionName 2–64 <c>[\w+=,.@-]*</c>, DurationSeconds
/// 900–43200, SerialNumber 9–256, TokenCode 6 digits, SourceIdentity 2–64 not starting "aws:"). Violations become one
/// ValidationError listing every failed constraint, as STS words it.
/// </summary>
internal sealed partial record AssumeRoleRequest(string RoleArn, string SessionName, int DurationSeconds,
    string? SerialNumber, string? TokenCode, string? SourceIdentity)
{
    [GeneratedRegex(@"^[\w+=,.@-]*$")] private static partial Regex NamePattern();
    [GeneratedRegex(@"^[\w+=/:,.@-]*$")] private static partial Regex SerialPattern();
    [GeneratedRegex(@"^[\d]*$")] private static partial Regex DigitsPattern();

    public static AssumeRoleRequest? Parse(FormParameters p, out AwsError? error)
    {
        var problems = new List<string>();
        var roleArn = p["RoleArn"];
        var session = p["RoleSessionName"];
        if (roleArn is null) problems.Add(NotNull("roleArn"));
        else Length(problems, "roleArn", roleArn, 20, 2048);
        if (session is null) problems.Add(NotNull("roleSessionName"));
        else
        {
            Length(problems, "roleSessionName", session, 2, 64);
            Pattern(problems, "roleSessionName", session, NamePattern(), @"[\w+=,.@-]*");
        }
        int duration = 3600;
        if (p["DurationSeconds"] is { } d)
        {
            if (!int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out duration))
                problems.Add($"Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must be a whole number");
            else if (duration < 900)
                problems.Add($"Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
            else if (duration > 43200)
                problems.Add($"Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200");
        }
        var serial = p["SerialNumber"];
        if (serial is not null)
        {
            Length(problems, "serialNumber", serial, 9, 256);
            Pattern(problems, "serialNumber", serial, SerialPattern(), @"[\w+=/:,.@-]*");
        }
        var code = p["TokenCode"];
        if (code is not null)
        {
            Length(problems, "tokenCode", code, 6, 6);
            Pattern(problems, "tokenCode", code, DigitsPattern(), @"[\d]*");
        }
        var source = p["SourceIdentity"];
        if (source is not null)
        {
            Length(problems, "sourceIdentity", source, 2, 64);
            Pattern(problems, "sourceIdentity", source, NamePattern(), @"[\w+=,.@-]*");
            if (source.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                problems.Add($"Value '{source}' at 'sourceIdentity' failed to satisfy constraint: Member must not start with 'aws:'");
        }
        if (problems.Count > 0)
        {
            var head = problems.Count == 1 ? "1 validation error detected: " : $"{problems.Count} validation errors detected: ";
            error = new AwsError("ValidationError", head + string.Join("; ", problems), 400);
            return null;
        }
        error = null;
        return new AssumeRoleRequest(roleArn!, session!, duration, serial, code, source);
    }

    private static string NotNull(string member) => $"Value null at '{member}' failed to satisfy constraint: Member must not be null";

    private static void Length(List<string> problems, string member, string value, int min, int max)
    {
        if (value.Length < min)
            problems.Add($"Value '{value}' at '{member}' failed to satisfy constraint: Member must have length greater than or equal to {min}");
        else if (value.Length > max)
            problems.Add($"Value '{value}' at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}");
    }

    private static void Pattern(List<string> problems, string member, string value, Regex regex, string shown)
    {
        if (!regex.IsMatch(value))
            problems.Add($"Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {shown}");
    }
}
