using System.Globalization;
using System.Text;

namespace BuzzKeyMgmt.Engine;

/// <summary>
/// Text someone else wrote (an audit reason, a value echoed in an error), made safe to put on a terminal: every C0 and
/// C1 control character (ESC, CR, LF, NUL, BEL, TAB, DEL, CSI …), the bidirectional overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069, and the marks U+200E, U+200F, U+061C) and the line and paragraph separators (U+2028, U+2029) become
/// visible escapes: <c>\e</c>, <c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\0</c>, <c>\a</c>, <c>\b</c>, <c>\f</c>, <c>\v</c>,
/// else <c>\uXXXX</c>. An ANSI sequence such as ESC[2J (clear screen) or ESC]0;title BEL (window title) then shows as
/// <c>\e[2J</c> or <c>\e]0;title\a</c> and does nothing. Backslashes are left as they are: the escapes are for reading,
/// and the stored value (which scripts get from the object's property) is always the verbatim one.
/// </summary>
public static class DisplayText
{
    /// <summary>The text with every character that could move the cursor, clear or retitle the terminal, break a line or
    /// reorder what follows replaced by a visible escape; null stays null.</summary>
    public static string? Neutralize(string? text)
    {
        if (text is null) return null;
        var i = 0;
        while (i < text.Length && !NeedsEscape(text[i])) i++;
        if (i == text.Length) return text;
        var sb = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(c))
            {
                sb.Append(c);
                continue;
            }
            sb.Append(c switch
            {
                '\u001B' => @"\e",
                '\r' => @"\r",
                '\n' => @"\n",
                '\t' => @"\t",
                '\0' => @"\0",
                '\a' => @"\a",
                '\b' => @"\b",
                '\f' => @"\f",
                '\v' => @"\v",
                _ => @"\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
            });
        }
        return sb.ToString();
    }

    /// <summary>Whether <paramref name="text"/> holds any character <see cref="Neutralize"/> would escape.</summary>
    public static bool HasUnsafeCharacters(string? text) => text is not null && text.Any(NeedsEscape);

    private static bool NeedsEscape(char c) =>
        c < '\u0020' || c is >= '\u007F' and <= '\u009F'
        || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069'
        || c is '\u200E' or '\u200F' or '\u061C' or '\u2028' or '\u2029';
}
