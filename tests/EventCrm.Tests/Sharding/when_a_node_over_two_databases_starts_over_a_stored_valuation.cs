using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Portfolio;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Portfolio.StoredValuationNodes;

namespace EventCrm.Tests.Sharding;

public sealed class ShardedStoredValuation() : TwoDatabases("eventcrm_sharded_stored");

// The stored valuation lives in the home database only, while the customers, their names and their erasure horizons are
// spread over both: a node starting over it must name the customers of either database, and answer what the node that
// stored it answered.
public class when_a_node_over_two_databases_starts_over_a_stored_valuation(ShardedStoredValuation bases) : IClassFixture<ShardedStoredValuation>
{
    [Fact]
    public async Task its_first_answers_are_the_storing_nodes_with_the_customers_of_both_databases_named()
    {
        (string, string)[] overBoth = [("Tenancy:Databases:0", bases.Databases[0]), ("Tenancy:Databases:1", bases.Databases[1])];
        await using var first = await AppFixture.StartHost(bases.Schema, [.. overBoth, .. FirstNode]);
        var valued = await ValuedAndStoredAsync(first);
        var expected = await AnswersOf(first);

        await using var second = await AppFixture.StartHost(bases.Schema, [.. overBoth, .. SecondNode("00:00:30")]);
        Dictionary<string, string> answered;
        await using (await LedgersLockedIn(bases.Databases))
        {
            answered = await AnswersOf(second);
            second.Services.GetRequiredService<PortfolioBase>().LastReads.ShouldBeNull("its own valuation is held in both databases");
        }

        foreach (var (route, answer) in expected) answered[route].ShouldBe(answer, route);
        AsOfIn(answered["/api/portfolio/pareto"]).ShouldBe(valued.AsOf);
        // Every customer of the history was named "Client <letter><index>" when it signed up, whichever database holds it.
        var named = ValueQuadrantPages(answered).SelectMany(page => page["customers"]!.AsArray())
            .ToDictionary(c => c!["customerId"]!.GetValue<string>(), c => c!["name"]?.GetValue<string>());
        var holders = new[] { await bases.StreamsIn(bases.Databases[0]), await bases.StreamsIn(bases.Databases[1]) };
        foreach (var streams in holders) named.Keys.Intersect(streams).ShouldNotBeEmpty("each database has customers in the quadrants");
        foreach (var (id, name) in named)
        {
            var i = bases.Customers.ToList().IndexOf(id);
            name.ShouldBe($"Client {(char)('A' + i)}{i:00}", id);
        }
    }

    private static IEnumerable<JsonNode> ValueQuadrantPages(Dictionary<string, string> answers) =>
        answers.Where(a => a.Key.StartsWith("/api/portfolio/segments/", StringComparison.Ordinal)).Select(a => JsonNode.Parse(a.Value)!);

    /// <summary>The ledgers' table locked against every reader in each database, so no node can value the base meanwhile.</summary>
    private async Task<IAsyncDisposable> LedgersLockedIn(string[] databases)
    {
        var locks = new List<NpgsqlConnection>();
        foreach (var database in databases)
        {
            var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"begin; lock table {bases.Schema}.mt_doc_customerledger in access exclusive mode", connection);
            await command.ExecuteNonQueryAsync();
            locks.Add(connection);
        }
        return new LocksLetGo(locks);
    }

    private sealed class LocksLetGo(List<NpgsqlConnection> connections) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var connection in connections)
            {
                await using (var rollback = new NpgsqlCommand("rollback", connection)) await rollback.ExecuteNonQueryAsync();
                await connection.DisposeAsync();
            }
        }
    }
}
