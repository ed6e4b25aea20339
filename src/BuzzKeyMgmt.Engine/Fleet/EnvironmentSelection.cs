using System.Text;
using System.Text.RegularExpressions;
using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Engine.Fleet;

/// <summary>
/// The environments a fleet read spans: names or PowerShell-style wildcards (* ? [abc], case-insensitive, as environment
/// names are) over the configured environments and this context's registrations; "*" is every one. A name or pattern
/// that matches nothing is an error naming the known environments, before any AWS call.
/// </summary>
public static class EnvironmentSelection
{
    public static IReadOnlyList<KeyMgmtEnvironment> Resolve(EnvironmentCatalog catalog, IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0) throw new ArgumentException("At least one environment name or pattern is required.", nameof(patterns));
        var all = catalog.All();
        var chosen = new List<KeyMgmtEnvironment>();
        var unmatched = new List<string>();
        foreach (var pattern in patterns)
        {
            var regex = ToRegex(pattern);
            var matches = all.Where(e => regex.IsMatch(e.Name)).ToList();
            if (matches.Count == 0) unmatched.Add(pattern);
            foreach (var e in matches)
                if (!chosen.Any(c => string.Equals(c.Name, e.Name, StringComparison.OrdinalIgnoreCase))) chosen.Add(e);
        }
        if (unmatched.Count > 0)
        {
            var known = all.Count == 0 ? "none" : string.Join(", ", all.Select(e => e.Name));
            throw new KeyMgmtException("EnvironmentNotFound", FailureKind.ObjectNotFound,
                $"No environment matches {string.Join(", ", unmatched.Select(u => $"'{DisplayText.Neutralize(u)}'"))}. Known: {known}.",
                $"Add it to {EnvironmentCatalog.ConfigurationFilePath} (see the README), or pass -Environment '*' for every configured environment.");
        }
        return chosen;
    }

    private static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        foreach (var c in pattern)
            sb.Append(c switch { '*' => ".*", '?' => ".", '[' => "[", ']' => "]", _ => Regex.Escape(c.ToString()) });
        return new Regex(sb.Append(@"\z").ToString(), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    }
}
