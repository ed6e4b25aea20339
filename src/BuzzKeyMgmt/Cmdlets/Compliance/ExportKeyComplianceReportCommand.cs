using System.Diagnostics;
using System.Management.Automation;
using BuzzKeyMgmt.Cmdlets.Status;
using BuzzKeyMgmt.Engine.Compliance;
using BuzzKeyMgmt.Engine.Reporting;

namespace BuzzKeyMgmt.Cmdlets.Compliance;

/// <summary>Writes one self-contained HTML compliance report (no external scripts, fonts or styles) an auditor can open
/// offline: policy, summary, findings per key with a filter box, a rotation-age chart, the audit chain's state and the
/// recent emergency operations.</summary>
[Cmdlet(VerbsData.Export, "KeyComplianceReport", DefaultParameterSetName = AllKeys, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportKeyComplianceReportCommand : FleetReadCmdlet
{
    [Parameter(Mandatory = true)]
    [Validation.ValidateFormat(@"(?i)\.html?\z", "a file name ending in .html or .htm")]
    public string Path { get; set; } = "";

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        var target = GetUnresolvedProviderPathFromPSPath(Path);
        var folder = System.IO.Path.GetDirectoryName(target);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
            ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException($"The folder of '{Path}' does not exist: expected a path in an existing folder."),
                "ReportFolderNotFound", ErrorCategory.ObjectNotFound, Path));
        if (File.Exists(target) && !Force)
            ThrowTerminatingError(new ErrorRecord(new IOException($"'{target}' exists: pass -Force to replace it."),
                "ReportExists", ErrorCategory.ResourceExists, Path));
        if (!ShouldProcess(target, "Write the compliance report")) return;

        var session = RequireSession(Session);
        var trail = Context.Audit.Trail(session);
        var policy = PolicyOf(trail);
        var assessor = new ComplianceAssessor(session, Context.Gates.For(session.AccountId, session.Region), trail, policy) { Events = Events };
        var query = new ComplianceQuery { Keys = NamedKeys, AliasPatterns = Alias, All = WholeFleet, IncludeAwsManaged = IncludeAwsManaged, ThrottleLimit = ThrottleLimit };
        var failures = new List<ComplianceOutcome>();
        var report = Await(ComplianceExport.GatherAsync(assessor, session, policy, query, failures.Add, Cancellation));
        foreach (var failed in failures) WriteError(ToErrorRecord(failed.Failure!, failed.Target));

        var clock = Stopwatch.StartNew();
        string written;
        try
        {
            written = ComplianceReportWriter.WriteHtmlFile(report, target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ReportNotWritten", ErrorCategory.WriteError, target));
            return;
        }
        var file = new FileInfo(written);
        WriteVerbose($"Report written in {clock.ElapsedMilliseconds} ms: {report.Keys.Count} keys, {report.Findings.Count} findings, {file.Length} bytes, {file.FullName}.");
        WriteObject(file);
    }
}
