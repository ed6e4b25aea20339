using System.Reflection;
using System.Runtime.Loader;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>Checks that the engine and each third-party dependency loaded, which version, from where, and in which
/// load context (the module's private one, or not).</summary>
internal static class DependencyChecks
{
    /// <summary>One representative type per dependency: touching it loads the assembly.</summary>
    private static readonly (string Name, Func<Type> Probe)[] Dependencies =
    {
        ("AWSSDK.Core", () => typeof(Amazon.Runtime.AmazonServiceClient)),
        ("AWSSDK.KeyManagementService", () => typeof(Amazon.KeyManagementService.AmazonKeyManagementServiceClient)),
        ("AWSSDK.SecurityToken", () => typeof(Amazon.SecurityToken.AmazonSecurityTokenServiceClient)),
        ("Microsoft.Data.Sqlite", () => typeof(Microsoft.Data.Sqlite.SqliteConnection)),
        ("Microsoft.Data.SqlClient", () => typeof(Microsoft.Data.SqlClient.SqlConnection)),
        ("BuzzKeyMgmt.Sandbox", () => typeof(BuzzKeyMgmt.Sandbox.ServiceResponse)),
    };

    internal static IEnumerable<EnvironmentCheck> Run()
    {
        var engine = typeof(DependencyChecks).Assembly;
        var engineContext = AssemblyLoadContext.GetLoadContext(engine);
        var isolated = engineContext is not null && engineContext != AssemblyLoadContext.Default;
        var engineDetail = Describe(engine);
        yield return isolated
            ? EnvironmentCheck.Pass("Engine", engineDetail)
            : EnvironmentCheck.Warn("Engine", engineDetail + " — not isolated: dependencies may collide with other modules");

        foreach (var (name, probe) in Dependencies)
            yield return CheckDependency(name, probe, engineContext);
    }

    private static EnvironmentCheck CheckDependency(string name, Func<Type> probe, AssemblyLoadContext? engineContext)
    {
        Assembly assembly;
        try
        {
            assembly = probe().Assembly;
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException or TypeLoadException)
        {
            return EnvironmentCheck.Fail(name, $"could not load: {ex.GetType().Name}: {ex.Message}");
        }

        var detail = Describe(assembly);
        return AssemblyLoadContext.GetLoadContext(assembly) == engineContext
            ? EnvironmentCheck.Pass(name, detail)
            : EnvironmentCheck.Warn(name, detail + " — loaded outside the module's load context");
    }

    internal static string Describe(Assembly assembly)
    {
        var file = assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version ?? "?";
        var context = AssemblyLoadContext.GetLoadContext(assembly)?.Name ?? "?";
        return $"{assembly.GetName().Version} (file {file}) from {assembly.Location} (load context '{context}')";
    }
}
