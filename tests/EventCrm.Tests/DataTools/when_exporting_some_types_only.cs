using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>types names what a customer stream holds; the service's own event types can never be exported, so they are not types to ask for.</summary>
public class when_exporting_some_types_only(AppFixture app)
{
    private async Task<(int Status, string Body)> Export(string types)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/events?customerId=nobody&types={types}");
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, await result.ReadAsTextAsync());
    }

    [Theory]
    [InlineData("formula-version-registered")]
    [InlineData("formula-put-in-force")]
    [InlineData("portfolio-model-fitted")]
    [InlineData("demo-seeding-started")]
    [InlineData("archived")]
    public async Task a_type_of_the_service_s_own_streams_is_400(string type)
    {
        var (status, body) = await Export(type);

        status.ShouldBe(400);
        JsonNode.Parse(body)!["errors"]!["types"]![0]!.GetValue<string>().ShouldStartWith($"unknown event type(s) '{type}'");
    }

    [Fact]
    public async Task the_refusal_lists_exactly_the_customer_stream_types()
    {
        var (_, body) = await Export("purchse");

        var listed = JsonNode.Parse(body)!["errors"]!["types"]![0]!.GetValue<string>().Split("expected some of: ")[1].Split(", ");
        listed.ShouldBe([
            "cancellation-requested", "cancellation-withdrawn", "churned", "lead-captured", "personal-data-erased", "promotion-accepted", "promotion-declined",
            "promotion-offered", "purchase", "refund", "retention-not-offered", "retention-offer-accepted", "retention-offer-declined",
            "retention-offer-expired", "retention-offer-made", "signed-up", "support-call", "visit",
        ]);
    }

    [Theory]
    [InlineData("purchase")]
    [InlineData("personal-data-erased")]
    [InlineData("retention-offer-made,churned")]
    public async Task a_customer_stream_type_is_accepted(string types) => (await Export(types)).Status.ShouldBe(200);
}
