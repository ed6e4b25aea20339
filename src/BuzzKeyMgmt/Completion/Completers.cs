using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using BuzzKeyMgmt.Engine.Completion;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Completion;

/// <summary>Shared by the module's completers: the runspace's context, the typed word without its quotes, and results
/// quoted when the value needs it. Completers are thin: what they offer comes from <see cref="CompletionSources"/>.
/// No completer calls AWS.</summary>
public abstract class KeyMgmtCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = Unquote(wordToComplete ?? "");
        List<CompletionResult> results;
        try
        {
            results = Offer(word, fakeBoundParameters).Select(o => Result(o.Value, o.ToolTip)).ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return [];   // Tab never throws at the user
        }
        return results;
    }

    /// <summary>Values (and tooltips) for the typed word, already filtered.</summary>
    protected abstract IEnumerable<(string Value, string ToolTip)> Offer(string word, IDictionary bound);

    protected static Engine.Context.KeyMgmtContext Context => RunspaceContexts.Current;

    protected static IEnumerable<(string, string)> Starting(IEnumerable<string> values, string word) =>
        values.Where(v => v.StartsWith(word, StringComparison.OrdinalIgnoreCase)).Select(v => (v, v));

    /// <summary>A bound parameter's value as text (a constant typed on the command line), or null.</summary>
    protected static string? BoundText(IDictionary bound, string name) =>
        bound.Contains(name) && bound[name] is { } v ? (v is PSObject ps ? ps.BaseObject : v)?.ToString() : null;

    /// <summary>The session the command would act with: -Session when bound, else the current one.</summary>
    protected static KeyMgmtSession? SessionOf(IDictionary bound) =>
        bound.Contains("Session") && (bound["Session"] is PSObject { BaseObject: KeyMgmtSession p } ? p : bound["Session"] as KeyMgmtSession) is { } s
            ? s : Context.Sessions.Current;

    private static string Unquote(string word) =>
        word.Length > 0 && word[0] is '\'' or '"' ? word.Trim(word[0]) : word;

    private static CompletionResult Result(string value, string toolTip)
    {
        var needsQuotes = value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '$' or '`' or '\'' or '"' or ';' or ',' or '(' or ')' or '{' or '}' or '@' or '#' or '|' or '&' or '<' or '>');
        var text = needsQuotes ? "'" + value.Replace("'", "''") + "'" : value;
        return new CompletionResult(text, value, CompletionResultType.ParameterValue, string.IsNullOrEmpty(toolTip) ? value : toolTip);
    }
}

/// <summary>-Environment (and Get-KeyMgmtEnvironment -Name): the file's, the sandbox's and the open sessions' environments.</summary>
public sealed class EnvironmentCompleter : KeyMgmtCompleter
{
    protected override IEnumerable<(string, string)> Offer(string word, IDictionary bound) =>
        Starting(CompletionSources.EnvironmentNames(Context), word);
}

/// <summary>Session -Name: the open sessions of this PowerShell session.</summary>
public sealed class SessionNameCompleter : KeyMgmtCompleter
{
    protected override IEnumerable<(string, string)> Offer(string word, IDictionary bound) =>
        Context.Sessions.All.Where(s => s.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(s => (s.Name, $"{s.Name}{(s.IsCurrent ? " (current)" : "")}: {s.CallerArn}"));
}

/// <summary>Get-KeyAuditLog -Operation: the known operations, whatever case was typed.</summary>
public sealed class OperationCompleter : KeyMgmtCompleter
{
    protected override IEnumerable<(string, string)> Offer(string word, IDictionary bound) =>
        CompletionSources.Operations(word).Select(o => (o, o));
}

/// <summary>-Region: the AWS SDK's Region codes and the environments' Regions.</summary>
public sealed class RegionCompleter : KeyMgmtCompleter
{
    protected override IEnumerable<(string, string)> Offer(string word, IDictionary bound) =>
        Starting(CompletionSources.RegionCodes(Context), word);
}

/// <summary>-ProfileName: the profiles of the AWS shared config and credentials files.</summary>
public sealed class ProfileNameCompleter : KeyMgmtCompleter
{
    protected override IEnumerable<(string, string)> Offer(string word, IDictionary bound) =>
        Starting(CompletionSources.AwsProfileNames(), word);
}

/// <summary>-RequestId: recovery requests pending approval in the audit store of -Environment, else of the session's
/// environment (tooltip: key, change, approvals so far, expiry).</summary>
public sealed class RequestIdCompleter : KeyMgmtCompleter
{
    protected override IEnumerable<(string, string)> Offer(string word, IDictionary bound)
    {
        var environment = BoundText(bound, "Environment") ?? (bound.Contains("Session") ? SessionOf(bound)?.Environment : null);
        return CompletionSources.PendingRequests(Context, environment)
            .Select(r => (r.RequestId.ToString(), $"{r.Alias ?? r.KeyId} {r.ChangeId} {r.Approvals.Count}/{r.ApprovalsRequired} approvals, expires {r.ExpiresAtUtc:yyyy-MM-dd HH:mm}Z"))
            .Where(r => r.Item1.StartsWith(word, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>-KeyId: alias names, then key ids, that listings (Get-KeyStatus) in the session's environment saw; no AWS call.</summary>
public sealed class KeyIdCompleter : KeyMgmtCompleter
{
    protected override IEnumerable<(string, string)> Offer(string word, IDictionary bound)
    {
        var environment = BoundText(bound, "Environment") ?? SessionOf(bound)?.Environment;
        return environment is null ? [] : Context.Listings.For(environment).Complete(word).Select(n => (n, n));
    }
}

/// <summary>-Alias (patterns): alias names that listings in the session's environment saw; no AWS call.</summary>
public sealed class AliasCompleter : KeyMgmtCompleter
{
    protected override IEnumerable<(string, string)> Offer(string word, IDictionary bound)
    {
        var environment = SessionOf(bound)?.Environment;
        return environment is null ? [] : Context.Listings.For(environment).Complete(word, aliasesOnly: true).Select(n => (n, n));
    }
}
