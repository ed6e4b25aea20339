using System.Runtime.InteropServices;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>Runs the environment checks behind <c>Test-KeyMgmtEnvironment</c>. Cheap by design: it loads
/// assemblies and runs one in-memory SQLite query; it constructs no AWS client and makes no network call unless
/// a SQL Server connection string is given.</summary>
public static class EnvironmentDiagnostics
{
    public static readonly Version MinimumPowerShell = new(7, 4);
    public static readonly Version MinimumDotNet = new(8, 0);

    /// <summary>
    /// Adds the checks of one environment to <see cref="Run"/>'s, in this order and with these names: "Configuration",
    /// "Environment", "Credentials", "STS reachable", "Account" (only when the caller's account differs), "KMS reachable",
    /// "Clock skew" (<see cref="ConnectivityChecks"/>); "Admin role", "Emergency role", "Recovery role", "MFA device",
    /// "Alert topic" (<see cref="AccessChecks"/>: checked against STS, IAM and SNS); "Audit store", "Audit chain",
    /// "Audit journal" (<see cref="AuditChecks"/>); "Alert outbox" (<see cref="OutboxChecks"/>). These make network
    /// calls to the environment's endpoints.
    /// </summary>
    public static async Task<IReadOnlyList<EnvironmentCheck>> RunAsync(Context.KeyMgmtContext context, HostFacts host, DiagnosticsOptions? options,
        string? environmentName, CancellationToken cancellation)
    {
        var checks = new List<EnvironmentCheck>(Run(host, options));
        checks.Add(ConnectivityChecks.Configuration(context.Environments, out var environments));
        if (environmentName is null) return checks;
        var environment = environments.FirstOrDefault(e => string.Equals(e.Name, environmentName, StringComparison.OrdinalIgnoreCase));
        if (environment is null)
        {
            checks.Add(EnvironmentCheck.Fail("Environment", $"no environment named '{environmentName}'; known: {(environments.Count == 0 ? "none" : string.Join(", ", environments.Select(e => e.Name)))}"));
            return checks;
        }
        checks.Add(EnvironmentCheck.Pass("Environment", $"{environment.Name}: account {environment.AccountId}, {environment.Region}" + (environment.Endpoints is { Kms: not null } or { Sts: not null } or { Sns: not null } or { Iam: not null } ? $", endpoints {environment.Endpoints}" : "") + (environment.IsProduction ? ", production" : "")));
        var connectivity = await ConnectivityChecks.RunAsync(environment, cancellation).ConfigureAwait(false);
        checks.AddRange(connectivity.Checks);
        checks.AddRange(await AccessChecks.RunAsync(environment, connectivity.Credentials, connectivity.Caller, cancellation).ConfigureAwait(false));
        checks.AddRange(AuditChecks.Run(context.Audit, environment.Name));
        checks.Add(OutboxChecks.Run(environment.Name));
        return checks;
    }

    public static IReadOnlyList<EnvironmentCheck> Run(HostFacts host, DiagnosticsOptions? options = null)
    {
        var checks = new List<EnvironmentCheck>
        {
            PowerShell(host),
            DotNet(),
        };
        checks.AddRange(DependencyChecks.Run());
        checks.Add(NativeChecks.SqliteNative());
        checks.Add(NativeChecks.SqlClientPlatform());
        if (!string.IsNullOrWhiteSpace(options?.SqlServerConnectionString))
            checks.Add(NativeChecks.SqlServerReachable(options!.SqlServerConnectionString!));
        return checks;
    }

    private static EnvironmentCheck PowerShell(HostFacts host)
    {
        var detail = $"{host.PowerShellVersion} ({host.PowerShellEdition})";
        var numeric = host.PowerShellVersion.Split('-', '+')[0];
        if (!Version.TryParse(numeric, out var version))
            return EnvironmentCheck.Warn("PowerShell", detail + " — version not recognised");
        return version >= MinimumPowerShell
            ? EnvironmentCheck.Pass("PowerShell", detail)
            : EnvironmentCheck.Fail("PowerShell", $"{detail} — {MinimumPowerShell} or later is required");
    }

    private static EnvironmentCheck DotNet()
    {
        var detail = $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.RuntimeIdentifier}";
        return Environment.Version >= MinimumDotNet
            ? EnvironmentCheck.Pass(".NET runtime", detail)
            : EnvironmentCheck.Fail(".NET runtime", $"{detail} — .NET {MinimumDotNet} or later is required");
    }
}
