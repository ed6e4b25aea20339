using System.Net;
using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Engine.Tests.Reporting;

/// <summary>Reads the report's markup the way the tests need: start tags with their attributes, and elements by id. Works
/// on the writer's output (attributes always double-quoted) and on Chromium's serialised DOM.</summary>
internal static partial class HtmlProbe
{
    public sealed record Tag(string Name, IReadOnlyList<(string Name, string Value)> Attributes, int Index)
    {
        public string? this[string name] => Attributes.FirstOrDefault(a => a.Name == name) is { Name: not null } a ? a.Value : null;
        public bool Has(string name) => Attributes.Any(a => a.Name == name);
    }

    [GeneratedRegex(@"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:""[^""]*""|'[^']*'|[^\s>]+))?)*)\s*/?>")]
    private static partial Regex StartTag();

    [GeneratedRegex(@"([^\s=/>]+)(?:\s*=\s*(?:""([^""]*)""|'([^']*)'|([^\s>]+)))?")]
    private static partial Regex Attribute();

    public static IEnumerable<Tag> Tags(string html)
    {
        foreach (Match m in StartTag().Matches(html))
        {
            var attributes = Attribute().Matches(m.Groups[2].Value)
                .Select(a => (a.Groups[1].Value.ToLowerInvariant(),
                    WebUtility.HtmlDecode(a.Groups[2].Success ? a.Groups[2].Value : a.Groups[3].Success ? a.Groups[3].Value : a.Groups[4].Value)))
                .ToList();
            yield return new Tag(m.Groups[1].Value.ToLowerInvariant(), attributes, m.Index);
        }
    }

    /// <summary>The decoded text inside the element with this id (its first child text run, up to the next tag).</summary>
    public static string TextOf(string html, string id)
    {
        var m = Regex.Match(html, "id=\"" + Regex.Escape(id) + "\"[^>]*>([^<]*)<");
        Assert.True(m.Success, $"no element with id '{id}'");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    public static int IntOf(string html, string id) => int.Parse(TextOf(html, id).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public static Tag ById(string html, string id) => Tags(html).Single(t => t["id"] == id);

    /// <summary>The rows of the table with this id (its tbody's tr start tags).</summary>
    public static List<Tag> Rows(string html, string tableId)
    {
        var start = html.IndexOf("id=\"" + tableId + "\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no table '{tableId}'");
        var body = html.IndexOf("<tbody", start, StringComparison.Ordinal);
        var end = html.IndexOf("</tbody>", body, StringComparison.Ordinal);
        return Tags(html[body..end]).Where(t => t.Name == "tr").ToList();
    }

    public static string ScriptOf(string html)
    {
        var open = html.IndexOf("<script>", StringComparison.Ordinal);
        var close = html.IndexOf("</script>", open, StringComparison.Ordinal);
        return html[(open + "<script>".Length)..close];
    }
}
