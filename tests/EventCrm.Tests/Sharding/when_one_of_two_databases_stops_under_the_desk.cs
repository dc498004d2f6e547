using EventCrm.Host.Reliability;
using EventCrm.Host.Retention;
using EventCrm.Host.Sharding;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Retention;
using EventCrm.Tests.Scaling;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shouldly;
using Wolverine;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// Customers over two databases, the second one a private cluster the scenario stops under the running
/// Host, as an operator stopped one. A desk step of a customer of the first database, which stays up,
/// still asks the second (a touchpoint id is looked up in every database): it failed, Wolverine moved it
/// to its dead letters at once, and the client's offer stayed unexpired for good, also once the database
/// was back. Now the step runs again later (<see cref="DatabaseOutageMessageRetries"/>) and records the
/// expiry once both databases answer; the log names the database that was out, by its id and host:port.
/// </summary>
[Collection(FaultScenarios.Name)]
public class when_one_of_two_databases_stops_under_the_desk
{
    private const string Schema = "eventcrm_desk_outage";

    [Fact]
    public async Task a_step_of_a_customer_of_the_other_database_waits_for_it_and_is_recorded_once_it_is_back()
    {
        PrivateCluster.FindBinaries().ShouldNotBeNull("this scenario runs its own PostgreSQL cluster: ./eventcrm test installs the server binaries");
        await using var second = await PrivateCluster.Create();
        var first = TwoDatabases.DatabaseNamed($"{new NpgsqlConnectionStringBuilder(NodeProcess.TestDatabase()).Database}_desk_outage_0");
        await TwoDatabases.RecreateAsync(first);
        var logs = new CapturedLogs();
        var host = await AppFixture.StartHost(Schema, logs, ("Tenancy:Databases:0", first), ("Tenancy:Databases:1", second.ConnectionString),
            // An offer that would run for an hour: its expiry below is the one the scenario sends.
            ("Retention:OfferLifetime", "01:00:00"));
        try
        {
            // A client worth an offer (RetentionClients.Alpha), of the first database.
            var alpha = Enumerable.Range(0, 1000).Select(_ => Ids.Customer()).First(id => CustomerShardRule.DatabaseOf(id, 2) == 0);
            await RetentionClients.Alpha(host, margin: 800m, id: alpha);
            await RetentionClients.RequestCancellation(host, alpha);
            var offer = (await RetentionClients.Decision(host, alpha))["offer"]!["offerId"]!.GetValue<string>();

            var mark = logs.Mark();
            await second.Stop();
            using (var scope = host.Services.CreateScope())
                await scope.ServiceProvider.GetRequiredService<IMessageBus>()
                    .PublishAsync(new ExpireRetentionOffer(alpha, offer), new DeliveryOptions { TenantId = TenancySettings.TenantIdOf(0) });
            // The expiry meets the stopped database (a retry scheduled, or, before the fix, a dead letter).
            await Waits.Until(async () => await Count(first, "wolverine_incoming_envelopes", "attempts >= 1") + await Count(first, "wolverine_dead_letters") > 0,
                TimeSpan.FromSeconds(30));
            // db1 comes back once the log has named it as out: at once when the error names its address ("Failed to connect
            // to 127.0.0.1:port"), else at the watch's first ping (57P01 "terminating connection" names none). Started
            // before that ping, it answered it, and the outage ended as "a database of Tenancy:Databases", named by no line.
            var named = $"database db1 of Tenancy:Databases (127.0.0.1:{second.Port})";
            await LineOfTheOutage(logs, mark, e => e.Level == LogLevel.Warning && e.Message.Contains(named, StringComparison.OrdinalIgnoreCase),
                $"a warning naming {named}");
            await second.Start();

            // The first retry comes 5 s after the failure: well within the wait, were it a minute late.
            string state;
            for (var deadline = DateTime.UtcNow.AddSeconds(90); ; await Task.Delay(500))
            {
                state = (await host.GetJson($"/api/customers/{alpha}/retention"))["state"]!.GetValue<string>();
                if (state == "churned" || DateTime.UtcNow > deadline) break;
            }
            state.ShouldBe("churned", "the offer's expiry was not recorded once the database was back");
            (await Count(first, "wolverine_dead_letters")).ShouldBe(0);

            // Named as out above, db1 is named as back, once the watch has looked again (it may do so after the retry).
            var back = $"Database db1 of Tenancy:Databases (127.0.0.1:{second.Port}) answers again";
            await LineOfTheOutage(logs, mark, e => e.Level == LogLevel.Information && e.Message.StartsWith(back, StringComparison.Ordinal), $"\"{back}\"");
        }
        finally
        {
            await host.StopAsync();
            await host.DisposeAsync();
            await TwoDatabases.DropAsync(first);
        }
    }

    /// <summary>
    /// Waits for a line of the outage log: the watch writes some of them at its own pace (once a second, a ping waiting 3 s
    /// at most). Fails naming what was awaited, with the lines written.
    /// </summary>
    private static async Task LineOfTheOutage(CapturedLogs logs, int mark, Func<CapturedLogs.Entry, bool> wanted, string what)
    {
        List<CapturedLogs.Entry> Lines() => logs.Since(mark).Where(e => e.Category == typeof(DatabaseOutageLog).FullName).ToList();
        try
        {
            await Waits.Until(() => Lines().Any(wanted), TimeSpan.FromSeconds(30));
        }
        catch (ShouldAssertException)
        {
            throw new ShouldAssertException($"no line of the outage log was {what} within 30 s; its lines:{Environment.NewLine}" +
                string.Join(Environment.NewLine, Lines().Select(e => e.Message)));
        }
    }

    /// <summary>Messages of the expiry in one of Wolverine's tables of the first database.</summary>
    private static async Task<long> Count(string database, string table, string condition = "true")
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {Schema}.{table} where message_type = 'EventCrm.Host.Retention.ExpireRetentionOffer' and {condition}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
