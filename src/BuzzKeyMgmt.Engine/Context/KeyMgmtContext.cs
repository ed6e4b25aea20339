using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Training;

namespace BuzzKeyMgmt.Engine.Context;

/// <summary>
/// Everything the engine keeps between commands, for one PowerShell runspace (the cmdlet layer maps each runspace to
/// its own context, so a session connected in a <c>ForEach-Object -Parallel</c> runspace never touches the caller's):
/// the environments (configuration file plus this context's registrations), the named sessions and the current one,
/// this context's sandbox, its audit stores (with their breakers), the KMS quota gates per account-Region, and the
/// facts about the client host. Disposing it closes every session (and their clients) and stops the sandbox.
/// The engine keeps no other state between calls: its statics are immutable tables (and the diagnostics' shared HttpClient).
/// </summary>
public sealed class KeyMgmtContext : IDisposable
{
    public KeyMgmtContext(ClientHost? host = null, IReadOnlyDictionary<string, double>? quotas = null)
    {
        Environments = new EnvironmentCatalog();
        Sessions = new SessionRegistry();
        Sandbox = new SandboxHost(Environments, Sessions);
        Audit = new AuditStores(Environments, () => Sessions.Current?.Environment);
        Gates = new QuotaGateRegistry(quotas, RaisedQuotas);
        Host = host ?? new ClientHost();
    }

    /// <summary>Key ids and alias names listed in this context, per environment (for Tab completion without AWS calls).</summary>
    public Status.KeyListings Listings { get; } = new();

    public EnvironmentCatalog Environments { get; }
    public SessionRegistry Sessions { get; }
    public SandboxHost Sandbox { get; }
    public AuditStores Audit { get; }
    public QuotaGateRegistry Gates { get; }
    public ClientHost Host { get; }
    public bool IsDisposed { get; private set; }

    /// <summary>Connects to an environment of this context; the caller decides whether the session becomes current
    /// (<see cref="SessionRegistry.Add"/>).</summary>
    public Task<KeyMgmtSession> ConnectAsync(ConnectRequest request, CancellationToken cancellation) =>
        SessionConnector.ConnectAsync(Environments.Require(request.Environment), request, cancellation);

    /// <summary>The runner for operations of <paramref name="session"/>, reporting through <paramref name="events"/>.</summary>
    public OperationRunner Runner(KeyMgmtSession session, IEngineEvents? events = null) => new(this, session, events);

    /// <summary>The kmsQuotas an environment of the account-Region declares (the first that declares any), or null.</summary>
    private IReadOnlyDictionary<string, double>? RaisedQuotas(string accountId, string region)
    {
        try
        {
            return Environments.All().FirstOrDefault(e => e.KmsQuotas is not null && e.AccountId == accountId
                && string.Equals(e.Region, region, StringComparison.OrdinalIgnoreCase))?.KmsQuotas;
        }
        catch (ConfigurationException)
        {
            return null;   // a malformed file is reported by whatever reads the environment; pacing keeps the defaults
        }
    }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Sandbox.Stop();
        Sessions.Dispose();
    }
}
