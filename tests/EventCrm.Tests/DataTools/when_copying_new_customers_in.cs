using System.Text.Json;
using EventCrm.Host.Touchpoints;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.DataTools;

public sealed class CopyHost() : SchemaHost(CopyHost.SchemaName)
{
    public const string SchemaName = "eventcrm_copy";
}

/// <summary>
/// Imports start new customers' streams with binary COPY (NewStreamCopy) instead of Marten's
/// append: the rows, the profile and the audit seals must be what an append gives.
/// </summary>
public class when_copying_new_customers_in(CopyHost app) : IClassFixture<CopyHost>
{
    private static readonly DateTimeOffset Jan1 = new(2021, 1, 1, 9, 0, 0, TimeSpan.Zero);

    // Recorded out of business-time order on purpose: the support call is back-dated.
    private static IncomingTouchpoint[] History(string customer, string ids) =>
    [
        new(0, customer, new SignedUp($"{ids}-1", Jan1, "Ada Lovelace", "ada@example.com", "smb", "web", 80m)),
        new(1, customer, new PurchaseMade($"{ids}-2", Jan1.AddDays(3), "o-1", 120.50m, 36.15m, "rollers")),
        new(2, customer, new SupportCallLogged($"{ids}-3", Jan1.AddDays(1), 12, 9.5m, "question", true)),
        new(3, customer, new CustomerChurned($"{ids}-4", Jan1.AddDays(9), "moved")), // not a cancellation: no retention step joins the stream
    ];

    /// <summary>Every column of the stream's events but the ones that name it (ids, sequence, the touchpoint id in the payload).</summary>
    private async Task<List<string>> EventRows(string customer)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select concat_ws(' | ', e.version, e.type, e.mt_dotnet_type, (e.data - 'touchpointId')::text, e.correlation_id, coalesce(e.causation_id, '-'), " +
            "e.headers::text, e.tenant_id, e.is_archived, e.bdata is null, e.timestamp > now() - interval '5 minutes', " +
            "s.version, s.type is null, s.tenant_id, s.is_archived, s.timestamp > now() - interval '5 minutes') " +
            $"from {CopyHost.SchemaName}.mt_events e join {CopyHost.SchemaName}.mt_streams s on s.id = e.stream_id where e.stream_id = @s order by e.seq_id", connection);
        command.Parameters.AddWithValue("s", customer);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private async Task<string> Profile(string customer)
    {
        await using var session = app.Store.QuerySession();
        var profile = (await session.LoadAsync<CustomerProfile>(customer)).ShouldNotBeNull();
        (profile.LastRecordedAt > DateTimeOffset.UtcNow.AddMinutes(-5)).ShouldBeTrue();
        return JsonSerializer.Serialize(profile with { Id = "", LastRecordedAt = default });
    }

    [Fact]
    public async Task copied_streams_equal_appended_ones_event_for_event_with_their_metadata_profile_and_seals()
    {
        var appender = app.Host.Services.GetRequiredService<TouchpointAppender>();
        var context = new AppendContext("import", $"import-{Guid.NewGuid():N}", "cause-1");
        var (copied, appended, ids) = (Ids.Customer(), Ids.Customer(), Guid.NewGuid().ToString("N"));

        (await appender.AppendAsync(History(copied, $"c-{ids}"), context, default, copyNewStreams: true)).Appended.ShouldBe(4);
        (await appender.AppendAsync(History(appended, $"a-{ids}"), context, default)).Appended.ShouldBe(4);

        var rows = await EventRows(copied);
        rows.Count.ShouldBe(4);
        rows.ShouldBe(await EventRows(appended));
        (await Profile(copied)).ShouldBe(await Profile(appended));
        await app.Store.CatchUp();
        var audit = await app.Host.GetJson($"/api/customers/{copied}/audit");
        audit["valid"]!.GetValue<bool>().ShouldBeTrue();
        audit["checked"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public async Task a_batch_copies_only_new_customers_and_appends_to_existing_ones_and_sending_it_again_appends_nothing()
    {
        var appender = app.Host.Services.GetRequiredService<TouchpointAppender>();
        var context = new AppendContext("import", $"import-{Guid.NewGuid():N}");
        var (existing, fresh, ids) = (Ids.Customer(), Ids.Customer(), Guid.NewGuid().ToString("N"));
        (await appender.AppendAsync(History(existing, $"e-{ids}")[..1], context, default)).Appended.ShouldBe(1);

        IncomingTouchpoint[] batch = [.. History(existing, $"e-{ids}")[1..], .. History(fresh, $"f-{ids}")];
        (await appender.AppendAsync(batch, context, default, copyNewStreams: true)).Appended.ShouldBe(7);
        var again = await appender.AppendAsync(batch, context, default, copyNewStreams: true);

        again.Appended.ShouldBe(0);
        again.Repeated.ShouldBe(7);
        (await app.Store.EventCount(existing)).ShouldBe(4);
        (await app.Store.EventCount(fresh)).ShouldBe(4);
        await using var session = app.Store.QuerySession();
        (await session.LoadAsync<CustomerProfile>(existing))!.Version.ShouldBe(4);
        (await session.LoadAsync<CustomerProfile>(fresh))!.State.ShouldBe("churned");
    }
}
