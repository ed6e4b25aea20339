using System.Diagnostics;
using System.Text;

namespace BuzzKeyMgmt.Engine.Tests.Reporting;

/// <summary>
/// A [Fact] that needs a Chromium browser: skipped, with the reason, when none is found (CHROMIUM_PATH, else chromium or
/// chromium-browser on PATH). On Debian the package is <c>chromium</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Executable is null)
            Skip = Chromium.WhyMissing + ": install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH to run the "
                   + "browser tests of the compliance report.";
    }
}

/// <summary>Runs headless Chromium on a local file with everything that could reach the network turned off.</summary>
internal static class Chromium
{
    public static readonly string? Executable = Find();

    public static string WhyMissing => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured
        ? $"Chromium not found: CHROMIUM_PATH names '{configured}', which does not exist"
        : "Chromium is not installed: neither chromium nor chromium-browser is on PATH (and CHROMIUM_PATH is not set)";

    private static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("CHROMIUM_PATH");
        if (!string.IsNullOrWhiteSpace(configured))
            return File.Exists(configured) ? configured : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in (string[])["chromium", "chromium-browser"])
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                    return candidate;
            }
        }
        return null;
    }

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
    {
        /// <summary>What the page wrote to its console: script errors, CSP violations, console.log.</summary>
        public IReadOnlyList<string> ConsoleMessages => StandardError.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Runs Chromium with a fresh profile folder (deleted afterwards) and the given extra arguments.</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var profile = Path.Combine(Path.GetTempPath(), "bkm-chromium-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(profile);
        try
        {
            var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("Chromium is not installed."))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            foreach (var a in (string[])
                     [
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         // nothing leaves the machine: no background fetches, no component or sync traffic, and no name
                         // resolves (the report's CSP forbids fetches as well)
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                         "--no-default-browser-check", "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
                         "--disable-client-side-phishing-detection", "--no-pings", "--host-resolver-rules=MAP * ~NOTFOUND",
                         // the page's console (script errors, CSP violations) goes to stderr as INFO:CONSOLE lines
                         "--enable-logging=stderr", "--v=0",
                         "--user-data-dir=" + profile,
                     ])
                start.ArgumentList.Add(a);
            foreach (var a in arguments)
                start.ArgumentList.Add(a);
            start.Environment["HOME"] = profile; // keeps Chromium's caches and crash dumps out of the real home

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish within {timeout.TotalSeconds:F0} s. stderr: {await stderr}");
            }
            return new Result(process.ExitCode, await stdout, await stderr, clock.Elapsed);
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a helper process may still hold a file for a moment
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
