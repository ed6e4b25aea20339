using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Engine.Audit.Migrations;

/// <summary>One numbered migration script (sql/&lt;provider&gt;/NNN_name.sql), embedded in the engine assembly.</summary>
public sealed record MigrationScript(int Version, string Name, string Text)
{
    private const string ResourcePrefix = "BuzzKeyMgmt.Sql/";

    /// <summary>The scripts of one provider folder ("sqlserver" or "sqlite"), in version order.</summary>
    public static IReadOnlyList<MigrationScript> Load(string providerFolder)
    {
        var assembly = typeof(MigrationScript).Assembly;
        var prefix = ResourcePrefix + providerFolder + "/";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var normalized = resource.Replace('\\', '/');
            if (!normalized.StartsWith(prefix, StringComparison.Ordinal) || !normalized.EndsWith(".sql", StringComparison.Ordinal))
                continue;
            var name = Path.GetFileNameWithoutExtension(normalized[prefix.Length..]);
            var match = Regex.Match(name, @"^(\d{3})_");
            if (!match.Success) continue;
            scripts.Add(new MigrationScript(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), name, Read(assembly, resource)));
        }
        if (scripts.Count == 0)
            throw new AuditStoreException(AuditErrorCodes.StoreFailure, $"No embedded migration scripts found for '{providerFolder}'.");
        return scripts.OrderBy(s => s.Version).ToList();
    }

    /// <summary>T-SQL batches: the script split on lines that hold only GO (as sqlcmd and SSMS do).</summary>
    public IReadOnlyList<string> Batches() =>
        Regex.Split(Text, @"^\s*GO\s*;?\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)
            .Where(b => !string.IsNullOrWhiteSpace(b))
            .ToList();

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
