using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using Weasel.Core;

namespace EventCrm.Tests.DataTools;

public sealed class ReadingHost() : SchemaHost(ReadingHost.SchemaName)
{
    public const string SchemaName = "eventcrm_reading";
}

/// <summary>
/// Touchpoints are read from their JSON straight into their constructors, not through System.Text.Json's
/// boxed arguments. The objects must be the ones written, field for field, and anything unusual in
/// a payload must end where System.Text.Json ends it.
/// </summary>
public class when_reading_touchpoints_from_the_log(ReadingHost app) : IClassFixture<ReadingHost>
{
    private static readonly DateTimeOffset At = new(2025, 3, 14, 9, 26, 53, 589, TimeSpan.FromHours(1));

    /// <summary>One of each kind, every field set, the optional texts both given and left out.</summary>
    public static IEnumerable<TheoryDataRow<ITouchpoint>> EveryKind() =>
    [
        new LeadCaptured("t-1", At, "Ada Lovelace", "ada@example.com", null),
        new LeadCaptured("t-2", At, "Ada \"Countess\" Lovelace", "ada@example.com", "fair, stand 12 \u00e9t\u00e9"),
        new SignedUp("t-3", At, "Ada", "ada@example.com", "smb", "web", 120.50m),
        new SignedUp("t-4", At, "Ada", "ada@example.com", "smb", null, 0m),
        new PurchaseMade("t-5", At, "o-1", 1234.5678m, 0.01m, "books"),
        new PurchaseRefunded("t-6", At, "o-1", 99.99m, -3.5m),
        new SupportCallLogged("t-7", At, 17, 25m, "billing", true),
        new SupportCallLogged("t-8", At, 0, 0m, null, false),
        new VisitMade("t-9", At, 80m, null),
        new PromotionOffered("t-10", At, "p-1", 5m),
        new PromotionAccepted("t-11", At, "p-1", 12.25m),
        new PromotionDeclined("t-12", At, "p-1"),
        new CancellationRequested("t-13", At, "too expensive"),
        new CustomerChurned("t-14", At, null),
        new RetentionOfferMade("t-15", At, "t-13", "offer-1", 50m, 30m, At.AddDays(7), "value-tier",
            new Dictionary<string, decimal> { ["currentValue"] = 1440.25m, ["tierRate"] = 0.1m }),
        new RetentionNotOffered("t-16", At, "t-13", "low value", "value-tier", new Dictionary<string, decimal>()),
        new RetentionOfferAccepted("t-17", At, "offer-1"),
        new RetentionOfferDeclined("t-18", At, "offer-1"),
        new RetentionOfferExpired("t-19", At, "offer-1"),
    ];

    private static BufferedRowSerializer Serializer() => new() { EnumStorage = EnumStorage.AsString, Casing = Casing.CamelCase };

    private static MemoryStream Jsonb(string json) => new([1, .. Encoding.UTF8.GetBytes(json)], writable: false);

    [Fact]
    public void every_kind_of_touchpoint_takes_the_direct_path()
    {
        foreach (var type in TouchpointTypes.ByName.Values)
            PositionalRecordReader.For(type, JsonNamingPolicy.CamelCase).ShouldNotBeNull(type.Name);
    }

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void a_touchpoint_reads_back_as_it_was_written(ITouchpoint written)
    {
        var json = Serializer().ToJson(written);

        PositionalRecordReader.For(written.GetType(), JsonNamingPolicy.CamelCase)!
            .TryRead(Encoding.UTF8.GetBytes(json), out var direct).ShouldBeTrue();
        direct.ShouldBeEquivalentTo(written);
        Serializer().FromJson(written.GetType(), Jsonb(json)).ShouldBeEquivalentTo(written);
    }

    [Fact]
    public void properties_it_does_not_know_are_skipped_and_missing_ones_left_empty()
    {
        const string json = """{"note":{"a":[1,2,{"b":null}]},"touchpointId":"t-1","occurredAt":"2025-03-14T09:26:53.589+01:00","orderId":"o-1","amount":10}""";

        Serializer().FromJson(typeof(PurchaseMade), Jsonb(json))
            .ShouldBeEquivalentTo(new PurchaseMade("t-1", At, "o-1", 10m, 0m, null!));
    }

    [Theory]
    [InlineData("""{"touchpoint\u0049d":"t-1","occurredAt":"2025-03-14T09:26:53.589+01:00","orderId":"o-1","amount":10,"margin":2,"category":"books"}""")]
    [InlineData("""{"touchpointId":"t-0","touchpointId":"t-1","occurredAt":"2025-03-14T09:26:53.589+01:00","orderId":"o-1","amount":10,"margin":2,"category":"books"}""")]
    public void an_unusual_payload_is_left_to_system_text_json_which_reads_it_as_before(string json)
    {
        PositionalRecordReader.For(typeof(PurchaseMade), JsonNamingPolicy.CamelCase)!.TryRead(Encoding.UTF8.GetBytes(json), out _).ShouldBeFalse();

        Serializer().FromJson(typeof(PurchaseMade), Jsonb(json))
            .ShouldBeEquivalentTo(new PurchaseMade("t-1", At, "o-1", 10m, 2m, "books"));
    }

    [Theory]
    [InlineData("""{"touchpointId":"t-1","occurredAt":"2025-03-14T09:26:53.589+01:00","orderId":"o-1","amount":"10","margin":2,"category":"books"}""")]
    [InlineData("""{"touchpointId":"t-1","occurredAt":"yesterday","orderId":"o-1","amount":10,"margin":2,"category":"books"}""")]
    [InlineData("""{"touchpointId":"t-1","occurredAt":"2025-03-14T09:26:53.589+01:00","orderId":"o-1","amount":null,"margin":2,"category":"books"}""")]
    [InlineData("""{"touchpointId":"t-1","occurredAt":"2025-03-14T09:26:53.589+01:00","orderId":"o-1","amount":10,"margin":2,"category":"books"} {}""")]
    public void a_payload_system_text_json_refuses_is_still_refused(string json)
    {
        PositionalRecordReader.For(typeof(PurchaseMade), JsonNamingPolicy.CamelCase)!.TryRead(Encoding.UTF8.GetBytes(json), out _).ShouldBeFalse();

        Should.Throw<JsonException>(() => Serializer().FromJson(typeof(PurchaseMade), Jsonb(json)));
    }

    [Fact]
    public async Task touchpoints_appended_to_the_store_load_back_as_they_were_written()
    {
        var customer = $"reader-{Guid.NewGuid():N}";
        var written = EveryKind().Select(row => row.Data).ToList();
        await using (var session = app.Store.LightweightSession())
        {
            session.Events.StartStream(customer, written.Cast<object>().ToArray());
            await session.SaveChangesAsync();
        }

        await using var query = app.Store.QuerySession();
        var loaded = await query.Events.FetchStreamAsync(customer);

        // jsonb orders an object's keys its own way, so the maps compare as JSON objects, unordered.
        loaded.Select(e => e.Data.GetType()).ShouldBe(written.Select(w => w.GetType()));
        for (var i = 0; i < written.Count; i++)
            JsonNode.DeepEquals(JsonNode.Parse(Serializer().ToJson(loaded[i].Data)), JsonNode.Parse(Serializer().ToJson(written[i]))).ShouldBeTrue(written[i].ToString());
    }
}
