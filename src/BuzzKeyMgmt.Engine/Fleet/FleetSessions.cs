using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Fleet;

/// <summary>One environment of a fleet read: the session that reads it, or why it cannot be reached.</summary>
public sealed record FleetEnvironment(KeyMgmtEnvironment Environment, KeyMgmtSession? Session, KeyMgmtException? Failure)
{
    public string Name => Environment.Name;
}

/// <summary>
/// The sessions of a fleet read across environments: for each environment, a session of this context that can read keys
/// (Admin, Emergency or Recovery, open and not about to expire; the current one first, then Admin), else a new Admin session
/// connected from the environment's base credentials (the standard AWS chain, the environment's named profile, or the
/// sandbox's own) and kept in the context without becoming current, so the next command reuses it. Environments are
/// connected concurrently; one that cannot be reached is a failure of that environment only.
/// </summary>
public static class FleetSessions
{
    public static async Task<IReadOnlyList<FleetEnvironment>> ResolveAsync(KeyMgmtContext context, IReadOnlyList<KeyMgmtEnvironment> environments,
        CancellationToken cancellation)
    {
        var tasks = environments.Select(e => SessionForAsync(context, e, cancellation)).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>An open session of this context able to read keys in <paramref name="environment"/>, or null.</summary>
    public static KeyMgmtSession? Existing(KeyMgmtContext context, string environment)
    {
        var current = context.Sessions.Current;
        return context.Sessions.All
            .Where(s => string.Equals(s.Environment, environment, StringComparison.OrdinalIgnoreCase) && CanRead(s))
            .OrderBy(s => ReferenceEquals(s, current) ? 0 : s.Role == KeyMgmtRole.Admin ? 1 : 2)
            .FirstOrDefault();
    }

    private static bool CanRead(KeyMgmtSession s) =>
        s.Role is KeyMgmtRole.Admin or KeyMgmtRole.Emergency or KeyMgmtRole.Recovery && !s.IsClosed
        && (s.TimeLeft is not { } left || left > KeyMgmtSession.RoleReuseMargin);

    private static async Task<FleetEnvironment> SessionForAsync(KeyMgmtContext context, KeyMgmtEnvironment environment, CancellationToken cancellation)
    {
        if (Existing(context, environment.Name) is { } held) return new FleetEnvironment(environment, held, null);
        try
        {
            var session = await SessionConnector.ConnectAsync(environment, new ConnectRequest(environment.Name, KeyMgmtRole.Admin), cancellation)
                .ConfigureAwait(false);
            context.Sessions.Add(session, makeCurrent: false);
            return new FleetEnvironment(environment, session, null);
        }
        catch (KeyMgmtException ex)
        {
            return new FleetEnvironment(environment, null, Unreachable(environment, ex));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new FleetEnvironment(environment, null, Unreachable(environment, new KeyMgmtException("ConnectFailed", FailureKind.ConnectionError, ex.Message, null, ex)));
        }
    }

    private static KeyMgmtException Unreachable(KeyMgmtEnvironment environment, KeyMgmtException cause) =>
        new("EnvironmentUnreachable", cause.Kind,
            $"Environment '{environment.Name}' (account {environment.AccountId}, {environment.Region}) could not be reached, so its keys were not read: {cause.Message}",
            cause.RecommendedAction ?? $"Check it with Test-KeyMgmtEnvironment -Environment {environment.Name}, or connect it yourself: Connect-KeyManagement -Environment {environment.Name} -Role Admin",
            cause);
}
