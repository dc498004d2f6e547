using EventCrm.Host.Sharding;
using Marten;
using Marten.Storage;
using Npgsql;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// What a blue/green rebuild that ended without cleaning up leaves behind: its side schema
/// ("{schema}_next_{name}"), the tables a take-over retired ("{schema}_retired_{name}") and its
/// "{Name}-next" progress rows, in each database. A rebuild killed mid-way (its process or node
/// killed, its machine lost) leaves them, and nothing else would ever drop them. They are dropped
/// only under the projection's rebuild claim (<see cref="RebuildClaims"/>): a rebuild holds it from
/// before it creates its side schema until after it has dropped it, so while the claim is ours no
/// other process (node or command) can be building there.
/// </summary>
public sealed class LeftoverSideBuilds(IDocumentStore store, CustomerDatabases databases, ILogger<LeftoverSideBuilds> logger)
{
    private string LiveSchema => store.Options.DatabaseSchemaName;

    public string SideSchemaOf(ProjectionInfo projection) => SideBuilds.SchemaOf(LiveSchema, projection.Name);

    /// <summary>What one database holds of the projection's side build: schemas and progress rows (with their positions), each described for the log.</summary>
    private sealed record Found(IMartenDatabase Database, string Name, IReadOnlyList<string> Schemas, IReadOnlyList<string> Progress)
    {
        public bool Any => Schemas.Count > 0 || Progress.Count > 0;

        public string Described(bool sharded) =>
            string.Join(" and ", new[]
            {
                Schemas.Count == 0 ? null : $"schema {string.Join(", ", Schemas)}",
                Progress.Count == 0 ? null : $"progress row {string.Join(", ", Progress)}",
            }.Where(part => part is not null)) + (sharded ? $" in database {Name}" : "");
    }

    /// <summary>True when some database holds what a side build of the projection leaves; a look only, without the claim.</summary>
    public async Task<bool> AnyAsync(ProjectionInfo projection, CancellationToken ct) =>
        (await FindAsync(projection, ct)).Any(found => found.Any);

    /// <summary>
    /// Drops what an earlier side build of the projection left, saying plainly what and why.
    /// The caller holds the projection's rebuild claim, so the build that left it has ended.
    /// </summary>
    /// <param name="before">What follows, for the log: "before rebuilding it", "at start".</param>
    public async Task DropAsync(ProjectionInfo projection, string before, CancellationToken ct)
    {
        foreach (var found in await FindAsync(projection, ct))
        {
            if (!found.Any) continue;
            logger.LogWarning("Found {Leftovers} left by a rebuild of {Projection} that is no longer running (killed, or it could not drop them " +
                              "as it ended): dropping it {Before}", found.Described(databases.Sharded), projection.Name, before);
            await using var connection = found.Database.CreateConnection();
            await connection.OpenAsync(ct);
            await RebuildSql.ForgetProgressAsync(connection, LiveSchema, SideShards(projection), ct);
            await RebuildSql.ExecuteAsync(connection, $"drop schema if exists {SideSchemaOf(projection)}, " +
                                                      $"{SideBuilds.RetiredSchemaOf(LiveSchema, projection.Name)} cascade", ct);
        }
    }

    private async Task<IReadOnlyList<Found>> FindAsync(ProjectionInfo projection, CancellationToken ct)
    {
        var all = new List<Found>();
        var names = databases.Names;
        var each = await databases.AllAsync();
        for (var i = 0; i < each.Count; i++)
        {
            await using var connection = each[i].CreateConnection();
            await connection.OpenAsync(ct);
            var schemas = await ListAsync(connection, "select nspname from pg_namespace where nspname = any(@names) order by nspname",
                [SideSchemaOf(projection), SideBuilds.RetiredSchemaOf(LiveSchema, projection.Name)], ct);
            var progress = await ListAsync(connection,
                $"select name || ' at ' || last_seq_id from {LiveSchema}.mt_event_progression where name = any(@names) order by name", SideShards(projection), ct);
            all.Add(new Found(each[i], names[i], schemas, progress));
        }
        return all;
    }

    private static string[] SideShards(ProjectionInfo projection) => projection.Shards.Select(s => SideBuilds.ShardFor(s).Identity).ToArray();

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql, string[] names, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("names", names);
        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(reader.GetString(0));
        return list;
    }
}
