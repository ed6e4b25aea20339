using System.Management.Automation;
using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Cmdlets.Configuration;

/// <summary>Lists the environments this session can connect to: the configuration file's and the session's own.</summary>
[Cmdlet(VerbsCommon.Get, "KeyMgmtEnvironment")]
[OutputType(typeof(KeyMgmtEnvironment))]
public sealed class GetKeyMgmtEnvironmentCommand : KeyMgmtCmdlet
{
    /// <summary>Environment names; wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.EnvironmentCompleter))]
    public string[]? Name { get; set; }

    protected override void EndProcessing()
    {
        IReadOnlyList<KeyMgmtEnvironment> all;
        try
        {
            all = Context.Environments.All();
        }
        catch (ConfigurationException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ConfigurationInvalid", ErrorCategory.InvalidData, ex.File));
            return;
        }
        var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        foreach (var environment in all.Where(e => patterns.Any(p => p.IsMatch(e.Name))))
            WriteObject(environment);
        foreach (var name in (Name ?? Array.Empty<string>()).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
            if (!all.Any(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)))
                WriteError(new ErrorRecord(new ItemNotFoundException($"No environment named '{name}' in {EnvironmentCatalog.ConfigurationFilePath} or this session."),
                    "EnvironmentNotFound", ErrorCategory.ObjectNotFound, name));
    }
}
