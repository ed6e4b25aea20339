using BuzzKeyMgmt.Engine.Audit.SqlServer;
using BuzzKeyMgmt.Engine.Audit.Storage;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// Without a server, the SQL the SQL Server provider sends is still checked: every statement parses with the
/// SQL Server 2022 grammar and the parameters passed to each stored procedure match the procedure's declaration.
/// </summary>
public sealed class SqlServerStatementTests
{
    [Fact]
    public void Every_statement_the_provider_sends_parses_with_the_SQL_Server_grammar()
    {
        var statements = AuditSql.Shared.Concat(SqlServerAuditStore.DialectStatements).ToList();
        Assert.True(statements.Count >= 14);
        foreach (var sql in statements)
        {
            var parser = new TSql160Parser(initialQuotedIdentifiers: true);
            using var reader = new StringReader(sql);
            parser.Parse(reader, out var errors);
            Assert.True(errors.Count == 0, $"{sql}\n{string.Join("\n", errors.Select(e => e.Message))}");
        }
    }

    [Fact]
    public void A_statement_with_a_syntax_error_is_caught_by_this_check()
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader("SELECT TOP (@Last) Sequence FROM KeyManagementAudit ORDER BY Sequence DESC LIMIT @Last");
        parser.Parse(reader, out var errors);
        Assert.NotEmpty(errors); // the SQLite LIMIT form is not T-SQL
    }

    [Fact]
    public void Procedure_parameters_match_what_the_engine_passes()
    {
        var declared = DeclaredParameters();
        foreach (var (procedure, passed) in SqlServerAuditStore.ProcedureParameters)
        {
            Assert.True(declared.ContainsKey(procedure), $"procedure {procedure} is not created by the scripts");
            var parameters = declared[procedure];
            var unknown = passed.Except(parameters.Select(p => p.Name), StringComparer.OrdinalIgnoreCase).ToList();
            Assert.True(unknown.Count == 0, $"{procedure} has no parameter(s) {string.Join(", ", unknown)}");
            var missing = parameters.Where(p => !p.HasDefault).Select(p => p.Name).Except(passed, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.True(missing.Count == 0, $"{procedure} needs {string.Join(", ", missing)}");
        }
        Assert.Equal(27, SqlServerAuditStore.ProcedureParameters["LogKeyManagementOperation"].Count); // every audit column
    }

    private static Dictionary<string, List<(string Name, bool HasDefault)>> DeclaredParameters()
    {
        var result = new Dictionary<string, List<(string, bool)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in SqlScriptFiles.Scripts("sqlserver"))
        {
            var parser = new TSql160Parser(initialQuotedIdentifiers: true);
            using var reader = new StreamReader(file);
            var script = (TSqlScript)parser.Parse(reader, out _);
            foreach (var procedure in script.Batches.SelectMany(b => b.Statements).OfType<CreateOrAlterProcedureStatement>())
            {
                result[procedure.ProcedureReference.Name.BaseIdentifier.Value] = procedure.Parameters
                    .Select(p => (p.VariableName.Value, p.Value is not null)).ToList();
            }
        }
        return result;
    }
}
