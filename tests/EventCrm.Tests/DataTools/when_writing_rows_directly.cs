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
/// The appender writes Marten's rows itself (StreamRows) instead of calling Marten's append:
/// the events, the streams, the profile and the audit seals must be what Marten's own append
/// (the path Wolverine handlers stage into their session) gives, for new and existing customers.
/// </summary>
public class when_writing_rows_directly(CopyHost app) : IClassFixture<CopyHost>
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

    private async Task AppendThroughMarten(IReadOnlyList<IncomingTouchpoint> batch, AppendContext context)
    {
        var appender = app.Host.Services.GetRequiredService<TouchpointAppender>();
        await using var session = app.Store.LightweightSession();
        session.CorrelationId = context.CorrelationId;
        session.CausationId = context.CausationId;
        session.SetHeader(AppendContext.AppendedByHeader, context.AppendedBy);
        (await appender.StageAsync(session, batch, default)).Appended.ShouldBe(batch.Count);
        await session.SaveChangesAsync();
    }

    [Theory]
    [InlineData(0)] // the whole history starts a new stream
    [InlineData(1)] // the signup first, then the rest to an existing stream
    public async Task written_streams_equal_martens_event_for_event_with_their_metadata_profile_and_seals(int alreadyThere)
    {
        var appender = app.Host.Services.GetRequiredService<TouchpointAppender>();
        var context = new AppendContext("import", $"import-{Guid.NewGuid():N}", "cause-1");
        var (direct, marten, ids) = (Ids.Customer(), Ids.Customer(), Guid.NewGuid().ToString("N"));
        var (directHistory, martenHistory) = (History(direct, $"d-{ids}"), History(marten, $"m-{ids}"));
        if (alreadyThere > 0)
        {
            await AppendThroughMarten(directHistory[..alreadyThere], context);
            await AppendThroughMarten(martenHistory[..alreadyThere], context);
        }

        (await appender.AppendAsync(directHistory[alreadyThere..], context, default)).Appended.ShouldBe(4 - alreadyThere);
        await AppendThroughMarten(martenHistory[alreadyThere..], context);

        var rows = await EventRows(direct);
        rows.Count.ShouldBe(4);
        rows.ShouldBe(await EventRows(marten));
        (await Profile(direct)).ShouldBe(await Profile(marten));
        (await ProfileRow(direct)).ShouldBe(await ProfileRow(marten));
        await app.Store.CatchUp();
        var audit = await app.Host.GetJson($"/api/customers/{direct}/audit");
        audit["valid"]!.GetValue<bool>().ShouldBeTrue();
        audit["checked"]!.GetValue<int>().ShouldBe(4);
    }

    [Theory]
    [InlineData(0)] // a new customer: the stream row is inserted
    [InlineData(1)] // an existing one: the stream row is updated
    public async Task an_appends_knowledge_time_is_its_transactions_time_in_the_events_the_stream_and_the_profile(int alreadyThere)
    {
        var appender = app.Host.Services.GetRequiredService<TouchpointAppender>();
        var context = new AppendContext("import", $"import-{Guid.NewGuid():N}", "cause-2");
        var customer = Ids.Customer();
        var history = History(customer, $"k-{Guid.NewGuid():N}");
        if (alreadyThere > 0) (await appender.AppendAsync(history[..alreadyThere], context, default)).Appended.ShouldBe(alreadyThere);

        (await appender.AppendAsync(history[alreadyThere..], context, default)).Appended.ShouldBe(4 - alreadyThere);

        // The stream row's timestamp is PostgreSQL's now(): the start of the transaction that wrote it last.
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select s.timestamp, array_agg(e.timestamp order by e.version) from {CopyHost.SchemaName}.mt_streams s " +
            $"join {CopyHost.SchemaName}.mt_events e on e.stream_id = s.id where s.id = @s and e.version > @before group by s.timestamp", connection);
        command.Parameters.AddWithValue("s", customer);
        command.Parameters.AddWithValue("before", (long)alreadyThere);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        var transactionTime = reader.GetFieldValue<DateTimeOffset>(0);
        reader.GetFieldValue<DateTimeOffset[]>(1).ShouldBe(Enumerable.Repeat(transactionTime, 4 - alreadyThere));
        await using var session = app.Store.QuerySession();
        (await session.LoadAsync<CustomerProfile>(customer))!.LastRecordedAt.ShouldBe(transactionTime);
    }

    /// <summary>The profile document's own columns (version, type, search text, age), as Marten keeps them.</summary>
    private static async Task<string> ProfileRow(string customer)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select concat_ws(' | ', mt_version, mt_dotnet_type, search_text, mt_last_modified > now() - interval '5 minutes') " +
            $"from {CopyHost.SchemaName}.mt_doc_customerprofile where id = @c", connection);
        command.Parameters.AddWithValue("c", customer);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_batch_of_new_and_existing_customers_sent_again_appends_nothing()
    {
        var appender = app.Host.Services.GetRequiredService<TouchpointAppender>();
        var context = new AppendContext("import", $"import-{Guid.NewGuid():N}", "cause-3");
        var (existing, fresh, ids) = (Ids.Customer(), Ids.Customer(), Guid.NewGuid().ToString("N"));
        (await appender.AppendAsync(History(existing, $"e-{ids}")[..1], context, default)).Appended.ShouldBe(1);

        IncomingTouchpoint[] batch = [.. History(existing, $"e-{ids}")[1..], .. History(fresh, $"f-{ids}")];
        (await appender.AppendAsync(batch, context, default)).Appended.ShouldBe(7);
        var again = await appender.AppendAsync(batch, context, default);

        again.Appended.ShouldBe(0);
        again.Repeated.ShouldBe(7);
        (await app.Store.EventCount(existing)).ShouldBe(4);
        (await app.Store.EventCount(fresh)).ShouldBe(4);
        await using var session = app.Store.QuerySession();
        (await session.LoadAsync<CustomerProfile>(existing))!.Version.ShouldBe(4);
        (await session.LoadAsync<CustomerProfile>(fresh))!.State.ShouldBe("churned");
    }
}
