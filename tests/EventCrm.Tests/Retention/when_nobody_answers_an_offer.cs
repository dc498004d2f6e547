using EventCrm.Tests.Support;
using Marten;
using Shouldly;

namespace EventCrm.Tests.Retention;

public class when_nobody_answers_an_offer
{
    private const string Schema = "eventcrm_retention_expiry";
    private static readonly (string, string) ShortLifetime = ("Retention:OfferLifetime", "00:00:06");

    [Fact]
    public async Task the_offer_expires_once_after_its_lifetime_even_across_a_restart_and_the_client_churns()
    {
        string alpha;
        await using (var first = await AppFixture.StartHost(Schema, ShortLifetime))
        {
            await first.ResetAllData();
            alpha = await RetentionClients.Alpha(first);
            await RetentionClients.RequestCancellation(first, alpha);
            (await RetentionClients.Decision(first, alpha))["decision"]!.GetValue<string>().ShouldBe("offer-made");
            await first.StopAsync();
        }

        await using var restarted = await AppFixture.StartHost(Schema, ShortLifetime);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string[] types;
        do
        {
            await Task.Delay(500);
            types = (await restarted.TimelineEntries(alpha)).Select(e => e!["type"]!.GetValue<string>()).ToArray();
        } while (!types.Contains("churned") && DateTime.UtcNow < deadline);

        types.TakeLast(3).ShouldBe(["retention-offer-made", "retention-offer-expired", "churned"]);
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await restarted.TimelineEntries(alpha)).Count(e => e!["type"]!.GetValue<string>() == "retention-offer-expired").ShouldBe(1);
        (await restarted.GetJson($"/api/customers/{alpha}"))["state"]!.GetValue<string>().ShouldBe("churned");
    }
}
