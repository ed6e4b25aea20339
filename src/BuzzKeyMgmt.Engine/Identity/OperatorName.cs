using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Engine.Identity;

/// <summary>The operator's name as AWS sees it, and the STS names derived from it.</summary>
internal static partial class OperatorName
{
    [GeneratedRegex(@"[^A-Za-z0-9_+=,.@-]")]
    private static partial Regex NotAllowed();

    /// <summary>From a caller ARN: user/alice → alice; assumed-role/Role/session → session; root → root.</summary>
    public static string FromArn(string callerArn)
    {
        var resource = callerArn.Split(':', 6) is { Length: 6 } parts ? parts[5] : callerArn;
        if (resource == "root") return "root";
        var segments = resource.Split('/');
        return segments[^1];
    }

    /// <summary>A valid SourceIdentity (2-64 of [\w+=,.@-], not starting "aws:").</summary>
    public static string SourceIdentity(string name)
    {
        var clean = NotAllowed().Replace(name, "-");
        if (clean.Length < 2) clean = (clean + "--")[..2];
        return clean.Length > 64 ? clean[..64] : clean;
    }

    /// <summary>A RoleSessionName carrying the operator and the incident or change id (2-64 characters).</summary>
    public static string SessionName(string @operator, string? incidentOrChange, DateTimeOffset now)
    {
        var suffix = incidentOrChange ?? now.ToString("yyyyMMdd'T'HHmmss");
        var name = NotAllowed().Replace($"{@operator}@{suffix}", "-");
        if (name.Length > 64) name = name[..64];
        return name.Length < 2 ? "bkm-" + name : name;
    }
}
