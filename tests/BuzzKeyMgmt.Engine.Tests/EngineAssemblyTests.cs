using System.Reflection;
using System.Text.Json;
using BuzzKeyMgmt.Engine.Diagnostics;

namespace BuzzKeyMgmt.Engine.Tests;

public class EngineAssemblyTests
{
    private static readonly Assembly Engine = typeof(EnvironmentDiagnostics).Assembly;

    [Fact]
    public void Engine_does_not_reference_System_Management_Automation()
    {
        var references = Engine.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("AWSSDK.KeyManagementService", references); // the list is real, not empty
        Assert.DoesNotContain("System.Management.Automation", references);
        Assert.DoesNotContain(references, n => n!.StartsWith("Microsoft.PowerShell", StringComparison.Ordinal));
    }

    [Fact]
    public void Engine_package_dependencies_do_not_bring_PowerShell()
    {
        // This test host's deps.json records the engine project's own dependency list.
        var deps = Path.Combine(AppContext.BaseDirectory, "BuzzKeyMgmt.Engine.Tests.deps.json");
        using var json = JsonDocument.Parse(File.ReadAllText(deps));
        var target = json.RootElement.GetProperty("targets").EnumerateObject().First().Value;
        var engine = target.EnumerateObject().Single(p => p.Name.StartsWith("BuzzKeyMgmt.Engine/", StringComparison.Ordinal));
        var names = engine.Value.GetProperty("dependencies").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("AWSSDK.Core", names);
        Assert.DoesNotContain(names, n => n.Contains("Management.Automation", StringComparison.OrdinalIgnoreCase)
                                          || n.Contains("PowerShell", StringComparison.OrdinalIgnoreCase));
    }
}
