using EventCrm.Host.Infrastructure;
using EventCrm.Tests.Support;
using Marten;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// Every connection of the Host prices random reads as cached pages and prepares the statements
/// it repeats: without the first, the async daemon hashes the whole streams table for each page of
/// events; without the second, the server parses and plans each of its thousands of upserts anew.
/// </summary>
public class when_the_host_talks_to_the_database(AppFixture app)
{
    [Fact]
    public async Task its_sessions_price_random_reads_as_cached_pages()
    {
        await using var session = app.Store.QuerySession();
        var cost = await session.QueryAsync<string>("select current_setting('random_page_cost')");

        cost.Single().ShouldBe(HostConnections.RandomPageCost);
    }

    [Fact]
    public async Task a_statement_it_repeats_is_prepared_on_the_server()
    {
        await using var connection = app.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        var probe = $"select 1 + @n -- probe {Guid.NewGuid():N}";
        for (var i = 0; i < 5; i++)
        {
            await using var repeated = new NpgsqlCommand(probe, connection);
            repeated.Parameters.AddWithValue("n", i);
            await repeated.ExecuteScalarAsync();
        }

        await using var prepared = new NpgsqlCommand("select count(*) from pg_prepared_statements where statement like @probe", connection);
        prepared.Parameters.AddWithValue("probe", $"%{probe[^38..]}%");
        ((long)(await prepared.ExecuteScalarAsync())!).ShouldBe(1);
    }

    [Theory]
    [InlineData("Host=db;Database=crm;Username=u", "-c random_page_cost=1.1", 64)]
    [InlineData("Host=db;Database=crm;Username=u;Options=-c work_mem=64MB", "-c work_mem=64MB -c random_page_cost=1.1", 64)]
    [InlineData("Host=db;Database=crm;Username=u;Options=-c random_page_cost=2;Max Auto Prepare=10", "-c random_page_cost=2", 10)]
    public void what_the_connection_string_says_wins(string given, string options, int autoPrepared)
    {
        var builder = new NpgsqlConnectionStringBuilder(HostConnections.Prepare(given));

        (builder.Host, builder.Database, builder.Options, builder.MaxAutoPrepare).ShouldBe(("db", "crm", options, autoPrepared));
    }
}
