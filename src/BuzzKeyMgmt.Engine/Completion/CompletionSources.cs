using System.Text.RegularExpressions;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Context;

namespace BuzzKeyMgmt.Engine.Completion;

/// <summary>
/// What Tab offers for the module's parameters, from local sources only (no AWS call): the environments file and
/// this context's registrations and sessions, the open session names, the audit vocabulary, the SDK's Region table,
/// the profile names of the AWS shared config and credentials files, the key names earlier listings saw, and the
/// pending recovery requests of the audit store (a local file, or the SQL Server the environment names). Every
/// source that fails (a malformed file, a store down) offers nothing rather than an error.
/// </summary>
public static class CompletionSources
{
    private static readonly Regex Section = new(@"^\s*\[\s*(?:profile\s+)?([^\]\s][^\]]*?)\s*\]\s*$", RegexOptions.CultureInvariant);

    /// <summary>Environment names: the configuration file's, this context's registrations (the sandbox's) and those of
    /// its open sessions; sorted, each once.</summary>
    public static IReadOnlyList<string> EnvironmentNames(KeyMgmtContext context)
    {
        var names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var e in context.Environments.All()) names.Add(e.Name);
        }
        catch (ConfigurationException)
        {
            // A malformed file offers nothing from the file; the registrations and sessions still count.
            foreach (var e in context.Environments.Registered()) names.Add(e.Name);
        }
        foreach (var s in context.Sessions.All) names.Add(s.Environment);
        return names.ToList();
    }

    /// <summary>The open sessions' names.</summary>
    public static IReadOnlyList<string> SessionNames(KeyMgmtContext context) => context.Sessions.All.Select(s => s.Name).ToList();

    /// <summary>Region codes the AWS SDK knows (and the environments' own), sorted.</summary>
    public static IReadOnlyList<string> RegionCodes(KeyMgmtContext? context = null)
    {
        var codes = new SortedSet<string>(Amazon.RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName), StringComparer.Ordinal);
        if (context is not null)
        {
            try
            {
                foreach (var e in context.Environments.All()) codes.Add(e.Region);
            }
            catch (ConfigurationException)
            {
            }
        }
        return codes.ToList();
    }

    /// <summary>
    /// Profile names from the AWS shared config file (<c>AWS_CONFIG_FILE</c>, else ~/.aws/config: <c>[default]</c> and
    /// <c>[profile name]</c>) and credentials file (<c>AWS_SHARED_CREDENTIALS_FILE</c>, else ~/.aws/credentials:
    /// <c>[name]</c>); sorted, each once. Other sections of the config file (<c>[sso-session …]</c>, <c>[services …]</c>)
    /// are not profiles. Files are read as text: nothing in them but section names is kept.
    /// </summary>
    public static IReadOnlyList<string> AwsProfileNames()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var config = Environment.GetEnvironmentVariable("AWS_CONFIG_FILE") is { Length: > 0 } c ? c : Path.Combine(home, ".aws", "config");
        var credentials = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } k ? k : Path.Combine(home, ".aws", "credentials");
        var names = new SortedSet<string>(StringComparer.Ordinal);
        Read(config, isConfig: true);
        Read(credentials, isConfig: false);
        return names.ToList();

        void Read(string path, bool isConfig)
        {
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists || info.Length > 1_000_000) return;
                foreach (var line in File.ReadLines(path))
                {
                    var m = Section.Match(line);
                    if (!m.Success) continue;
                    var raw = line.Trim().TrimStart('[').TrimStart();
                    var name = m.Groups[1].Value;
                    var isProfileForm = raw.StartsWith("profile ", StringComparison.Ordinal) || raw.StartsWith("profile\t", StringComparison.Ordinal);
                    if (isConfig && !isProfileForm && name != "default") continue;   // [sso-session x], [services x], …
                    if (name.Any(ch => char.IsControl(ch))) continue;
                    names.Add(name);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // An unreadable file offers nothing.
            }
        }
    }

    /// <summary>The operations the audit log knows (<see cref="AuditOperations.Known"/>) starting with the prefix, case-insensitively.</summary>
    public static IReadOnlyList<string> Operations(string prefix) =>
        AuditOperations.Known.Where(o => o.StartsWith(prefix ?? "", StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>Recovery requests still open for approval (Pending as of now) in the store of the environment named (or
    /// of the current session's, else the default store), newest first, at most <paramref name="max"/>. Nothing when the
    /// store cannot be read.</summary>
    public static IReadOnlyList<RecoveryRequest> PendingRequests(KeyMgmtContext context, string? environment, int max = 50)
    {
        try
        {
            var located = environment is not null ? context.Audit.Locate(environment)
                : context.Sessions.Current is { IsClosed: false } s ? context.Audit.Locate(s)
                : context.Audit.Locate((string?)null);
            var clock = environment is not null ? context.Environments.Find(environment)?.Clock : context.Sessions.Current?.Clock;
            var store = context.Audit.Open(located, migrateDefault: false);
            return store.FindRecoveryRequests(new RecoveryRequestQuery
            {
                Statuses = new HashSet<RecoveryRequestStatus> { RecoveryRequestStatus.Pending },
                AsOfUtc = (clock ?? TimeProvider.System).GetUtcNow(),
                Last = max,
            });
        }
        catch (Exception ex) when (ex is AuditStoreException or KeyMgmtException or ConfigurationException or IOException or InvalidOperationException)
        {
            return [];
        }
    }
}
