using EventCrm.Host.Replays;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// Databases that sort text by a language's rules (ICU en-US, the default of many servers), not by
/// code point: "client-002" before "Client-003" there, after it by code point. An interrupted replay over
/// two of them must still resume with every customer replayed exactly once.
/// </summary>
public class when_a_replay_over_two_databases_resumes : IAsyncLifetime
{
    private const string Schema = "eventcrm_replay_collation";
    private const int Customers = 600;
    private readonly string[] _databases = [TwoDatabases.OwnDatabaseNamed($"{Schema}_0"), TwoDatabases.OwnDatabaseNamed($"{Schema}_1")];
    private Alba.IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        await using (var connection = new NpgsqlConnection(Scaling.NodeProcess.TestDatabase()))
        {
            await connection.OpenAsync();
            foreach (var database in _databases)
            {
                var name = new NpgsqlConnectionStringBuilder(database).Database;
                foreach (var sql in new[] { $"drop database if exists {name} with (force)",
                             $"create database {name} template template0 locale 'C.UTF-8' locale_provider icu icu_locale 'en-US'" })
                {
                    await using var command = new NpgsqlCommand(sql, connection);
                    await command.ExecuteNonQueryAsync();
                }
            }
        }
        _host = await AppFixture.StartHost(Schema, ("Tenancy:Databases:0", _databases[0]), ("Tenancy:Databases:1", _databases[1]));
        // In en-US "Client-003" sorts between "client-002" and "client-004"; by code point, before every "client-".
        var ids = Enumerable.Range(0, Customers).Select(i => (i % 3 == 0 ? "Client" : "client") + $"-{i:000}");
        foreach (var chunk in ids.Chunk(100))
            await _host.PostTouchpoints(chunk.SelectMany(id => new[] { SignUp(id, Jan1), Purchase(id, Jan1.AddDays(3)) }).ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }
        foreach (var database in _databases) await TwoDatabases.DropAsync(database);
    }

    [Fact]
    public async Task every_customer_is_replayed_once()
    {
        var requests = _host.Services.GetRequiredService<ReplayRequests>();
        var engine = _host.Services.GetRequiredService<ReplayEngine>();
        string id;
        await using (var session = _host.Services.GetRequiredService<Marten.IDocumentStore>().LightweightSession())
        {
            var (run, _) = await requests.StartAsync(session, new("simple-clv", 0, new Dictionary<string, decimal> { ["lifetimeYears"] = 3m }), null, default);
            await session.SaveChangesAsync();
            id = run.Id;
        }
        using var crash = new CancellationTokenSource();

        // The first chunk of customers is written, then the process "dies".
        await Should.ThrowAsync<OperationCanceledException>(() => engine.RunAsync(id, _ => crash.Cancel(), crash.Token));
        await engine.RunAsync(id, null, default);

        var resumed = await _host.GetJson($"/api/replays/{id}");
        resumed["state"]!.GetValue<string>().ShouldBe("completed", resumed.ToJsonString());
        resumed["eventsDone"]!.GetValue<long>().ShouldBe(2 * Customers);
        (await _host.GetJson($"/api/replays/{id}/diff"))["customers"]!.GetValue<long>().ShouldBe(Customers);
    }
}
