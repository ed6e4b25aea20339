using System.Reflection;
using System.Runtime.Loader;

namespace BuzzKeyMgmt;

/// <summary>
/// The module's private load context. The engine, the sandbox and every third-party assembly (AWS SDK, SqlClient,
/// SQLite and their dependencies) load here, resolved from the engine's <c>.deps.json</c> in the module's
/// <c>lib/</c> folder, so versions other modules loaded first (AWS.Tools, SqlServer) never collide with ours.
/// The same resolver picks the platform's RID-specific assemblies and native libraries (e_sqlite3).
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    internal const string EngineAssemblyName = "BuzzKeyMgmt.Engine";

    private readonly AssemblyDependencyResolver _resolver;

    private ModuleLoadContext(string engineAssemblyPath) : base("BuzzKeyMgmt", isCollectible: false)
    {
        EngineAssemblyPath = engineAssemblyPath;
        _resolver = new AssemblyDependencyResolver(engineAssemblyPath);
    }

    internal string EngineAssemblyPath { get; }

    private static readonly Lazy<ModuleLoadContext> Instance = new(() =>
    {
        var moduleDir = Path.GetDirectoryName(typeof(ModuleLoadContext).Assembly.Location)!;
        return new ModuleLoadContext(Path.Combine(moduleDir, "lib", EngineAssemblyName + ".dll"));
    });

    internal static ModuleLoadContext Shared => Instance.Value;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Only what the engine's deps.json lists loads here; the framework (System.*) falls through to the default context.
        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
