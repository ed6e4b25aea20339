using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit.SqlServer;

namespace BuzzKeyMgmt.Validation;

/// <summary>Accepts a connection string SqlClient would accept; anything else is stopped at binding with a message that
/// never repeats the string (it may hold a password).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateSqlConnectionStringAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var text = arguments is PSObject ps ? ps.BaseObject?.ToString() : arguments?.ToString();
        if (!SqlServerConnectionTarget.TryValidate(text, out var problem))
            throw new ValidationMetadataException(problem);
    }
}
