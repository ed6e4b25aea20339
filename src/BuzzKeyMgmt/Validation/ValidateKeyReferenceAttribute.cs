using System.Management.Automation;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Validation;

/// <summary>Accepts a key id, key ARN, alias name or alias ARN; anything else is stopped at binding, before any AWS call.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateKeyReferenceAttribute : ValidateEnumeratedArgumentsAttribute
{
    protected override void ValidateElement(object element)
    {
        var text = element is PSObject ps ? ps.BaseObject?.ToString() : element?.ToString();
        if (!KeyReference.TryParse(text, out _))
            throw new ValidationMetadataException($"'{text}' is not a KMS key reference. Expected {KeyReference.AcceptedForms}.");
    }
}
