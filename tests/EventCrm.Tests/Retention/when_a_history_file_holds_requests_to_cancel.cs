using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Retention;

public sealed class CancellationHistoryHost() : SchemaHost("eventcrm_retention_history");

/// <summary>
/// An import is decided as posts are: a request to cancel dated after the client churned has
/// nothing to cancel, and a withdrawal of a pending request keeps the client, line by line.
/// </summary>
public class when_a_history_file_holds_requests_to_cancel(CancellationHistoryHost retention) : IClassFixture<CancellationHistoryHost>
{
    private const string Header = "type,touchpointId,customerId,occurredAt,name,email,segment,acquisitionCost,orderId,amount,margin,category,reason,cancellationTouchpointId";

    [Fact]
    public async Task a_request_dated_after_the_client_churned_is_refused_by_its_line_and_nothing_is_appended()
    {
        var client = Ids.Customer();
        var file = $"""
            {Header}
            signed-up,{client}-1,{client},2024-01-01T09:00:00Z,Ada,ada@example.com,smb,50,,,,,,
            purchase,{client}-2,{client},2024-02-01T09:00:00Z,,,,,o-1,100,30,rollers,,
            churned,{client}-3,{client},2024-06-01T09:00:00Z,,,,,,,,,moved away,
            cancellation-requested,{client}-4,{client},2024-07-01T09:00:00Z,,,,,,,,,too expensive,

            """;

        var refused = await retention.Host.PostImport(file, 422);

        refused["errors"]!["line 5"]!.AsArray().Single()!.GetValue<string>().ShouldContain($"customer '{client}' has churned: there is nothing to cancel");
        await retention.Host.GetJson($"/api/customers/{client}", 404);
    }

    [Fact]
    public async Task a_withdrawal_of_the_pending_request_keeps_the_client_active()
    {
        var beta = await RetentionClients.Beta(retention.Host);
        await RetentionClients.RequestCancellation(retention.Host, beta);
        var pending = await RetentionClients.Decision(retention.Host, beta);
        pending["decision"]!.GetValue<string>().ShouldBe("no-offer");
        var request = pending["cancellationTouchpointId"]!.GetValue<string>();

        var imported = await retention.Host.PostImport($"{Header}\ncancellation-withdrawn,stay-{beta},{beta},{DateTimeOffset.UtcNow:O},,,,,,,,,changed their mind,{request}\n", 201);

        imported["imported"]!.GetValue<int>().ShouldBe(1);
        (await retention.Host.GetJson($"/api/customers/{beta}"))["state"]!.GetValue<string>().ShouldBe("active");
    }
}
