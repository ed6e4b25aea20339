using System.Data;
using System.Data.Common;
using BuzzKeyMgmt.Engine.Audit.Migrations;

namespace BuzzKeyMgmt.Engine.Audit.Storage;

/// <summary>
/// The provider-neutral part of the audit store over ADO.NET: connection handling, error translation (with secrets
/// scrubbed), migrations and parameters. Dialect differences are the abstract members; SQL is parameterised only.
/// </summary>
public abstract partial class AdoAuditStore : IAuditStore
{
    private readonly ConnectionSecrets _secrets;

    protected AdoAuditStore(ConnectionSecrets secrets)
    {
        _secrets = secrets;
    }

    public abstract string Provider { get; }

    /// <summary>Where the store is, without secrets.</summary>
    public abstract string Target { get; }

    protected abstract IReadOnlyList<MigrationScript> Scripts { get; }

    /// <summary>SQL returning one row when the SchemaVersion table exists.</summary>
    protected abstract string SchemaVersionTableExistsSql { get; }

    /// <summary>Opens a connection; <paramref name="create"/> allows creating a missing database (migrations only).</summary>
    protected abstract DbConnection OpenConnection(bool create);

    /// <summary>A transaction that serialises writers (SQLite BEGIN IMMEDIATE, SQL Server serializable).</summary>
    protected abstract DbTransaction BeginWriteTransaction(DbConnection connection);

    /// <summary>Serialises migrating processes inside the migration transaction (no-op where the transaction already does).</summary>
    protected virtual void LockForMigration(DbConnection connection, DbTransaction transaction) { }

    /// <summary>Runs one migration script inside <paramref name="transaction"/>.</summary>
    protected abstract void ExecuteScript(DbConnection connection, DbTransaction transaction, MigrationScript script);

    protected abstract void AddParameter(DbCommand command, string name, object? value);
    protected abstract DateTimeOffset ReadUtc(DbDataReader reader, int ordinal);
    protected abstract Guid ReadGuid(DbDataReader reader, int ordinal);

    /// <summary>True when the failure means "cannot reach the store" rather than "the store refused".</summary>
    protected abstract bool IsUnavailable(Exception ex);

    protected abstract bool IsUniqueViolation(DbException ex);

    protected abstract bool IsAppendOnlyViolation(DbException ex);

    public override string ToString() => $"{Provider} audit store ({Target})";

    public IReadOnlyList<int> Migrate() => Run(create: true, connection =>
    {
        var applied = new List<int>();
        foreach (var script in Scripts)
        {
            using var transaction = BeginWriteTransaction(connection);
            LockForMigration(connection, transaction);
            if (AppliedVersions(connection, transaction).Contains(script.Version))
            {
                transaction.Commit();
                continue;
            }
            ExecuteScript(connection, transaction, script);
            transaction.Commit();
            applied.Add(script.Version);
        }
        return (IReadOnlyList<int>)applied;
    });

    public AuditStoreDescription Describe()
    {
        try
        {
            var version = Run(create: false, connection =>
            {
                var versions = AppliedVersions(connection, null);
                return versions.Count == 0 ? (int?)null : versions.Max();
            });
            return new AuditStoreDescription { Provider = Provider, Target = Target, SchemaVersion = version, Reachable = true };
        }
        catch (AuditStoreException ex)
        {
            return new AuditStoreDescription { Provider = Provider, Target = Target, Reachable = false, Error = ex.Message };
        }
    }

    private HashSet<int> AppliedVersions(DbConnection connection, DbTransaction? transaction)
    {
        var versions = new HashSet<int>();
        using (var exists = Command(connection, transaction, SchemaVersionTableExistsSql))
        {
            if (exists.ExecuteScalar() is null) return versions;
        }
        using var command = Command(connection, transaction, AuditSql.SelectVersions);
        using var reader = command.ExecuteReader();
        while (reader.Read()) versions.Add(Convert.ToInt32(reader.GetValue(0)));
        return versions;
    }

    /// <summary>Opens a connection, translating failure into <see cref="AuditStoreUnavailableException"/>.</summary>
    protected DbConnection Open(bool create) => Open(() => OpenConnection(create));

    /// <summary>Opens a connection with <paramref name="open"/>, translating failure as <see cref="Open(bool)"/> does.</summary>
    protected DbConnection Open(Func<DbConnection> open)
    {
        try
        {
            return open();
        }
        catch (AuditStoreException)
        {
            throw;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new AuditStoreUnavailableException($"The {Provider} audit store at {Target} cannot be reached: {_secrets.Scrub(ex.Message)}", Safe(ex));
        }
    }

    /// <summary>Opens a connection, runs the work and translates provider failures into domain errors.</summary>
    protected T Run<T>(bool create, Func<DbConnection, T> work)
    {
        var connection = Open(create);
        using (connection)
        {
            return Translate(() => work(connection));
        }
    }

    /// <summary>Runs work over a connection already open (a kept writer connection), translating provider failures into
    /// domain errors as <see cref="Run{T}"/> does.</summary>
    protected T Translate<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (AuditStoreException)
        {
            throw;
        }
        catch (DbException ex) when (IsAppendOnlyViolation(ex))
        {
            throw new AuditStoreException(AuditErrorCodes.AppendOnlyViolation, $"The audit store refused the change: {_secrets.Scrub(ex.Message)}", Safe(ex));
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException && IsUnavailable(ex))
        {
            throw new AuditStoreUnavailableException($"The {Provider} audit store at {Target} became unreachable: {_secrets.Scrub(ex.Message)}", Safe(ex));
        }
        catch (DbException ex)
        {
            throw new AuditStoreException(AuditErrorCodes.StoreFailure, $"The {Provider} audit store at {Target} failed: {_secrets.Scrub(ex.Message)}", Safe(ex));
        }
    }

    /// <summary>The inner exception to keep, unless its text would reveal a secret.</summary>
    private Exception? Safe(Exception ex) => _secrets.Leaks(ex) ? null : ex;

    protected DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters) AddParameter(command, name, value);
        return command;
    }

    protected static string? NullableString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    protected DateTimeOffset? NullableUtc(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadUtc(reader, ordinal);

    protected static long? NullableInt64(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Convert.ToInt64(reader.GetValue(ordinal));
}
