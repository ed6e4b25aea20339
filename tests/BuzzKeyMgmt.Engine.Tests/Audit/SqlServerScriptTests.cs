using System.Text.RegularExpressions;
using BuzzKeyMgmt.Engine.Audit.Migrations;
using BuzzKeyMgmt.Engine.Audit.SqlServer;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>The T-SQL migrations parse with the SQL Server 2022 grammar and create every object the engine uses.</summary>
public sealed class SqlServerScriptTests
{
    public static TheoryData<string> ScriptNames()
    {
        var data = new TheoryData<string>();
        foreach (var file in SqlScriptFiles.Scripts("sqlserver")) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(ScriptNames))]
    public void Script_parses_without_errors(string name)
    {
        var fragment = Parse(name, out var errors);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{name}:{e.Line}:{e.Column}: {e.Message}")));
        Assert.NotEmpty(((TSqlScript)fragment).Batches);
    }

    [Theory]
    [MemberData(nameof(ScriptNames))]
    public void Script_is_idempotent_by_construction(string name)
    {
        var visitor = new CreatedObjects();
        Parse(name, out _).Accept(visitor);
        Assert.Empty(visitor.UnguardedCreates); // CREATE TABLE/INDEX only under IF ...; everything else CREATE OR ALTER
        var version = int.Parse(name[..3]);
        var text = File.ReadAllText(Path.Combine(SqlScriptFiles.SqlDirectory, "sqlserver", name));
        Assert.Matches(new Regex($@"IF NOT EXISTS \(SELECT 1 FROM dbo\.SchemaVersion WHERE Version = {version}\)\s+INSERT INTO dbo\.SchemaVersion"), text);
    }

    [Fact]
    public void Every_object_the_engine_uses_is_created_by_the_scripts()
    {
        var visitor = new CreatedObjects();
        foreach (var file in SqlScriptFiles.Scripts("sqlserver")) Parse(Path.GetFileName(file), out _).Accept(visitor);
        var missing = SqlServerSchema.RequiredObjects.Where(o => !visitor.Objects.Contains(o)).ToList();
        Assert.True(missing.Count == 0, "Missing: " + string.Join(", ", missing));
    }

    [Fact]
    public void Scripts_are_numbered_consecutively_and_match_the_sqlite_numbers_and_the_embedded_copies()
    {
        var server = SqlScriptFiles.Scripts("sqlserver").Select(Path.GetFileNameWithoutExtension).ToList();
        var sqlite = SqlScriptFiles.Scripts("sqlite").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Equal(Enumerable.Range(1, server.Count), server.Select(n => int.Parse(n![..3])));
        Assert.Equal(server, sqlite);
        var embedded = MigrationScript.Load("sqlserver");
        Assert.Equal(server, embedded.Select(s => s.Name));
        foreach (var script in embedded)
            Assert.Equal(File.ReadAllText(Path.Combine(SqlScriptFiles.SqlDirectory, "sqlserver", script.Name + ".sql")), script.Text);
    }

    [Fact]
    public void Batches_split_on_GO_lines_only()
    {
        var script = new MigrationScript(9, "009_test", "SELECT 'GO';\nGO\nSELECT 1 AS go_on;\n  go  \n");
        Assert.Equal(["SELECT 'GO';\n", "\nSELECT 1 AS go_on;\n"], script.Batches());
    }

    private static TSqlFragment Parse(string name, out IList<ParseError> errors)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StreamReader(Path.Combine(SqlScriptFiles.SqlDirectory, "sqlserver", name));
        return parser.Parse(reader, out errors);
    }

    /// <summary>Collects created objects and any CREATE TABLE/INDEX not guarded by an IF.</summary>
    private sealed class CreatedObjects : TSqlFragmentVisitor
    {
        private int _ifDepth;
        public HashSet<SchemaObject> Objects { get; } = [];
        public List<string> UnguardedCreates { get; } = [];

        public override void ExplicitVisit(IfStatement node)
        {
            _ifDepth++;
            base.ExplicitVisit(node);
            _ifDepth--;
        }

        public override void ExplicitVisit(CreateTableStatement node)
        {
            Add(SchemaObjectKind.Table, node.SchemaObjectName, guarded: _ifDepth > 0);
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(CreateIndexStatement node)
        {
            if (_ifDepth == 0) UnguardedCreates.Add("INDEX " + node.Name.Value);
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(CreateOrAlterProcedureStatement node) =>
            Add(SchemaObjectKind.Procedure, node.ProcedureReference.Name, guarded: true);

        public override void ExplicitVisit(CreateOrAlterViewStatement node) =>
            Add(SchemaObjectKind.View, node.SchemaObjectName, guarded: true);

        public override void ExplicitVisit(CreateOrAlterTriggerStatement node) =>
            Add(SchemaObjectKind.Trigger, node.Name, guarded: true);

        public override void ExplicitVisit(CreateProcedureStatement node) => UnguardedCreates.Add("PROCEDURE (use CREATE OR ALTER)");
        public override void ExplicitVisit(CreateViewStatement node) => UnguardedCreates.Add("VIEW (use CREATE OR ALTER)");
        public override void ExplicitVisit(CreateTriggerStatement node) => UnguardedCreates.Add("TRIGGER (use CREATE OR ALTER)");

        private void Add(SchemaObjectKind kind, SchemaObjectName name, bool guarded)
        {
            Objects.Add(new SchemaObject(kind, name.BaseIdentifier.Value));
            if (!guarded) UnguardedCreates.Add($"{kind} {name.BaseIdentifier.Value}");
        }
    }
}
