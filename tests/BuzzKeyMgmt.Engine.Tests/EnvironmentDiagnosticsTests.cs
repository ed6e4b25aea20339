using System.Net;
using System.Net.Sockets;
using BuzzKeyMgmt.Engine.Diagnostics;

namespace BuzzKeyMgmt.Engine.Tests;

public class EnvironmentDiagnosticsTests
{
    private static EnvironmentCheck Find(IEnumerable<EnvironmentCheck> checks, string name) =>
        Assert.Single(checks, c => c.Name == name);

    [Theory]
    [InlineData("7.6.9", CheckStatus.Pass)]
    [InlineData("7.4.0", CheckStatus.Pass)]
    [InlineData("7.3.12", CheckStatus.Fail)]
    [InlineData("5.1.19041", CheckStatus.Fail)]
    [InlineData("7.7.0-preview.1", CheckStatus.Pass)]
    [InlineData("banana", CheckStatus.Warn)]
    public void PowerShell_version_is_judged_against_the_minimum(string version, CheckStatus expected)
    {
        var check = Find(EnvironmentDiagnostics.Run(new HostFacts(version, "Core")), "PowerShell");
        Assert.Equal(expected, check.Status);
        Assert.Contains(version, check.Detail);
    }

    [Fact]
    public void Sqlite_native_library_answers_an_in_memory_query()
    {
        var check = Find(EnvironmentDiagnostics.Run(new HostFacts("7.6.9", "Core")), "SQLite native library");
        Assert.Equal(CheckStatus.Pass, check.Status);
        Assert.Contains("returned 1 row", check.Detail);
    }

    [Fact]
    public void No_sql_server_check_unless_asked()
    {
        var checks = EnvironmentDiagnostics.Run(new HostFacts("7.6.9", "Core"));
        Assert.DoesNotContain(checks, c => c.Name == "SQL Server connection");
    }

    [Fact]
    public void Sql_server_on_a_closed_port_fails_with_SqlException_and_never_shows_the_password()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new DiagnosticsOptions($"Server=tcp:127.0.0.1,{port};Database=audit;User Id=sa;Password=S3cret-Value;Connect Timeout=2;Encrypt=False");

        var check = Find(EnvironmentDiagnostics.Run(new HostFacts("7.6.9", "Core"), options), "SQL Server connection");

        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("SqlException", check.Detail);
        Assert.Contains($"127.0.0.1,{port}", check.Detail);
        Assert.DoesNotContain("S3cret-Value", check.Detail);
    }

    [Fact]
    public void Malformed_sql_server_connection_string_is_reported_not_thrown()
    {
        var check = Find(EnvironmentDiagnostics.Run(new HostFacts("7.6.9", "Core"), new DiagnosticsOptions("Server=x;Bogus Keyword=1")), "SQL Server connection");
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("not valid", check.Detail);
    }
}
