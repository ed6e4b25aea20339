using System.Management.Automation;
using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Validation;

/// <summary>An alias name or wildcard pattern: alias/Name, Name, alias/CEK_* (letters, digits, / _ - and * ? [ ]).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateAliasPatternAttribute : ValidateEnumeratedArgumentsAttribute
{
    private static readonly Regex Pattern = new(@"^((arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:)?alias/)?[a-zA-Z0-9/_*?\[\]-]{1,250}\z");

    protected override void ValidateElement(object element)
    {
        var text = element?.ToString();
        if (text is null || !Pattern.IsMatch(text))
            throw new ValidationMetadataException(
                $"'{text}' is not an alias name or pattern. Expected alias/Name or Name (letters, digits, '/', '_', '-'), optionally with wildcards * ? [ ], e.g. 'alias/CEK_*'.");
    }
}
