using System.Text;

namespace BuzzKeyMgmt.Engine.Reporting;

/// <summary>
/// Writes a <see cref="ComplianceReport"/> as one self-contained HTML5 file an auditor can open offline: inline style,
/// an inline script only for the findings filter, an inline SVG chart, and a Content-Security-Policy that forbids every
/// network fetch. Every value from KMS, the audit log or configuration is HTML-encoded; the script is a constant that
/// reads the table's text, it never contains data. See the Reporting README for the layout and its stable ids.
/// </summary>
public static class ComplianceReportWriter
{
    /// <summary>The policy in the report's meta tag: inline style and script only, nothing fetched.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

    /// <summary>Writes the report's HTML to <paramref name="output"/> (the caller owns and disposes it).</summary>
    public static void WriteHtml(ComplianceReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        new ComplianceReportHtml(report, output).Write();
    }

    /// <summary>The report's HTML as a string (small reports and tests; use <see cref="WriteHtmlFile"/> for a fleet).</summary>
    public static string ToHtml(ComplianceReport report)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        WriteHtml(report, writer);
        return writer.ToString();
    }

    /// <summary>
    /// Writes the report to <paramref name="path"/> (UTF-8, no BOM) atomically: into a temporary file in the same folder,
    /// flushed to disk, then moved over the target, so a reader never sees a half-written report and a failed write leaves
    /// an earlier report in place. Returns the full path written.
    /// </summary>
    public static string WriteHtmlFile(ComplianceReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"'{path}' does not name a file.", nameof(path));
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"The folder of '{path}' does not exist.");

        var temp = Path.Combine(folder, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true))
                    WriteHtml(report, writer);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        return target;
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // best effort: the original error matters more
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
