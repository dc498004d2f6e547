using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Retention;

/// <summary>
/// A CRM where the desk works records the clients' answers to retention offers, and sends them as an
/// import file: the import reads a row as POST /api/touchpoints reads its object, so an answer needs
/// its offerId column (until 2026-12-05 the import named these types as valid, then refused
/// offerId as an unknown column, and every such row as lacking it).
/// </summary>
public class when_a_crm_sends_the_answers_to_retention_offers_in_an_import(ImportedAnswersHost retention) : IClassFixture<ImportedAnswersHost>
{
    private const string Header = "type,touchpointId,customerId,occurredAt,offerId";

    [Fact]
    public async Task an_accepted_offer_imported_retains_the_client_and_importing_it_again_appends_nothing()
    {
        var alpha = await RetentionClients.Alpha(retention.Host);
        await RetentionClients.RequestCancellation(retention.Host, alpha);
        var offerId = (await RetentionClients.Decision(retention.Host, alpha))["offer"]!["offerId"]!.GetValue<string>();
        var file = $"{Header}\nretention-offer-accepted,answer-{alpha},{alpha},{DateTimeOffset.UtcNow:O},{offerId}\n";

        var first = await retention.Host.PostImport(file, 201);
        var again = await retention.Host.PostImport(file, 200);

        first["imported"]!.GetValue<int>().ShouldBe(1);
        again["repeated"]!.GetValue<int>().ShouldBe(1);
        var timeline = await retention.Host.GetJson($"/api/customers/{alpha}/timeline");
        timeline["state"]!.GetValue<string>().ShouldBe("retained");
        timeline["entries"]!.AsArray().Count(e => e!["type"]!.GetValue<string>() == "retention-offer-accepted").ShouldBe(1);
    }

    [Fact]
    public async Task an_answer_to_an_offer_the_client_never_had_is_refused_by_its_line_and_nothing_is_appended()
    {
        var alpha = await RetentionClients.Alpha(retention.Host);
        var before = (await retention.Host.TimelineEntries(alpha)).Count;
        var file = $"{Header}\nretention-offer-declined,answer-{alpha},{alpha},{DateTimeOffset.UtcNow:O},no-such-offer\n";

        var refused = await retention.Host.PostImport(file, 422);

        refused["errors"]!["line 2"]!.AsArray().Single()!.GetValue<string>().ShouldContain("no-such-offer");
        (await retention.Host.TimelineEntries(alpha)).Count.ShouldBe(before);
    }
}
