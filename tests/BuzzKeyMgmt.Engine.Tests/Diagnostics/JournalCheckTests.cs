using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Diagnostics;
using BuzzKeyMgmt.Engine.Tests.Audit;

namespace BuzzKeyMgmt.Engine.Tests.Diagnostics;

/// <summary>"Audit journal" of Test-KeyMgmtEnvironment: a journal problem is a Fail check naming the line, never an error
/// that stops the command; rows in the fallback journal count as waiting.</summary>
public sealed class JournalCheckTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private AuditLocation Location() =>
        new("lab", new AuditStoreReference("Sqlite", _folder.File("audit.db")), _folder.File("journal", "j.jsonl"))
        {
            FallbackJournalPath = _folder.File("fallback", "journal", "j.jsonl"),
        };

    [Fact]
    public void Rows_waiting_in_either_journal_warn_and_a_bad_line_fails_naming_its_line()
    {
        var location = Location();
        Assert.Equal((CheckStatus.Pass, "no rows waiting"), (AuditChecks.JournalCheck(location).Status, AuditChecks.JournalCheck(location).Detail));

        Directory.CreateDirectory(_folder.File("fallback"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_folder.File("fallback"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        AuditStores.Fallback(location, TimeSpan.FromSeconds(1))!.Append(SampleEntries.Started("lab", SampleEntries.NewKeyId()));
        var waiting = AuditChecks.JournalCheck(location);
        Assert.Equal(CheckStatus.Warn, waiting.Status);
        Assert.Contains($"1 row(s) waiting in {location.FallbackJournalPath}: run Sync-KeyAuditJournal", waiting.Detail);

        var journal = new AuditJournal(location.JournalPath);
        journal.Append(SampleEntries.Started("lab", SampleEntries.NewKeyId()));
        File.AppendAllText(journal.JournalPath, "garbage\n");
        var bad = AuditChecks.JournalCheck(location);
        Assert.Equal(CheckStatus.Fail, bad.Status);
        Assert.Contains($"1 line(s) of the audit journal {journal.JournalPath} cannot be verified (line 2: unreadable", bad.Detail);
        Assert.Contains(journal.QuarantinePath, bad.Detail);
        Assert.Contains("run Sync-KeyAuditJournal", bad.Detail);   // the rows behind it are still counted
    }
}
