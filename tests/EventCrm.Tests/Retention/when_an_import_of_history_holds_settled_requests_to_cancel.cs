using System.Text;
using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using EventCrm.Host.Retention;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Wolverine;

namespace EventCrm.Tests.Retention;

public sealed class HistoryImportHost() : SchemaHost("eventcrm_retention_history_import");

/// <summary>
/// A data team imports years of history (docs/import.md: each client's rows in time order) into a running service. A
/// request to cancel recorded long after it was made is history (Retention:RequestsAssessedWithin, a week by default):
/// the service records nothing for it and the desk's work list leaves it out, however far the daemon has read when the
/// rest of the file arrives. The scenarios import in two parts and let the daemon catch up in between, the moment at
/// which, before the rule, the daemon assessed the 2024 request as of today.
/// </summary>
public class when_an_import_of_history_holds_settled_requests_to_cancel(HistoryImportHost history) : IClassFixture<HistoryImportHost>
{
    private const string Header = "type,touchpointId,customerId,occurredAt,name,email,segment,acquisitionCost,orderId,amount,margin,category,reason,cancellationTouchpointId";

    [Fact]
    public async Task a_2024_request_withdrawn_further_down_the_file_imports_without_refusal_and_leaves_no_retention_event()
    {
        var client = Ids.Customer();
        var request = $"{client}-cancel";
        await ImportARequestOf2024WithNothingAfterIt(client);

        var rest = await history.Host.PostImport($"{Header}\ncancellation-withdrawn,{client}-stays,{client},2024-09-02T09:00:00Z,,,,,,,,,talked out of it,{request}\n", 201);

        rest["imported"]!.GetValue<int>().ShouldBe(1);
        // The file's five rows and nothing else: signup, two purchases, the request, its withdrawal.
        (await Types(client)).ShouldBe(["signed-up", "purchase", "purchase", "cancellation-requested", "cancellation-withdrawn"]);
        (await history.Host.GetJson($"/api/customers/{client}"))["state"]!.GetValue<string>().ShouldBe("active");
    }

    [Fact]
    public async Task a_2024_request_with_nothing_after_it_is_not_assessed_and_not_on_the_desks_work_list()
    {
        var client = Ids.Customer();
        await ImportARequestOf2024WithNothingAfterIt(client);

        (await Types(client)).ShouldBe(["signed-up", "purchase", "purchase", "cancellation-requested"]);
        (await history.Host.GetJson($"/api/customers/{client}"))["state"]!.GetValue<string>().ShouldBe("cancellation-requested");
        (await WorkList()).ShouldNotContain(client);
        // Said so to whoever opens the client: never "assessing", a decision the service will not make.
        var pending = (await history.Host.GetJson($"/api/customers/{client}/retention"))["pending"]!;
        pending["decision"]!.GetValue<string>().ShouldBe("not-assessed");
        pending["why"]!.GetValue<string>().ShouldStartWith("The request was recorded more than 7 days after it happened");
        // In the words of the desk's two buttons: "the client's churn, or its withdrawal" named neither (until 2026-12-07).
        pending["why"]!.GetValue<string>().ShouldEndWith("Record how it ended: “The client left” or “Client stays” (the desk's buttons).");
    }

    [Fact]
    public async Task a_request_from_the_history_is_settled_by_the_clients_churn_naming_it()
    {
        var client = Ids.Customer();
        await ImportARequestOf2024WithNothingAfterIt(client);

        await history.Host.PostTouchpoints(new Dictionary<string, object?>
        {
            ["type"] = "churned", ["customerId"] = client, ["cancellationTouchpointId"] = $"{client}-cancel",
            ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-1), ["touchpointId"] = $"{client}-left", ["reason"] = "left: request from the history",
        });

        var retention = await history.Host.GetJson($"/api/customers/{client}/retention");
        retention["state"]!.GetValue<string>().ShouldBe("churned");
        retention["pending"].ShouldBeNull();
    }

    [Fact]
    public async Task a_request_recorded_six_days_after_it_was_made_is_assessed_and_one_eight_days_after_is_not()
    {
        // The default bound is 7 days between a request's occurredAt and its recording: 6 days is within it, 8 beyond.
        var (recent, old) = (Ids.Customer(), Ids.Customer());
        var now = DateTimeOffset.UtcNow;
        await ImportThenLetTheDaemonCatchUp($"""
            {Header}
            {History(recent)}
            cancellation-requested,{recent}-cancel,{recent},{now.AddDays(-6):O},,,,,,,,,too expensive,
            {History(old)}
            cancellation-requested,{old}-cancel,{old},{now.AddDays(-8):O},,,,,,,,,too expensive,

            """);

        // The recent one got a decision (any: the rule is about whether it is assessed, not how).
        (await Types(recent)).Count(t => t is "retention-offer-made" or "retention-not-offered").ShouldBe(1);
        (await WorkList()).ShouldContain(recent);
        (await Types(old)).ShouldBe(["signed-up", "purchase", "purchase", "cancellation-requested"]);
        (await WorkList()).ShouldNotContain(old);
    }

    [Fact]
    public async Task an_assessment_of_a_2024_request_already_queued_records_nothing()
    {
        // As one the daemon published before the rule (or an operator sends by hand): the desk applies the rule too.
        var client = Ids.Customer();
        var request = $"{client}-cancel";
        await ImportARequestOf2024WithNothingAfterIt(client);

        using (var scope = history.Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().PublishAsync(new AssessCancellation(client, request));
        await Waits.Until(async () => await AssessmentsOf(request, handled: true) > 0 && await AssessmentsOf(request, handled: false) == 0,
            TimeSpan.FromSeconds(60));

        (await Types(client)).ShouldBe(["signed-up", "purchase", "purchase", "cancellation-requested"]);
    }

    /// <summary>A client of 2023-2024: signed up, two purchases.</summary>
    private static string History(string client) => $"""
        signed-up,{client}-1,{client},2023-01-10T09:00:00Z,Ada,{client}@example.com,enterprise,0,,,,,,
        purchase,{client}-2,{client},2023-06-01T09:00:00Z,,,,,{client}-o1,20000,8000,rollers,,
        purchase,{client}-3,{client},2024-03-01T09:00:00Z,,,,,{client}-o2,20000,8000,rollers,,
        """;

    /// <summary>
    /// Imports the file, then waits until the daemon has read it all and every assessment it published has run. A live
    /// request imported with it (a client asking a minute ago) is assessed, and its decision seen, before the wait
    /// for the inbox to empty: the assessments published with the file's rows are then in the inbox, not on their way.
    /// </summary>
    /// <summary>The client's history, then its request to cancel of 2024 ("{client}-cancel") and nothing after it.</summary>
    private Task ImportARequestOf2024WithNothingAfterIt(string client) => ImportThenLetTheDaemonCatchUp($"""
        {Header}
        {History(client)}
        cancellation-requested,{client}-cancel,{client},2024-08-18T09:00:00Z,,,,,,,,,too expensive,

        """);

    private async Task ImportThenLetTheDaemonCatchUp(string file)
    {
        var live = Ids.Customer();
        var withLive = new StringBuilder(file)
            .Append($"signed-up,{live}-1,{live},{DateTimeOffset.UtcNow.AddDays(-30):O},Bo,{live}@example.com,smb,0,,,,,,\n")
            .Append($"cancellation-requested,{live}-cancel,{live},{DateTimeOffset.UtcNow.AddMinutes(-1):O},,,,,,,,,too expensive,\n")
            .ToString();
        await history.Host.PostImport(withLive, 201);
        await history.Store.CatchUp();
        (await RetentionClients.Decision(history.Host, live))["decision"]!.GetValue<string>().ShouldBe("no-offer");
        await Waits.Until(async () => await AssessmentsWaiting() == 0, TimeSpan.FromSeconds(60));
    }

    private async Task<long> AssessmentsWaiting()
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {history.Schema}.wolverine_incoming_envelopes " +
            "where message_type = 'EventCrm.Host.Retention.AssessCancellation' and status <> 'Handled'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> AssessmentsOf(string request, bool handled)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {history.Schema}.wolverine_incoming_envelopes where message_type = 'EventCrm.Host.Retention.AssessCancellation' " +
            "and position(convert_to(@request, 'UTF8') in body) > 0 and (status = 'Handled') = @handled", connection);
        command.Parameters.AddWithValue("request", request);
        command.Parameters.AddWithValue("handled", handled);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> Types(string client) =>
        (await history.Host.TimelineEntries(client)).Select(e => e!["type"]!.GetValue<string>()).ToList();

    private async Task<List<string>> WorkList() =>
        (await history.Host.GetJson("/api/retention/pending?pageSize=200"))["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ToList();
}
