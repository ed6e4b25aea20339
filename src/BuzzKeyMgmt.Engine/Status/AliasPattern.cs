using System.Text;
using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>PowerShell-style wildcards (* ? [abc]) over alias names, without a PowerShell reference.
/// "CEK_*" means "alias/CEK_*". Matching is case-sensitive, as KMS alias names are.</summary>
public sealed class AliasPattern
{
    private readonly Regex _regex;

    public AliasPattern(string pattern)
    {
        Text = pattern.StartsWith("alias/", StringComparison.Ordinal) || pattern.StartsWith("arn:", StringComparison.Ordinal) ? pattern : "alias/" + pattern;
        if (Text.StartsWith("arn:", StringComparison.Ordinal)) Text = Text[(Text.IndexOf(":alias/", StringComparison.Ordinal) + 1)..];
        HasWildcard = Text.IndexOfAny(new[] { '*', '?', '[' }) >= 0;
        var sb = new StringBuilder("^");
        foreach (var c in Text)
            sb.Append(c switch { '*' => ".*", '?' => ".", '[' => "[", ']' => "]", _ => Regex.Escape(c.ToString()) });
        _regex = new Regex(sb.Append(@"\z").ToString(), RegexOptions.CultureInvariant);
    }

    public string Text { get; }
    public bool HasWildcard { get; }
    public bool IsMatch(string aliasName) => _regex.IsMatch(aliasName);
}
