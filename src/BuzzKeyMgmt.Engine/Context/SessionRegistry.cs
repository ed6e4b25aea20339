using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Context;

/// <summary>
/// The sessions of one context, by name (default "&lt;environment&gt;/&lt;role&gt;"; names compare case-insensitively), and
/// which one is current. Adding a session whose name is taken closes the one it replaces (its clients and role
/// sessions are disposed); so do <see cref="Remove"/> and <see cref="Dispose"/>. Nothing here switches the current
/// session as a side effect: only <see cref="Add(KeyMgmtSession, bool, string?)"/> with makeCurrent and
/// <see cref="Select"/> do, and a session added without makeCurrent never replaces the current one (it gets another name).
/// </summary>
public sealed class SessionRegistry : IDisposable
{
    private static readonly System.Text.RegularExpressions.Regex NamePattern =
        new(@"^[A-Za-z0-9][A-Za-z0-9._/@+-]{0,99}\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>What a session name may be, for error messages.</summary>
    public const string NameRule = "1-100 ASCII letters, digits, '.', '_', '/', '@', '+' or '-', starting with a letter or digit (e.g. production/Recovery-approver)";

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

    /// <summary>The name a session gets when none is given: "&lt;environment&gt;/&lt;role&gt;".</summary>
    public static string DefaultName(string environment, KeyMgmtRole role) => $"{environment}/{role}";

    public static bool IsValidName(string? name) => name is not null && NamePattern.IsMatch(name);

    /// <summary>The open session of that name (case-insensitive), or null.</summary>
    public KeyMgmtSession? Find(string name)
    {
        lock (_gate) return _byName.TryGetValue(name, out var s) ? s : null;
    }

    /// <summary>
    /// Checks, before connecting (so no MFA code is spent on a refusal), that a session may be added under
    /// <paramref name="name"/>: a malformed name is refused, and so is an explicit name that would replace the current
    /// session when the new one is not to become current (-NoSwitch).
    /// </summary>
    public void CheckName(string? name, bool makeCurrent)
    {
        if (name is null) return;
        if (!IsValidName(name))
            throw new KeyMgmtException("SessionNameInvalid", FailureKind.InvalidArgument,
                $"'{DisplayText.Neutralize(name)}' is not a session name. Expected {NameRule}.", null);
        var current = Current;
        if (!makeCurrent && current is not null && string.Equals(current.Name, name, StringComparison.OrdinalIgnoreCase))
            throw new KeyMgmtException("SessionNameInUse", FailureKind.InvalidArgument,
                $"'{current.Name}' is the current session: connecting another under that name with -NoSwitch would close it.",
                "Choose another -Name for the new session, or connect without -NoSwitch to replace and switch.");
    }

    /// <summary>Keeps the session under its name and, unless told otherwise, makes it current.</summary>
    public void Add(KeyMgmtSession session, bool makeCurrent = true) => Add(session, makeCurrent, null);

    /// <summary>
    /// Keeps the session under <paramref name="name"/> (default "&lt;environment&gt;/&lt;role&gt;"), replacing (closing) a
    /// session of that name, and makes it current when <paramref name="makeCurrent"/>. Without makeCurrent the current
    /// session is never replaced: a default name that is the current session's becomes
    /// "&lt;environment&gt;/&lt;role&gt;/&lt;operator&gt;" (then "-2", "-3" … when that is taken by the current one too); an
    /// explicit name that is the current session's is refused (<see cref="CheckName"/>). Returns the name given.
    /// </summary>
    public string Add(KeyMgmtSession session, bool makeCurrent, string? name)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (name is not null) CheckName(name, makeCurrent);
        KeyMgmtSession? replaced;
        lock (_gate)
        {
            var chosen = name ?? DefaultName(session.Environment, session.Role);
            if (!makeCurrent && name is null && _current is not null && !ReferenceEquals(_current, session)
                && string.Equals(_current.Name, chosen, StringComparison.OrdinalIgnoreCase))
            {
                var baseName = $"{chosen}/{SafeOperator(session.Operator)}";
                chosen = baseName;
                for (var n = 2; string.Equals(_current.Name, chosen, StringComparison.OrdinalIgnoreCase); n++) chosen = $"{baseName}-{n}";
            }
            if (!makeCurrent && _current is not null && !ReferenceEquals(_current, session)
                && string.Equals(_current.Name, chosen, StringComparison.OrdinalIgnoreCase))
                throw new KeyMgmtException("SessionNameInUse", FailureKind.InvalidArgument,
                    $"'{_current.Name}' is the current session: adding another under that name without switching would close it.",
                    "Choose another name.");
            session.Name = chosen;
            _byName.Remove(chosen, out replaced);
            _byName[chosen] = session;
            if (makeCurrent) SetCurrent(session);
            else if (ReferenceEquals(_current, replaced) && replaced is not null) SetCurrent(session);
        }
        if (replaced is not null && !ReferenceEquals(replaced, session)) replaced.Dispose();
        return session.Name;
    }

    /// <summary>Makes a session held here current; an error naming the open sessions when it is not one of them.</summary>
    public KeyMgmtSession Select(KeyMgmtSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (_byName.TryGetValue(session.Name, out var held) && ReferenceEquals(held, session))
            {
                SetCurrent(session);
                return session;
            }
        }
        throw NotOpen(session.Name, session.IsClosed ? "it was closed (disconnected, or replaced by a newer connection of the same name)" : "it was connected in another PowerShell runspace");
    }

    /// <summary>Makes the session of that name current; an error naming the open sessions when there is none.</summary>
    public KeyMgmtSession Select(string name)
    {
        lock (_gate)
        {
            if (_byName.TryGetValue(name, out var held))
            {
                SetCurrent(held);
                return held;
            }
        }
        throw NotOpen(name, "no session has that name");
    }

    /// <summary>The error for a session name that is not open here, naming those that are.</summary>
    public KeyMgmtException NotOpen(string name, string why)
    {
        var open = All.Select(s => s.Name).ToList();
        return new KeyMgmtException("SessionNotFound", FailureKind.ObjectNotFound,
            $"No open session '{DisplayText.Neutralize(name)}' in this PowerShell session: {why}. Open: {(open.Count == 0 ? "none" : string.Join(", ", open))}.",
            "See Get-KeyMgmtSession -All, or connect with Connect-KeyManagement.");
    }

    private void SetCurrent(KeyMgmtSession? session)
    {
        if (_current is not null) _current.IsCurrent = false;
        _current = session;
        if (session is not null) session.IsCurrent = true;
    }

    private static string SafeOperator(string @operator)
    {
        var cleaned = new string(@operator.Where(c => c < 128 && (char.IsLetterOrDigit(c) || c is '.' or '_' or '@' or '+' or '-')).ToArray());
        return cleaned.Length == 0 ? "other" : cleaned.Length > 40 ? cleaned[..40] : cleaned;
    }

    /// <summary>Closes and forgets one session; the current one becomes none when it was that one.</summary>
    public bool Remove(KeyMgmtSession session)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue(session.Name, out var held) || !ReferenceEquals(held, session)) return false;
            _byName.Remove(session.Name);
            if (ReferenceEquals(_current, session)) SetCurrent(null);
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
            if (_current is not null && gone.Contains(_current)) SetCurrent(null);
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
            SetCurrent(null);
        }
        foreach (var s in all) s.Dispose();
    }
}
