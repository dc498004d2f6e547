using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Imports;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace EventCrm.Tests.DataTools;

public class when_importing_a_history_file(AppFixture app)
{
    private async Task<JsonNode> Import(HistoryFile file, int status, bool skipInvalid = false, string? key = null)
    {
        var result = await app.Host.Scenario(s =>
        {
            var post = s.Post.Text(file.ToString()).ToUrl("/api/imports");
            if (skipInvalid) post.QueryString("skipInvalid", "true");
            s.WithRequestHeader("Content-Type", "text/csv");
            if (key is not null) s.WithRequestHeader(AppFixture.ApiKeyHeader, key);
            s.StatusCodeShouldBe(status);
        });
        var text = await result.ReadAsTextAsync();
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Imports the file while a rival signs the customer up through the API, once the first batch is in.</summary>
    private async Task<ImportReport> ImportWhileARivalSignsUp(string path, string rival)
    {
        var rivalPosted = false;
        return await app.Host.Services.GetRequiredService<TouchpointImport>().RunAsync(path, skipInvalid: false, (phase, _) =>
        {
            if (phase != ImportPhase.Appending || rivalPosted) return;
            rivalPosted = true;
            app.Host.PostTouchpoints(Touchpoint.SignUp(rival, Touchpoint.Jan1)).GetAwaiter().GetResult();
        }, CancellationToken.None);
    }

    [Fact]
    public async Task rows_become_back_dated_touchpoints_and_importing_the_file_again_appends_nothing()
    {
        var customer = Ids.Customer();
        var file = new HistoryFile()
            .SignUp(customer, "2023-05-01T10:00:00+02:00")
            .Purchase(customer, "2023-06-01T10:00:00Z", amount: "120.50", margin: "40")
            .SupportCall(customer, "2023-05-15T09:00:00Z");

        var first = await Import(file, 201);
        var again = await Import(file, 200);

        first["imported"]!.GetValue<int>().ShouldBe(3);
        first["rejected"]!.AsArray().ShouldBeEmpty();
        again["imported"]!.GetValue<int>().ShouldBe(0);
        again["repeated"]!.GetValue<int>().ShouldBe(3);
        (await app.Store.EventCount(customer)).ShouldBe(3);
        var timeline = await app.Host.TimelineEntries(customer);
        timeline.Select(e => e!["type"]!.GetValue<string>()).ShouldBe(["signed-up", "support-call", "purchase"]);
        timeline[2]!["amount"]!.GetValue<decimal>().ShouldBe(120.50m);
        var exported = JsonNode.Parse((await app.Host.Scenario(s => s.Get.Url($"/api/events?customerId={customer}"))).ReadAsText().Split('\n')[0])!;
        exported["appendedBy"]!.GetValue<string>().ShouldBe("bootstrap-admin"); // the key that sent the file
        exported["correlationId"]!.GetValue<string>().ShouldBe(first["importId"]!.GetValue<string>());
        exported["causationId"]!.GetValue<string>().ShouldBe(first["importId"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_import_names_the_key_that_sent_it_and_keeps_the_callers_correlation_id()
    {
        var created = await app.Host.PostJson("/api/keys", new { name = "erp migration", roles = new[] { "ingest" } }, 201);
        var customer = Ids.Customer();
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(new HistoryFile().SignUp(customer, "2023-05-01T10:00:00Z").Purchase(customer, "2023-06-01T10:00:00Z").ToString())
                .ToUrl("/api/imports");
            s.WithRequestHeader("Content-Type", "text/csv");
            s.WithRequestHeader(AppFixture.ApiKeyHeader, created["key"]!.GetValue<string>());
            s.WithRequestHeader("X-Correlation-Id", "erp-migration-batch-7");
            s.StatusCodeShouldBe(201);
        });
        var importId = JsonNode.Parse(await result.ReadAsTextAsync())!["importId"]!.GetValue<string>();

        var exported = (await app.Host.Scenario(s => s.Get.Url($"/api/events?customerId={customer}"))).ReadAsText()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();

        exported.Count.ShouldBe(2);
        exported.ShouldAllBe(e => e["appendedBy"]!.GetValue<string>() == created["id"]!.GetValue<string>());
        exported.ShouldAllBe(e => e["correlationId"]!.GetValue<string>() == "erp-migration-batch-7");
        exported.ShouldAllBe(e => e["causationId"]!.GetValue<string>() == importId);
    }

    [Fact]
    public async Task the_import_command_which_takes_no_key_is_recorded_as_import()
    {
        var customer = Ids.Customer();
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, new HistoryFile().SignUp(customer, "2023-05-01T10:00:00Z").ToString());
        try
        {
            var report = await app.Host.Services.GetRequiredService<TouchpointImport>().RunAsync(path, skipInvalid: false, null, CancellationToken.None);

            var signup = JsonNode.Parse((await app.Host.Scenario(s => s.Get.Url($"/api/events?customerId={customer}"))).ReadAsText().Split('\n')[0])!;
            signup["appendedBy"]!.GetValue<string>().ShouldBe("import");
            signup["correlationId"]!.GetValue<string>().ShouldBe(report.ImportId);
            signup["causationId"]!.GetValue<string>().ShouldBe(report.ImportId);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task a_file_with_bad_rows_appends_nothing_and_names_every_bad_line_and_why()
    {
        var customer = Ids.Customer();
        var file = new HistoryFile()
            .SignUp(customer, "2023-05-01T10:00:00Z")
            .Purchase(customer, "2023-06-01T10:00:00Z", amount: "lots")
            .Purchase(Ids.Customer(), "2023-06-01T10:00:00Z")
            .Row("purchse", null, customer, "2023-06-02T10:00:00Z")
            .SupportCall(customer, "2023-06-03", resolved: "maybe");

        var problem = await Import(file, 400);

        problem.ErrorKeys().ShouldBe(["line 3", "line 4", "line 5", "line 6"]);
        problem["errors"]!["line 3"]![0]!.GetValue<string>().ShouldContain("amount: must be a number");
        problem["errors"]!["line 4"]![0]!.GetValue<string>().ShouldContain("does not exist");
        problem["errors"]!["line 5"]![0]!.GetValue<string>().ShouldContain("'purchse' is not a touchpoint type");
        problem["errors"]!["line 6"]![0]!.GetValue<string>().ShouldContain("occurredAt");
        problem["errors"]!["line 6"]![0]!.GetValue<string>().ShouldContain("resolved: must be true or false");
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }

    [Fact]
    public async Task rows_refused_only_by_the_store_are_422()
    {
        var stranger = Ids.Customer();

        var problem = await Import(new HistoryFile().Purchase(stranger, "2023-06-01T10:00:00Z"), 422);

        problem.ErrorKeys().ShouldBe(["line 2"]);
    }

    [Fact]
    public async Task skipping_invalid_rows_appends_the_valid_ones_and_reports_the_others()
    {
        var customer = Ids.Customer();
        var file = new HistoryFile()
            .SignUp(customer, "2023-05-01T10:00:00Z")
            .Purchase(customer, "2023-06-01T10:00:00Z", amount: "-5")
            .Purchase(customer, "2023-06-02T10:00:00Z")
            .SignUp(customer, "2023-06-03T10:00:00Z");

        var answer = await Import(file, 201, skipInvalid: true);

        answer["imported"]!.GetValue<int>().ShouldBe(2);
        answer["rejected"]!.AsArray().Select(r => r!["line"]!.GetValue<int>()).ShouldBe(new[] { 3, 5 });
        answer["rejectedTotal"]!.GetValue<int>().ShouldBe(2);
        answer["rejected"]![1]!["reason"]!.GetValue<string>().ShouldContain("already signed up");
        (await app.Store.EventCount(customer)).ShouldBe(2);
    }

    /// <summary>
    /// docs/import.md's 200 is "nothing new appended": every row already stored, or skipped as bad with
    /// skipInvalid, or no row at all (until 2026-12-07 it said only the first). A nightly export with
    /// nothing new is its header alone: a 200, not a refusal, so that a quiet night fails no job.
    /// </summary>
    [Fact]
    public async Task an_import_that_appends_nothing_new_is_a_200_whether_its_rows_were_stored_skipped_or_none()
    {
        var customer = Ids.Customer();
        var allBad = new HistoryFile()
            .Purchase(customer, "2023-06-01T10:00:00Z", amount: "lots")
            .SupportCall(customer, "2023-06-03", resolved: "maybe");

        var skipped = await Import(allBad, 200, skipInvalid: true);
        var headerOnly = await Import(new HistoryFile(), 200);

        // 2 rows, both bad: none imported, none repeated, 2 skipped.
        (skipped["rows"]!.GetValue<int>(), skipped["imported"]!.GetValue<int>(), skipped["repeated"]!.GetValue<int>(),
            skipped["rejectedTotal"]!.GetValue<int>()).ShouldBe((2, 0, 0, 2));
        (headerOnly["rows"]!.GetValue<int>(), headerOnly["imported"]!.GetValue<int>(), headerOnly["rejectedTotal"]!.GetValue<int>()).ShouldBe((0, 0, 0));
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }

    [Fact]
    public async Task a_file_of_thousands_of_bad_lines_lists_the_first_thousand_and_counts_them_all()
    {
        var customer = Ids.Customer();
        var file = new HistoryFile().SignUp(customer, "2023-05-01T10:00:00Z");
        for (var i = 0; i < 2_500; i++) file.Line("x");
        file.Purchase(customer, "2023-06-01T10:00:00Z");

        var refused = await Import(file, 400);
        var skipped = await Import(file, 201, skipInvalid: true);

        refused["detail"]!.GetValue<string>().ShouldStartWith("2500 of 2502 rows are bad (the first 1,000 are listed)");
        refused["errors"]!.AsObject().Count.ShouldBe(1_000);
        refused["errors"]!.AsObject().ContainsKey("line 3").ShouldBeTrue();   // the header is line 1, the signup line 2
        (skipped["imported"]!.GetValue<int>(), skipped["rejectedTotal"]!.GetValue<int>()).ShouldBe((2, 2_500));
        skipped["rejected"]!.AsArray().Count.ShouldBe(1_000);
        skipped["rejected"]![999]!["line"]!.GetValue<int>().ShouldBe(1_002);
    }

    [Fact]
    public async Task a_customer_started_early_in_the_file_is_known_to_rows_in_later_batches()
    {
        var customer = Ids.Customer();
        var file = new HistoryFile().SignUp(customer, "2020-01-01T00:00:00Z");
        for (var day = 0; day < 1_100; day++) file.Purchase(customer, $"{new DateTime(2020, 1, 2).AddDays(day):yyyy-MM-dd}T12:00:00Z");

        var answer = await Import(file, 201);

        answer["imported"]!.GetValue<int>().ShouldBe(1_101);
        (await app.Store.EventCount(customer)).ShouldBe(1_101);
    }

    [Fact]
    public async Task an_id_used_twice_in_the_file_is_a_repeat_with_the_same_content_and_refused_with_another()
    {
        var (customer, id) = (Ids.Customer(), Ids.Touchpoint());
        var file = new HistoryFile()
            .SignUp(customer, "2023-05-01T10:00:00Z")
            .Row("support-call", id, customer, "2023-05-02T10:00:00Z", durationMinutes: "5", cost: "3", resolved: "true")
            .Row("support-call", id, customer, "2023-05-02T10:00:00Z", durationMinutes: "5", cost: "3.00", resolved: "TRUE")
            .Row("support-call", id, customer, "2023-05-02T10:00:00Z", durationMinutes: "6", cost: "3", resolved: "true");

        var problem = await Import(file, 422);

        problem.ErrorKeys().ShouldBe(["line 5"]);
        // Nothing of the file is recorded yet: the reason names the earlier row, not the store.
        problem["errors"]!["line 5"]![0]!.GetValue<string>().ShouldBe($"line 3 has the same touchpoint id '{id}' with other content");
    }

    [Fact]
    public async Task an_id_used_again_in_a_later_batch_is_compared_with_its_first_row()
    {
        var (customer, id) = (Ids.Customer(), Ids.Touchpoint());
        HistoryFile File() // lines: 2 the signup, 3 the call, 4-1103 purchases, 1104 the call again (the second batch)
        {
            var file = new HistoryFile().SignUp(customer, "2020-01-01T00:00:00Z")
                .Row("support-call", id, customer, "2020-01-02T10:00:00Z", durationMinutes: "5", cost: "3", resolved: "true");
            for (var day = 0; day < 1_100; day++) file.Purchase(customer, $"{new DateTime(2020, 1, 3).AddDays(day):yyyy-MM-dd}T12:00:00Z");
            return file.Row("support-call", id, customer, "2020-01-02T10:00:00+00:00", durationMinutes: "5", cost: "3.00", resolved: "TRUE");
        }

        var refused = await Import(File().Row("support-call", id, customer, "2020-01-02T10:00:00Z", durationMinutes: "6", cost: "3", resolved: "true"), 422);
        refused.ErrorKeys().ShouldBe(["line 1105"]);
        refused["errors"]!["line 1105"]![0]!.GetValue<string>().ShouldBe($"line 3 has the same touchpoint id '{id}' with other content");
        (await app.Store.EventCount(customer)).ShouldBe(0);

        var answer = await Import(File(), 201);
        answer["imported"]!.GetValue<int>().ShouldBe(1_102);
        answer["repeated"]!.GetValue<int>().ShouldBe(1);
        (await app.Store.EventCount(customer)).ShouldBe(1_102);
    }

    [Fact]
    public async Task an_unknown_column_refuses_the_file_and_only_ingest_and_admin_keys_may_import()
    {
        var desk = (await app.Host.PostJson("/api/keys", new { name = "import desk", roles = new[] { "desk" } }, 201))["key"]!.GetValue<string>();
        var ingest = (await app.Host.PostJson("/api/keys", new { name = "import ingest", roles = new[] { "ingest" } }, 201))["key"]!.GetValue<string>();
        var file = new HistoryFile().SignUp(Ids.Customer(), "2023-05-01T10:00:00Z");

        var unknownColumn = await Import(new HistoryFile("type,touchpointId,customerId,occurredAt,colour").Line("visit,t,c,2023-01-01T00:00:00Z,red"), 400);
        var shortRow = await Import(new HistoryFile().Line("visit,t,c,2023-01-01T00:00:00Z"), 400);

        unknownColumn["errors"]!["file"]![0]!.GetValue<string>().ShouldContain("unknown column(s) 'colour'");
        shortRow["errors"]!["line 2"]![0]!.GetValue<string>().ShouldContain("has 4 cells where the header has 15");
        await Import(file, 403, key: desk);
        await Import(file, 201, key: ingest);
    }

    [Fact]
    public async Task an_import_that_loses_a_race_to_another_writer_stops_at_the_batch_it_could_not_append_and_names_that_line()
    {
        // Line 1 is the header: the first batch is lines 2 to 1001, the second begins at line 1002.
        var file = new HistoryFile();
        var firstBatch = Enumerable.Range(0, TouchpointImport.BatchSize).Select(_ => Ids.Customer()).ToList();
        foreach (var customer in firstBatch) file.SignUp(customer, "2023-05-01T10:00:00Z");
        var (early, rival) = (Ids.Customer(), Ids.Customer());
        file.SignUp(early, "2023-05-02T10:00:00Z").SignUp(rival, "2023-05-02T11:00:00Z").Purchase(early, "2023-06-01T10:00:00Z");
        var path = await file.SaveAsync();

        // The rival signs up through the API once the first batch is in, after the file was checked.
        var report = await ImportWhileARivalSignsUp(path, rival);

        (report.Outcome, report.Imported, report.StoppedAtLine).ShouldBe((ImportOutcome.Stopped, 1000, (int?)1002));
        report.Rejected.Select(r => (r.Line, r.Kind)).ShouldBe([(1003, LineErrorKind.Refused)]);
        report.Rejected[0].Reason.ShouldContain("has already signed up");
        (await app.Store.EventCount(firstBatch[^1])).ShouldBe(1);
        (await app.Store.EventCount(early)).ShouldBe(0, "line 1002 is the line the import stopped at: not appended");
        (await app.Store.EventCount(rival)).ShouldBe(1);
        File.Delete(path);
    }

    [Fact]
    public async Task a_batch_written_beside_the_one_that_stopped_the_import_is_not_kept()
    {
        // Three batches of new customers, none shared: each is decided and written beside the one
        // before it, and commits after it. Once the first batch is in, a rival signs up the second
        // batch's first customer, racing the second batch for that row. The second batch stops the
        // import; the third, written beside it, must not be kept.
        var batches = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, TouchpointImport.BatchSize).Select(_ => Ids.Customer()).ToList()).ToList();
        var file = new HistoryFile();
        foreach (var customer in batches.SelectMany(b => b)) file.SignUp(customer, "2023-05-01T10:00:00Z");
        var path = await file.SaveAsync();
        var rival = batches[1][0];

        var report = await ImportWhileARivalSignsUp(path, rival);

        // Line 1 is the header: the second batch begins at line 1002, the rival's.
        (report.Outcome, report.Imported, report.StoppedAtLine).ShouldBe((ImportOutcome.Stopped, 1000, (int?)1002));
        report.Rejected.Select(r => r.Line).ShouldBe([1002]);
        (await app.Store.EventCount(batches[0][^1])).ShouldBe(1);
        (await app.Store.EventCount(batches[1][1])).ShouldBe(0);
        foreach (var customer in batches[2].Take(50)) (await app.Store.EventCount(customer)).ShouldBe(0, "the file's imported rows stay a prefix of it");
        File.Delete(path);
    }

    [Fact]
    public async Task a_file_not_sorted_by_customer_is_imported_whole_in_batches_that_share_customers()
    {
        // Every customer's signup first, then a purchase each: the purchases of the second and third
        // batches belong to customers signed up in the batches before them.
        var customers = Enumerable.Range(0, 1_500).Select(_ => Ids.Customer()).ToList();
        var file = new HistoryFile();
        foreach (var customer in customers) file.SignUp(customer, "2023-05-01T10:00:00Z");
        foreach (var customer in customers) file.Purchase(customer, "2023-06-01T10:00:00Z");

        var answer = await Import(file, 201);

        answer["imported"]!.GetValue<int>().ShouldBe(3_000);
        answer["rejected"]!.AsArray().ShouldBeEmpty();
        foreach (var customer in customers.Where((_, i) => i % 100 == 0)) (await app.Store.EventCount(customer)).ShouldBe(2);
    }
}
