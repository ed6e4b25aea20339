using System.Management.Automation;
using BuzzKeyMgmt.Engine.Aws;

namespace BuzzKeyMgmt.Validation;

/// <summary>An endpoint URL by the rules of the environments file (absolute https, plain http only to loopback, no
/// credentials, query or fragment), stopped at binding; the refusal never echoes a user name or password in the URL.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateEndpointUrlAttribute : ValidateEnumeratedArgumentsAttribute
{
    protected override void ValidateElement(object element)
    {
        var text = element is PSObject ps ? ps.BaseObject?.ToString() : element?.ToString();
        var problem = string.IsNullOrEmpty(text) ? "is empty" : ServiceEndpoints.Problem(text);
        if (problem is not null)
            throw new ValidationMetadataException($"'{ServiceEndpoints.Redact(text ?? "")}' {problem}.");
    }
}
