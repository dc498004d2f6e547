using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// `./eventcrm run` with <c>Tenancy__Databases__N</c> set announced the demo cluster's <c>eventcrm</c> database
/// (`[db] Ready: ...Database=eventcrm`), which the service never reads, and handed it to the service beside the
/// list, which marked it as holding none of the customers: a later plain `./eventcrm run` over its own demo
/// database was then refused. Now the run announces the databases it uses and hands the service the list alone,
/// and a plain run removes such a mark from its demo database (one a previous version left). A real cluster in the
/// sandbox's .data/ on a port of its own; a stand-in for dotnet whose seeder is the built Host's seed-demo on the
/// plain run (<see cref="ScriptSandbox"/>).
/// </summary>
public class when_the_script_runs_over_several_databases
{
    private const string Schema = "eventcrm_script_places";

    [Fact]
    public async Task it_announces_the_listed_databases_and_a_plain_run_uses_its_own_demo_database_again()
    {
        using var sandbox = new ScriptSandbox(ScriptScenario.DotnetWhoseHostRuns($$"""
                shift
                echo "ConnectionStrings__EventCrm=[${ConnectionStrings__EventCrm:-}] for $1" >> "$here/handed"
                if [ "${1:-}" = seed-demo ]; then
                  [ -z "${Tenancy__Databases__0:-}" ] || exit 3
                  exec "{{ScriptSandbox.RealDotnet()}}" "{{Path.Combine(HostCommandLine.HostFolder(), "EventCrm.Host.dll")}}" "$@" --customers 3
                fi
                exit 0 ;;
            """));
        var port = HostProcess.FreePort();
        var environment = ScriptScenario.OnItsOwnDemoCluster(port);
        environment["Marten__Schema"] = Schema;
        environment["Auth__AdminKey"] = "ecrm_admin_script_places_key";
        var listed = new Dictionary<string, string>(environment)
        {
            ["Tenancy__Databases__0"] = "Host=db.example;Database=crm_0;Username=crm;Password=secret",
            ["Tenancy__Databases__1"] = "Host=db.example;Port=6432;Database=crm_1;Username=crm;Password=secret",
        };
        var within = TimeSpan.FromMinutes(2);
        try
        {
            var started = await sandbox.Run(environment, within, "db", "start", "demo");
            started.ExitCode.ShouldBe(0, started.Errors);
            // As a run with the list set left the demo database before 2026-12-07 (midnight): marked as holding none of the customers.
            await Sql(port, $"create schema {Schema}; " +
                            $"create table {Schema}.customer_database_place (id int primary key check (id = 1), databases int not null, position int, listed text[] not null); " +
                            $"insert into {Schema}.customer_database_place values (1, 2, null, array['Host=db.example;Port=5432;Database=crm_0', 'Host=db.example;Port=6432;Database=crm_1'])");

            var overTheList = await sandbox.Run(listed, within, "run");

            overTheList.ExitCode.ShouldBe(0, overTheList.Errors);
            overTheList.Errors.ShouldContain($"[db] Ready: the demo cluster on port {port}; the customers' databases are those of Tenancy__Databases__N: " +
                                             "db0 db.example:5432/crm_0, db1 db.example:6432/crm_1");
            overTheList.Errors.ShouldNotContain("Database=eventcrm");
            overTheList.Errors.ShouldNotContain("secret");
            File.ReadAllText(sandbox.PathOf("handed")).ShouldBe("ConnectionStrings__EventCrm=[] for seed-demo\nConnectionStrings__EventCrm=[] for --urls\n");
            (await Sql(port, $"select count(*) from {Schema}.customer_database_place")).ShouldBe(1L);   // the list's run leaves it as it is

            var plain = await sandbox.Run(environment, within, "run");

            plain.ExitCode.ShouldBe(0, plain.Errors);
            plain.Errors.ShouldContain("[db] The demo database was marked as holding none of the customers of a deployment over Tenancy__Databases__N");
            plain.Output.ShouldContain("Seeded 3 customers and ");
            // The seeder's start recorded the demo database as the one database of its own customers.
            (await Sql(port, $"select format('%s %s', databases, position) from {Schema}.customer_database_place")).ShouldBe("1 0");
        }
        finally
        {
            await sandbox.Run(environment, within, "db", "stop", "demo");
        }
    }

    private static async Task<object?> Sql(int port, string sql)
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Database=eventcrm;Username=postgres");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
