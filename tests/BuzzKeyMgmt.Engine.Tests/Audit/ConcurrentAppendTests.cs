using System.Diagnostics;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>Eight separate processes append to one SQLite store at once; the result is one unbroken chain.</summary>
public sealed class ConcurrentAppendTests : IDisposable
{
    private const int Processes = 8;
    private const int RowsPerProcess = 150;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Eight_processes_appending_at_once_produce_one_unbroken_chain_without_duplicate_sequences()
    {
        var loader = await BuildAuditLoad();
        var database = _directory.File("shared", "audit.db");
        new SqliteAuditStore(database).Migrate();

        var processes = Enumerable.Range(0, Processes).Select(_ => Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { loader, "append", database, RowsPerProcess.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!).ToList();
        var outputs = processes.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToList();
        foreach (var p in processes) Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "an AuditLoad process did not finish");
        for (var i = 0; i < Processes; i++)
        {
            var error = await outputs[i].Err;
            Assert.True(processes[i].ExitCode == 0, $"process {i} exited {processes[i].ExitCode}: {error}");
            Assert.Contains($"appended {RowsPerProcess} rows", await outputs[i].Out);
        }

        var store = new SqliteAuditStore(database);
        var chain = store.VerifyChain();
        Assert.True(chain.IsValid, chain.ToString());
        Assert.Equal(Processes * RowsPerProcess, chain.RowsChecked);

        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT Sequence), MIN(Sequence), MAX(Sequence), COUNT(DISTINCT AuditId), COUNT(DISTINCT Environment) FROM KeyManagementAudit";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        const long total = Processes * RowsPerProcess;
        Assert.Equal([total, total, 1L, total, total, Processes],
            Enumerable.Range(0, 6).Select(reader.GetInt64).ToArray());
    }

    /// <summary>Builds the AuditLoad console in the test's own configuration and returns its dll.</summary>
    private static async Task<string> BuildAuditLoad()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var project = Path.Combine(Path.GetDirectoryName(SqlScriptFiles.SqlDirectory)!, "tests", "BuzzKeyMgmt.AuditLoad", "BuzzKeyMgmt.AuditLoad.csproj");
        using var build = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "build", project, "-c", configuration, "--nologo", "-v", "q" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = build.StandardOutput.ReadToEndAsync();
        var error = build.StandardError.ReadToEndAsync();
        Assert.True(build.WaitForExit(TimeSpan.FromMinutes(5)), "building AuditLoad did not finish");
        Assert.True(build.ExitCode == 0, $"building AuditLoad failed: {await output}{await error}");
        var dll = Path.Combine(Path.GetDirectoryName(project)!, "bin", configuration, "net10.0", "BuzzKeyMgmt.AuditLoad.dll");
        Assert.True(File.Exists(dll), dll + " was not built");
        return dll;
    }
}
