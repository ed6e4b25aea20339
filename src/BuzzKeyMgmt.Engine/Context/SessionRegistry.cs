using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Context;

/// <summary>
/// The sessions of one context, by name ("&lt;environment&gt;/&lt;role&gt;"), and which one is current. Adding a session
/// whose name is taken closes the one it replaces (its clients and role sessions are disposed); so do
/// <see cref="Remove"/> and <see cref="Dispose"/>.
/// </summary>
public sealed class SessionRegistry : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, KeyMgmtSession> _byName = new(StringComparer.OrdinalIgnoreCase);
    private KeyMgmtSession? _current;

    public KeyMgmtSession? Current
    {
        get { lock (_gate) return _current; }
    }

    public IReadOnlyList<KeyMgmtSession> All
    {
        get { lock (_gate) return _byName.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList(); }
    }

    /// <summary>Keeps the session under its name and, unless told otherwise, makes it current.</summary>
    public void Add(KeyMgmtSession session, bool makeCurrent = true)
    {
        KeyMgmtSession? replaced;
        lock (_gate)
        {
            _byName.Remove(session.Name, out replaced);
            _byName[session.Name] = session;
            if (makeCurrent || ReferenceEquals(_current, replaced)) _current = session;
        }
        if (replaced is not null && !ReferenceEquals(replaced, session)) replaced.Dispose();
    }

    /// <summary>Closes and forgets one session; the current one becomes none when it was that one.</summary>
    public bool Remove(KeyMgmtSession session)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue(session.Name, out var held) || !ReferenceEquals(held, session)) return false;
            _byName.Remove(session.Name);
            if (ReferenceEquals(_current, session)) _current = null;
        }
        session.Dispose();
        return true;
    }

    /// <summary>Closes every session whose environment matches (the sandbox's, when it stops).</summary>
    public int RemoveWhere(Func<KeyMgmtSession, bool> match)
    {
        List<KeyMgmtSession> gone;
        lock (_gate)
        {
            gone = _byName.Values.Where(match).ToList();
            foreach (var s in gone) _byName.Remove(s.Name);
            if (_current is not null && gone.Contains(_current)) _current = null;
        }
        foreach (var s in gone) s.Dispose();
        return gone.Count;
    }

    /// <summary>The session to act with: the one passed, else the current one; a clear error when there is none, when
    /// it was closed, or when it has expired (saying how to reconnect).</summary>
    public KeyMgmtSession Require(KeyMgmtSession? explicitSession)
    {
        var session = explicitSession ?? Current
            ?? throw new KeyMgmtException("NotConnected", FailureKind.InvalidOperation,
                "No BuzzKeyMgmt session: nothing is connected in this PowerShell session.",
                "Run Connect-KeyManagement -Environment <name> [-Role Admin|Emergency|Recovery -MfaCode <code>] first, or pass -Session.");
        var reconnect = $"Connect-KeyManagement -Environment {session.Environment} -Role {session.Role}" +
                        (session.Role is KeyMgmtRole.Emergency or KeyMgmtRole.Recovery ? " -MfaCode <code>" : "");
        if (session.IsClosed)
            throw new KeyMgmtException("SessionClosed", FailureKind.InvalidOperation,
                $"The {session.Role} session for environment '{session.Environment}' was closed (disconnected, or replaced by a newer connection of the same name).",
                $"Use the current session, or reconnect: {reconnect}");
        if (session.IsExpired)
            throw new KeyMgmtException("SessionExpired", FailureKind.AuthenticationError,
                $"The {session.Role} session for environment '{session.Environment}' expired at {session.ExpiresAt:u}.",
                $"Reconnect: {reconnect}");
        return session;
    }

    public void Dispose()
    {
        List<KeyMgmtSession> all;
        lock (_gate)
        {
            all = _byName.Values.ToList();
            _byName.Clear();
            _current = null;
        }
        foreach (var s in all) s.Dispose();
    }
}
