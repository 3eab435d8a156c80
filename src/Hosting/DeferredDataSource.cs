using System.Data.Common;
using Tollgate.Postgres;

namespace Tollgate.Hosting;

/// <summary>
/// The process's database for Orleans' ADO.NET clustering, looked up when Orleans first opens a connection rather
/// than when its options are built: the embedded server's port is known only once it started, and hosts build
/// Orleans' services (for <c>/metrics</c>, for hosted services) before anything starts.
/// </summary>
internal sealed class DeferredDataSource(PostgresDatabase database) : DbDataSource
{
    public override string ConnectionString => database.DataSource.ConnectionString;

    protected override DbConnection CreateDbConnection() => database.DataSource.CreateConnection();
}
