using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Marten;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A version that adds an index to the profiles builds it as it starts, while the nodes of the version before
/// still take touchpoints. Built plainly, the index waited for any transaction writing a profile and every append
/// queued behind it (about 20 s at a million profiles); built concurrently, the appends go on while it waits and builds.
/// </summary>
public class when_a_new_version_indexes_the_profiles_of_a_running_service(IndexingHost service) : IClassFixture<IndexingHost>
{
    private const string NameIndex = "mt_doc_customerprofile_idx_nameid";

    [Fact]
    public async Task touchpoints_are_taken_while_the_new_index_waits_for_a_writer_and_the_index_is_built_once_it_is_done()
    {
        await service.Host.PostTouchpoints(SignUp("indexed-1", Jan1));
        await Sql($"drop index {service.Schema}.{NameIndex}");
        Task applying;

        // Another writer is in the middle of a profile's transaction when the new version applies its schema.
        await using (var writer = await HeldStreamLock.Of(service.Schema, "indexed-1"))
        {
            await writer.Execute($"update {service.Schema}.mt_doc_customerprofile set data = data where id = 'indexed-1'");
            applying = service.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await writer.UntilWaitedOnBy(1);

            await service.Host.PostTouchpoints(SignUp("indexed-2", Jan1.AddDays(1), name: "Grace Hopper"), 201);
            (await service.Host.GetJson("/api/customers/indexed-2"))["name"]!.GetValue<string>().ShouldBe("Grace Hopper");
        }

        await applying;
        (await Sql($"select count(*) from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace " +
            $"where n.nspname = '{service.Schema}' and c.relname = '{NameIndex}' and i.indisvalid")).ShouldBe(1L);
    }

    private static async Task<object?> Sql(string sql)
    {
        await using var connection = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}

public sealed class IndexingHost() : SchemaHost("eventcrm_indexing");
