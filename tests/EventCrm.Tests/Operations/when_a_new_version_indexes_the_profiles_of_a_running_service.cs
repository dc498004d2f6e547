using System.Data;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A version that adds an index to the profiles builds it as it starts, while the nodes of the version before
/// still take touchpoints. Built plainly by Marten's migration, the index waited for any transaction writing a
/// profile, and every append queued behind it until the command timeout (30 s; about 20 s of build at a million
/// profiles); built concurrently before the migration, the appends go on while it waits and builds.
/// </summary>
public class when_a_new_version_indexes_the_profiles_of_a_running_service(IndexingHost service) : IClassFixture<IndexingHost>
{
    private const string NameIndex = "mt_doc_customerprofile_idx_nameid";

    [Fact]
    public async Task touchpoints_are_taken_while_the_new_index_waits_for_a_writer_and_the_index_is_built_once_it_is_done()
    {
        await service.Host.PostTouchpoints(SignUp("indexed-1", Jan1));
        await Sql($"drop index {service.Schema}.{NameIndex}");
        var newVersionLogs = new CapturedLogs();
        Task<Alba.IAlbaHost> newVersion;

        // Another writer is in the middle of a profile's transaction when the new version starts.
        await using (var writer = await HeldStreamLock.Of(service.Schema, "indexed-1"))
        {
            await writer.Execute($"update {service.Schema}.mt_doc_customerprofile set data = data where id = 'indexed-1'");
            newVersion = Task.Run(() => AppFixture.StartHost(service.Schema, newVersionLogs));
            await writer.UntilWaitedOnBy(1);

            // Well within the command timeout: a signup queued behind a plain build would come back after it (30 s).
            var signUp = service.Host.PostTouchpoints(SignUp("indexed-2", Jan1.AddDays(1), name: "Grace Hopper"), 201);
            (await Task.WhenAny(signUp, Task.Delay(TimeSpan.FromSeconds(15))) == signUp).ShouldBeTrue("the signup waited 15 s for the index build");
            await signUp;
            (await service.Host.GetJson("/api/customers/indexed-2"))["name"]!.GetValue<string>().ShouldBe("Grace Hopper");
            newVersion.IsCompleted.ShouldBeFalse("the index waits for the writer's transaction, older than it");
        }

        await using var started = await newVersion;
        (await Sql($"select count(*) from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace " +
            $"where n.nspname = '{service.Schema}' and c.relname = '{NameIndex}' and i.indisvalid")).ShouldBe(1L);
        newVersionLogs.Since(0).Select(entry => entry.Message).ShouldContain(
            $"Building index {NameIndex} on {service.Schema}.mt_doc_customerprofile concurrently: appends go on meanwhile; it waits for transactions older than it");
    }

    [Fact]
    public async Task a_new_schema_is_created_with_its_indexes_while_an_export_reads_the_database_under_one_snapshot()
    {
        var fresh = $"{service.Schema}_fresh";
        await DataCommandLine.DropSchema(fresh);

        // A concurrent build waits for every transaction holding a snapshot older than it, even on the empty
        // tables of a new schema: the start would wait for the export to end.
        await using (var export = new NpgsqlConnection(DataCommandLine.ConnectionString()))
        {
            await export.OpenAsync();
            await using var reading = await export.BeginTransactionAsync(IsolationLevel.RepeatableRead);
            await using (var read = new NpgsqlCommand($"select count(*) from {service.Schema}.mt_doc_customerprofile", export, reading))
                await read.ExecuteScalarAsync();

            var starting = Task.Run(() => AppFixture.StartHost(fresh));
            // Bounded only so that a start waiting for the export fails here instead of hanging: a start takes seconds.
            (await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(60))) == starting).ShouldBeTrue("the new schema's start waited for the export");
            await using var started = await starting;
            (await Sql($"select count(*) from pg_indexes where schemaname = '{fresh}' and indexname = '{NameIndex}'")).ShouldBe(1L);
        }

        await DataCommandLine.DropSchema(fresh);
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
