using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Validation;

/// <summary>Accepts an operation the audit log knows (<see cref="AuditOperations.Known"/>), in any case; anything else
/// (a typo such as REVOKED) is stopped at binding with the list of valid ones, so a filter never answers "nothing" for
/// a name that cannot match.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateAuditOperationAttribute : ValidateEnumeratedArgumentsAttribute
{
    protected override void ValidateElement(object element)
    {
        var text = element is PSObject ps ? ps.BaseObject?.ToString() : element?.ToString();
        if (AuditOperations.Canonical(text) is null)
            throw new ValidationMetadataException(
                $"'{Engine.DisplayText.Neutralize(text)}' is not an audit operation. Expected one of {string.Join(", ", AuditOperations.Known)} (any case).");
    }
}
