using Alba;
using EventCrm.Host.Infrastructure;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Marten;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// With customers over two databases, the node that runs the async projections in the home
/// database runs them in the other one too, so that some node can always rebuild them online.
/// Another node is played by a session of the test holding the home database's daemon lock.
/// </summary>
public sealed class when_nodes_share_two_databases : IAsyncLifetime
{
    private const string Schema = "eventcrm_sharded_leaders";
    // Named after the test run's database: a run elsewhere on the server recreating them (drop ... with (force)) ended
    // this one's sessions mid-scenario (57P01), its node finding its tables gone.
    private readonly string[] _databases = [TwoDatabases.OwnDatabaseNamed($"{Schema}_0"), TwoDatabases.OwnDatabaseNamed($"{Schema}_1")];
    private readonly int _lockId = new StoreOptions().ConfigureEventCrmStore(NodeProcessDatabase, Schema).Projections.DaemonLockId;
    private IAlbaHost _node = null!;

    private static string NodeProcessDatabase => Scaling.NodeProcess.TestDatabase();

    /// <summary>Several leadership polls (5 s).</summary>
    private static readonly TimeSpan LongerThanAPoll = TimeSpan.FromSeconds(6);

    public async ValueTask InitializeAsync()
    {
        foreach (var database in _databases) await TwoDatabases.RecreateAsync(database);
    }

    [Fact]
    public async Task a_node_takes_the_second_database_only_with_the_home_one_and_gives_it_up_with_it()
    {
        await using (var otherNode = await HoldLockAsync(_databases[0]))
        {
            _node = await StartNodeAsync();
            await Task.Delay(LongerThanAPoll);
            (await HolderIn(_databases[1])).ShouldBeNull("the node did not take the second database while another node holds the home one");
            await _node.PostJson("/api/projections/CustomerLedger/rebuild", new { }, 409);
        }

        // The other node is gone: this one takes both databases (the only node left), and can rebuild.
        await Waits.Until(async () => await HolderIn(_databases[0]) is not null && await HolderIn(_databases[1]) is not null);
        await _node.PostJson("/api/projections/CustomerLedger/rebuild", new { }, 202);
        await RebuildWaits.UntilCompleted(_node, "CustomerLedger");

        // Its home session dies and another node takes the home lock at once: it gives the second database up.
        await Terminate(_databases[0], (await HolderIn(_databases[0]))!.Value);
        await using var successor = await HoldLockAsync(_databases[0]);
        await Waits.Until(async () => await HolderIn(_databases[1]) is null);
    }

    private async Task<IAlbaHost> StartNodeAsync()
    {
        var node = await AppFixture.StartHost(Schema, ("Tenancy:Databases:0", _databases[0]), ("Tenancy:Databases:1", _databases[1]));
        var customer = Ids.Customer();
        await node.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(3)) });
        return node;
    }

    /// <summary>A session of its own holding the daemon's lock in the database, as a node would.</summary>
    private async Task<NpgsqlConnection> HoldLockAsync(string database)
    {
        var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select pg_advisory_lock(@id)", connection);
        command.Parameters.AddWithValue("id", (long)_lockId);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>The process id of the session holding the daemon's lock in the database, if any.</summary>
    private async Task<int?> HolderIn(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select pid from pg_locks
            where locktype = 'advisory' and granted and classid::bigint = 0 and objid::bigint = @id and objsubid = 1
              and database = (select oid from pg_database where datname = current_database())
            """, connection);
        command.Parameters.AddWithValue("id", (long)_lockId);
        return await command.ExecuteScalarAsync() is int pid ? pid : null;
    }

    private static async Task Terminate(string database, int pid)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select pg_terminate_backend(@pid)", connection);
        command.Parameters.AddWithValue("pid", pid);
        await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.StopAsync();
            await _node.DisposeAsync();
        }
        foreach (var database in _databases) await TwoDatabases.DropAsync(database);
    }
}
