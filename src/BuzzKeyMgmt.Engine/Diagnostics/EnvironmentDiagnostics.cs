using System.Runtime.InteropServices;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>Runs the environment checks behind <c>Test-KeyMgmtEnvironment</c>. Cheap by design: it loads
/// assemblies and runs one in-memory SQLite query; it constructs no AWS client and makes no network call unless
/// a SQL Server connection string is given.</summary>
public static class EnvironmentDiagnostics
{
    public static readonly Version MinimumPowerShell = new(7, 4);
    public static readonly Version MinimumDotNet = new(8, 0);

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
