using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Policy;

namespace BuzzKeyMgmt.Engine.Tests.Policy;

/// <summary>Input that cannot forge logs: ids match the policy whole and in ASCII, reasons say something.</summary>
public class OperatorInputTests
{
    [Theory]
    [InlineData("INC-2026-0042", true)]
    [InlineData("INCIDENT-2026-123456", true)]
    [InlineData("INC-2026-0042\n", false)]                 // $ matched before the final newline
    [InlineData("INC-2026-0042\r\n", false)]
    [InlineData("INC-\uFF12\uFF10\uFF12\uFF16-0042", false)]  // full-width digits matched \d
    [InlineData("INC-2026-\u0660\u0660\u0664\u0662", false)]  // Arabic-Indic digits
    [InlineData("INC-2026-0042\u202E", false)]
    [InlineData("INC-2026-0042 ", false)]
    [InlineData(" INC-2026-0042", false)]
    [InlineData("xINC-2026-0042", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_seeded_incident_pattern_is_applied_whole_and_in_ascii(string? id, bool valid) =>
        Assert.Equal(valid, PolicySettings.Defaults.IsValidIncidentId(id));

    [Theory]
    [InlineData("CHG-2026-0107", true)]
    [InlineData("CHG-2026-0107\n", false)]
    [InlineData("CHG-\uFF12\uFF10\uFF12\uFF16-0107", false)]
    public void The_seeded_change_pattern_is_applied_whole_and_in_ascii(string id, bool valid) =>
        Assert.Equal(valid, PolicySettings.Defaults.IsValidChangeId(id));

    [Theory]
    [InlineData(@"INC-\d+", "INC-42", true)]                // an unanchored pattern still has to cover the whole id
    [InlineData(@"INC-\d+", "see INC-42 please", false)]
    [InlineData(@"INC-\d+", "INC-42x", false)]
    [InlineData(@"^INC-\w+$", "INC-\u00E9t\u00E9", false)]   // \w is ASCII (ECMAScript), and the id must be ASCII anyway
    [InlineData(@"^INC-.+$", "INC-1\u001B[2J", false)]       // a permissive pattern cannot let control characters in
    public void Any_stored_pattern_matches_the_whole_value_and_only_printable_ascii(string pattern, string id, bool valid) =>
        Assert.Equal(valid, PolicySettings.Matches(pattern, id));

    [Fact]
    public void An_id_longer_than_the_store_keeps_is_refused() =>
        Assert.False(PolicySettings.Matches(".*", new string('A', PolicySettings.MaxIdLength + 1)));

    [Fact]
    public void The_refusal_shows_the_id_with_its_newline_escaped()
    {
        var ex = Assert.Throws<KeyMgmtException>(() => OperatorInput.RequireIncidentId(PolicySettings.Defaults, "INC-2026-0042\n"));
        Assert.Equal("IncidentIdInvalid", ex.ErrorId);
        Assert.Contains(@"'INC-2026-0042\n'", ex.Message);
        Assert.Equal("ChangeIdInvalid", Assert.Throws<KeyMgmtException>(() => OperatorInput.RequireChangeId(PolicySettings.Defaults, "CHG-1")).ErrorId);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("   \t  ")]
    [InlineData("\r\n")]
    [InlineData("\u00A0\u2003\u3000")]         // no-break, em and ideographic spaces
    [InlineData("\u200B\u200E\u202E")]         // zero-width space and bidi marks
    [InlineData("\0\u001B")]
    [InlineData("")]
    public void A_reason_with_nothing_visible_is_refused(string reason)
    {
        Assert.NotNull(OperatorInput.ReasonProblem(reason));
        Assert.False(PolicySettings.Defaults.IsValidReason(reason));
        Assert.Equal("ReasonInvalid", Assert.Throws<KeyMgmtException>(() => OperatorInput.RequireReason(reason)).ErrorId);
    }

    [Theory]
    [InlineData("leaked credentials")]
    [InlineData("\u001B[2J\u001B]0;pwned\u0007 forged\r\nline\0 \u202Eevil")]   // stored verbatim: only displayed neutralised
    [InlineData("x")]
    public void A_reason_with_something_visible_is_accepted_as_it_is(string reason) =>
        Assert.Null(OperatorInput.ReasonProblem(reason));

    [Fact]
    public void A_reason_longer_than_the_store_keeps_is_refused() =>
        Assert.Contains("1000", OperatorInput.ReasonProblem(new string('x', 1001)));

    [Theory]
    [InlineData("alias/CEK_User_1\n")]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab\n")]
    [InlineData("arn:aws:kms:us-east-1:\uFF11\uFF11\uFF11\uFF11\uFF12\uFF12\uFF12\uFF12\uFF13\uFF13\uFF13\uFF13:alias/x")]
    public void Key_references_are_ascii_and_end_where_the_value_ends(string text) =>
        Assert.False(KeyReference.TryParse(text, out _));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\u001B[2Jb", @"a\e[2Jb")]
    [InlineData("\u001B]0;title\u0007", @"\e]0;title\a")]
    [InlineData("one\r\ntwo\0", @"one\r\ntwo\0")]
    [InlineData("abc\u202Edef\u2066\u2069", @"abc\u202Edef\u2066\u2069")]
    [InlineData("c1\u009Bx\u0085", @"c1\u009Bx\u0085")]
    [InlineData("tab\there\u007F", @"tab\there\u007F")]
    public void Display_text_shows_every_control_and_bidi_character_as_a_visible_escape(string raw, string shown)
    {
        Assert.Equal(shown, DisplayText.Neutralize(raw));
        Assert.False(DisplayText.HasUnsafeCharacters(DisplayText.Neutralize(raw)));
    }
}
