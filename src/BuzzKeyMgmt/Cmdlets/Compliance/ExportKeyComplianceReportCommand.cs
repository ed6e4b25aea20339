using System.Diagnostics;
using System.Management.Automation;
using BuzzKeyMgmt.Cmdlets.Status;
using BuzzKeyMgmt.Engine.Compliance;
using BuzzKeyMgmt.Engine.Reporting;

namespace BuzzKeyMgmt.Cmdlets.Compliance;

/// <summary>Writes one self-contained HTML compliance report (no external scripts, fonts or styles) an auditor can open
/// offline: policy, summary, findings per key with a filter box, a rotation-age chart, the audit chain's state and the
/// recent emergency operations. With -Environment naming several environments, one report per environment, each named
/// after -Path with the environment's name before the extension (report.html: report-production.html, …), gathered at once.</summary>
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
        if (!AcrossEnvironments && File.Exists(target) && !Force)
            ThrowTerminatingError(new ErrorRecord(new IOException($"'{target}' exists: pass -Force to replace it."),
                "ReportExists", ErrorCategory.ResourceExists, Path));
        if (!ShouldProcess(target, "Write the compliance report")) return;
        if (AcrossEnvironments)
        {
            AcrossTheFleet(target);
            return;
        }

        var session = RequireSession(Session);
        var trail = Context.Audit.Trail(session);
        var policy = PolicyOf(trail);
        var assessor = new ComplianceAssessor(session, Context.Gates.For(session.AccountId, session.Region), trail, policy) { Events = Events };
        var query = Query();
        var failures = new List<ComplianceOutcome>();
        var report = Await(ComplianceExport.GatherAsync(assessor, session, policy, query, failures.Add, Cancellation));
        foreach (var failed in failures) WriteError(ToErrorRecord(failed.Failure!, failed.Target));

        Write(report, target);
    }

    private ComplianceQuery Query() =>
        new() { Keys = NamedKeys, AliasPatterns = Alias, All = WholeFleet, IncludeAwsManaged = IncludeAwsManaged, ThrottleLimit = ThrottleLimit };

    /// <summary>One report per reachable environment (the file of -Path itself when only one environment is named).</summary>
    private void AcrossTheFleet(string target)
    {
        var sessions = EnvironmentSessions(NamedKeys);
        var gathering = new List<(Engine.Identity.KeyMgmtSession Session, Task<ComplianceReport> Report, List<ComplianceOutcome> Failures)>();
        foreach (var s in sessions)
        {
            var trail = Context.Audit.Trail(s);
            var policy = PolicyOf(trail);
            var failures = new List<ComplianceOutcome>();
            var events = new Engine.Fleet.EnvironmentEvents(Events, s.Environment, 4000 + gathering.Count, -1);
            var assessor = new ComplianceAssessor(s, Context.Gates.For(s.AccountId, s.Region), trail, policy) { Events = events };
            gathering.Add((s, ComplianceExport.GatherAsync(assessor, s, policy, Query() with { Keys = KeysIn(s, NamedKeys) }, f => { lock (failures) failures.Add(f); }, Cancellation), failures));
        }
        var single = Environment!.Length == 1 && !Environment[0].AsSpan().ContainsAny("*?[") && sessions.Count == 1;
        foreach (var (session, gather, failures) in gathering)
        {
            ComplianceReport report;
            try
            {
                report = Await(gather);
            }
            catch (Engine.KeyMgmtException ex)
            {
                WriteError(ToErrorRecord(new Engine.KeyMgmtException(ex.ErrorId, ex.Kind, $"Environment '{session.Environment}': {ex.Message}", ex.RecommendedAction, ex),
                    session.Environment));
                continue;
            }
            lock (failures)
                foreach (var failed in failures) WriteError(ToErrorRecord(failed.Failure!, failed.Target));
            Write(report, single ? target : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(target)!,
                $"{System.IO.Path.GetFileNameWithoutExtension(target)}-{session.Environment}{System.IO.Path.GetExtension(target)}"));
        }
    }

    private void Write(ComplianceReport report, string target)
    {
        if (File.Exists(target) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"'{target}' exists: pass -Force to replace it."), "ReportExists", ErrorCategory.ResourceExists, target));
            return;
        }
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
