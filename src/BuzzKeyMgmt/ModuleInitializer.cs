using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace BuzzKeyMgmt;

/// <summary>
/// The bridge: when the default load context cannot find one of the module's own assemblies (the engine, and the
/// sandbox the engine carries), it is loaded into <see cref="ModuleLoadContext"/>. Nothing else is resolved here:
/// third-party assemblies are reached only through the engine, inside the private context.
/// Rule for cmdlet classes: no field (or auto-property) of an engine value type such as an enum. PowerShell loads
/// the cmdlet types before any code of this assembly runs, and a value-type field needs the engine at type load,
/// before the resolver exists. Reference types (parameters like -Session, output types) are resolved lazily.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly HashSet<string> OwnAssemblies = new(StringComparer.Ordinal)
    {
        ModuleLoadContext.EngineAssemblyName,
        "BuzzKeyMgmt.Sandbox",
    };

    private static readonly object Gate = new();
    private static bool _registered;

    public void OnImport() => Register();

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (!_registered) return;
            AssemblyLoadContext.Default.Resolving -= ResolveOwnAssembly;
            _registered = false;
        }
    }

    /// <summary>Also run by the CLR before any code of this assembly executes, so the order PowerShell uses to
    /// reflect over cmdlets and call <see cref="OnImport"/> does not matter.</summary>
#pragma warning disable CA2255 // deliberate: the resolver must exist before PowerShell reflects over the cmdlets
    [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            AssemblyLoadContext.Default.Resolving += ResolveOwnAssembly;
            _registered = true;
        }
    }

    private static Assembly? ResolveOwnAssembly(AssemblyLoadContext context, AssemblyName name) =>
        name.Name is not null && OwnAssemblies.Contains(name.Name)
            ? ModuleLoadContext.Shared.LoadFromAssemblyName(name)
            : null;
}
