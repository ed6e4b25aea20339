namespace BuzzKeyMgmt.Engine.Identity;

/// <summary>The current session of this process: set by Connect-KeyManagement, read by every later cmdlet.</summary>
public static class SessionStore
{
    private static KeyMgmtSession? _current;

    public static KeyMgmtSession? Current => Volatile.Read(ref _current);

    public static void Set(KeyMgmtSession session) => Volatile.Write(ref _current, session);

    public static void Clear() => Volatile.Write(ref _current, null);

    /// <summary>The session to act with: the one passed, else the current one; a clear error when there is none,
    /// or when it has expired (saying how to reconnect).</summary>
    public static KeyMgmtSession Require(KeyMgmtSession? explicitSession)
    {
        var session = explicitSession ?? Current
            ?? throw new KeyMgmtException("NotConnected", FailureKind.InvalidOperation,
                "No BuzzKeyMgmt session: nothing is connected in this PowerShell session.",
                "Run Connect-KeyManagement -Environment <name> [-Role Admin|Emergency|Recovery -MfaCode <code>] first, or pass -Session.");
        if (session.IsExpired)
            throw new KeyMgmtException("SessionExpired", FailureKind.AuthenticationError,
                $"The {session.Role} session for environment '{session.Environment}' expired at {session.ExpiresAt:u}.",
                $"Reconnect: Connect-KeyManagement -Environment {session.Environment} -Role {session.Role}" +
                (session.Role is Configuration.KeyMgmtRole.Emergency or Configuration.KeyMgmtRole.Recovery ? " -MfaCode <code>" : ""));
        return session;
    }
}
