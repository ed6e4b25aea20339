using System.Management.Automation;
using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Validation;

/// <summary>Like ValidatePattern, with a message that says what is expected instead of echoing the regex.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateFormatAttribute : ValidateEnumeratedArgumentsAttribute
{
    private readonly Regex _pattern;
    private readonly string _expected;

    public ValidateFormatAttribute(string pattern, string expected)
    {
        _pattern = new Regex(pattern, RegexOptions.CultureInvariant);
        _expected = expected;
    }

    protected override void ValidateElement(object element)
    {
        var text = element is PSObject ps ? ps.BaseObject?.ToString() : element?.ToString();
        if (text is null || !_pattern.IsMatch(text))
            throw new ValidationMetadataException($"'{text}' is not valid here: expected {_expected}.");
    }
}
