using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Exports;
using EventCrm.Host.Infrastructure;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

public class when_exporting_events(AppFixture app)
{
    private async Task<(string ContentType, string Body)> Export(string query, string? accept = null, int status = 200, string? key = null)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/events?{query}");
            if (accept is not null) s.WithRequestHeader("Accept", accept);
            if (key is not null) s.WithRequestHeader(AppFixture.ApiKeyHeader, key);
            s.StatusCodeShouldBe(status);
        });
        return (result.Context.Response.ContentType ?? "", await result.ReadAsTextAsync());
    }

    /// <summary>A new customer whose signup was sent with this X-Correlation-Id (free text from the caller).</summary>
    private async Task<string> SignedUpCorrelatedAs(string correlationId)
    {
        var customer = Ids.Customer();
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new[] { SignUp(customer, Jan1) }).ToUrl("/api/touchpoints");
            s.WithRequestHeader("X-Correlation-Id", correlationId);
            s.StatusCodeShouldBe(201);
        });
        return customer;
    }

    private async Task<List<JsonNode>> Lines(string query) =>
        (await Export(query)).Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();

    private async Task<string> CustomerWithThreeTouchpoints()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(2), 250m, 75m), SupportCall(customer, Jan1.AddDays(3)) });
        return customer;
    }

    [Fact]
    public async Task ndjson_gives_one_line_per_event_in_global_order_with_its_metadata()
    {
        var customer = await CustomerWithThreeTouchpoints();

        var (contentType, body) = await Export($"customerId={customer}");

        contentType.ShouldStartWith("application/x-ndjson");
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        lines.Select(l => l["type"]!.GetValue<string>()).ShouldBe(["signed-up", "purchase", "support-call"]);
        lines.Select(l => l["version"]!.GetValue<long>()).ShouldBe(new long[] { 1, 2, 3 });
        lines.Select(l => l["sequence"]!.GetValue<long>()).ShouldBeInOrder();
        var purchase = lines[1];
        purchase["customerId"]!.GetValue<string>().ShouldBe(customer);
        purchase["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBe(Jan1.AddDays(2));
        purchase["recordedAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(Jan1.AddDays(2));
        purchase["appendedBy"]!.GetValue<string>().ShouldBe("bootstrap-admin");
        purchase["correlationId"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        purchase["touchpointId"]!.GetValue<string>().ShouldStartWith("tp-");
        purchase["data"]!["amount"]!.GetValue<decimal>().ShouldBe(250m);
        purchase["data"]!["category"]!.GetValue<string>().ShouldBe("rollers");
        purchase["data"]!.AsObject().ContainsKey("touchpointId").ShouldBeFalse();
    }

    [Fact]
    public async Task every_posted_event_names_its_request_as_its_cause_and_the_caller_s_correlation_id()
    {
        var (first, second) = (Ids.Customer(), Ids.Customer());
        foreach (var customer in new[] { first, second })
            await app.Host.Scenario(s =>
            {
                s.Post.Json(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(2)) }).ToUrl("/api/touchpoints");
                s.WithRequestHeader("X-Correlation-Id", "order-flow-17");
                s.StatusCodeShouldBe(201);
            });

        var events = (await Lines($"customerId={first}")).Concat(await Lines($"customerId={second}")).ToList();

        events.Select(e => e["correlationId"]!.GetValue<string>()).ShouldAllBe(c => c == "order-flow-17");
        var causes = events.Select(e => e["causationId"]!.GetValue<string>()).ToList();
        causes.ShouldAllBe(c => !string.IsNullOrEmpty(c) && c != "order-flow-17");
        causes[1].ShouldBe(causes[0]);   // one request, one cause
        causes[2].ShouldNotBe(causes[0]);
    }

    [Fact]
    public async Task a_correlation_id_holding_a_control_character_is_not_kept_and_the_request_s_id_stands_in()
    {
        var customer = await SignedUpCorrelatedAs("order\u0001flow");

        // Not usable (as one of 201 characters), so the request's own id stands in: the request is also the cause.
        var signup = (await Lines($"customerId={customer}")).Single();
        signup["correlationId"]!.GetValue<string>().ShouldNotContain("order");
        signup["correlationId"]!.GetValue<string>().ShouldBe(signup["causationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_event_posted_with_a_created_key_names_that_key_as_who_appended_it()
    {
        var created = await app.Host.PostJson("/api/keys", new { name = "crm connector", roles = new[] { "ingest" } }, 201);
        var customer = Ids.Customer();
        await app.Host.Scenario(s =>
        {
            s.Post.Json(SignUp(customer, Jan1)).ToUrl("/api/touchpoints");
            s.WithRequestHeader(AppFixture.ApiKeyHeader, created["key"]!.GetValue<string>());
            s.StatusCodeShouldBe(201);
        });

        var signup = (await Lines($"customerId={customer}")).Single();

        signup["appendedBy"]!.GetValue<string>().ShouldBe(created["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")] // the other parity: one of the two puts a pair across the writer's first buffer
    public async Task csv_keeps_characters_outside_the_basic_plane_whole_in_long_rows(string prefix)
    {
        var customer = await CustomerWithThreeTouchpoints();
        var purpose = prefix + string.Concat(Enumerable.Repeat("🙂", 249));
        await app.Host.PostTouchpoints(Of("visit", customer, Jan1.AddDays(10), new { cost = 80m, purpose }));

        var (_, body) = await Export($"customerId={customer}", accept: "text/csv");

        body.ShouldNotContain("\uFFFD");
        var visit = CsvRows.Read(new StringReader(body)).Select(r => r.Fields).Single(f => f[3] == "visit");
        JsonNode.Parse(visit[10])!["purpose"]!.GetValue<string>().ShouldBe(purpose);
    }

    [Fact]
    public async Task csv_gives_a_header_and_one_row_per_event_with_the_data_as_a_json_column()
    {
        var customer = await CustomerWithThreeTouchpoints();

        var (contentType, body) = await Export($"customerId={customer}", accept: "text/csv");

        contentType.ShouldStartWith("text/csv");
        var rows = CsvRows.Read(new StringReader(body)).Select(r => r.Fields).ToList();
        string.Join(",", rows[0]).ShouldBe(CsvFormat.Header);
        rows.Count.ShouldBe(4);
        rows[2][3].ShouldBe("purchase");
        rows[2][1].ShouldBe(customer);
        JsonNode.Parse(rows[2][10])!["margin"]!.GetValue<decimal>().ShouldBe(75m);
    }

    [Fact]
    public async Task a_spreadsheet_safe_csv_keeps_a_cell_that_looks_like_a_formula_from_being_one()
    {
        var customer = await SignedUpCorrelatedAs("=HYPERLINK(\"https://evil.example\")");

        var asStored = (await Export($"customerId={customer}", accept: "text/csv")).Body.Split('\n')[1];
        var safe = (await Export($"customerId={customer}&spreadsheetSafe=true", accept: "text/csv")).Body.Split('\n')[1];

        // As stored by default (a data tool reads back what was sent); quoted, with an apostrophe first, when asked.
        asStored.ShouldContain(",\"=HYPERLINK(\"\"https://evil.example\"\")\",");
        safe.ShouldContain(",\"'=HYPERLINK(\"\"https://evil.example\"\")\",");
        safe.Replace(",\"'=HYPERLINK(\"\"https://evil.example\"\")\",", ",\"=HYPERLINK(\"\"https://evil.example\"\")\",").ShouldBe(asStored);
        (await Export($"customerId={customer}&spreadsheetSafe=true", status: 400)).Body.ShouldContain("spreadsheetSafe");
    }

    [Fact]
    public async Task types_keep_only_the_named_types_and_an_unknown_type_is_400()
    {
        var customer = await CustomerWithThreeTouchpoints();

        var lines = await Lines($"customerId={customer}&types=purchase,support-call");
        var (_, problem) = await Export($"customerId={customer}&types=purchase,purchse", status: 400);

        lines.Select(l => l["type"]!.GetValue<string>()).ShouldBe(["purchase", "support-call"]);
        JsonNode.Parse(problem)!.ErrorKeys().ShouldBe(["types"]);
        problem.ShouldContain("purchse");
    }

    [Fact]
    public async Task from_and_to_bound_the_recorded_time_not_the_business_time()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        await Task.Delay(50);
        // Back-dated: it happened before the signup, but was recorded after it.
        await app.Host.PostTouchpoints(Purchase(customer, Jan1.AddYears(-1)));
        var recorded = (await Lines($"customerId={customer}")).Select(l => l["recordedAt"]!.GetValue<string>()).ToList();

        var fromSecond = await Lines($"customerId={customer}&from={Uri.EscapeDataString(recorded[1])}");
        var beforeSecond = await Lines($"customerId={customer}&to={Uri.EscapeDataString(recorded[1])}");

        fromSecond.Select(l => l["type"]!.GetValue<string>()).ShouldBe(["purchase"]);
        beforeSecond.Select(l => l["type"]!.GetValue<string>()).ShouldBe(["signed-up"]);
        (await Export("from=yesterday", status: 400)).Body.ShouldContain("from");
    }

    [Fact]
    public async Task the_services_own_streams_are_never_exported()
    {
        await app.RegisterFormula("simple-clv", new { averageOrderValue = 100m, purchasesPerYear = 4m, lifetimeYears = 5m });
        await CustomerWithThreeTouchpoints();

        var lines = await Lines("");

        lines.ShouldNotBeEmpty();
        lines.ShouldAllBe(l => !l["customerId"]!.GetValue<string>().StartsWith(SystemStreams.Prefix));
    }

    [Fact]
    public async Task only_data_and_admin_keys_may_export()
    {
        var desk = (await app.Host.PostJson("/api/keys", new { name = "export desk", roles = new[] { "desk" } }, 201))["key"]!.GetValue<string>();
        var data = (await app.Host.PostJson("/api/keys", new { name = "export data", roles = new[] { "data" } }, 201))["key"]!.GetValue<string>();
        var customer = await CustomerWithThreeTouchpoints();

        await Export($"customerId={customer}", status: 403, key: desk);
        (await Export($"customerId={customer}", key: data)).Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(3);
    }

    [Fact]
    public async Task the_export_command_writes_a_file()
    {
        var customer = await CustomerWithThreeTouchpoints();
        // A path longer than a console's 80 columns, with spaces where a console would break it.
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"exports of {Guid.NewGuid():N} kept for the quarterly review")).FullName;
        var file = Path.Combine(folder, $"export-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "an earlier export");

        var (exit, output, errors) = await DataCommandLine.Run(AppFixture.Schema, "export", "--customer", customer, "--format", "csv", "--out", file);

        exit.ShouldBe(0, errors);
        File.Exists($"{file}.partial").ShouldBeFalse();
        var lines = await File.ReadAllLinesAsync(file);
        lines.Length.ShouldBe(4);
        lines[0].ShouldBe(CsvFormat.Header);
        // One line naming the file, however long its path: written to a pipe, the console used to break it at 80 columns.
        output.ShouldContain($"Exported 3 events to {file} in ");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task the_export_command_tells_its_progress_in_a_few_lines_to_a_pipe_or_a_file()
    {
        // 3,000 events: the export reports after each 1,000 written, 1,000 / 3,000 = 33% (past a quarter), 2,000 / 3,000 = 66%
        // (past half), 3,000 = 100%. Until 2026-12-07 standard error, redirected, got none of these: Spectre writes a line at
        // its refreshes, a second apart, and the export was done before the first.
        var customer = Ids.Customer();
        var touchpoints = new[] { SignUp(customer, Jan1) }.Concat(Enumerable.Range(1, 2_999).Select(i => SupportCall(customer, Jan1.AddMinutes(i)))).ToArray();
        foreach (var chunk in touchpoints.Chunk(1_000)) await app.Host.PostTouchpoints(chunk);
        var file = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.ndjson");

        // The test reads standard error through a pipe: redirected, as `2>err` makes it.
        var (exit, output, errors) = await DataCommandLine.Run(AppFixture.Schema, "export", "--customer", customer, "--out", file);

        exit.ShouldBe(0, errors);
        errors.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("Exporting ")).ShouldBe(
            ["Exporting 3,000 events: 0%", "Exporting 3,000 events: 33%", "Exporting 3,000 events: 66%", "Exporting 3,000 events: 100%"]);
        output.ShouldContain($"Exported 3,000 events to {file} in ");
        File.Delete(file);
    }

    [Fact]
    public async Task the_export_command_writes_a_spreadsheet_safe_csv_when_asked_and_only_a_csv()
    {
        var customer = await SignedUpCorrelatedAs("@SUM(1,2)");
        var file = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.csv");

        var (refused, _, why) = await DataCommandLine.Run(AppFixture.Schema, "export", "--customer", customer, "--out", file, "--spreadsheet-safe");
        var (exit, _, errors) = await DataCommandLine.Run(AppFixture.Schema, "export", "--customer", customer, "--format", "csv", "--out", file, "--spreadsheet-safe");

        refused.ShouldNotBe(0);
        why.ShouldContain("export: --spreadsheet-safe applies to --format csv only");
        exit.ShouldBe(0, errors);
        (await File.ReadAllLinesAsync(file))[1].ShouldContain(",\"'@SUM(1,2)\",");
        File.Delete(file);
    }

    [Fact]
    public async Task the_export_command_reads_a_schema_without_an_event_log_as_a_mistake_and_changes_nothing()
    {
        const string schema = "eventcrm_export_never_created";
        await DataCommandLine.DropSchema(schema);
        var file = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.ndjson");

        var (exit, _, errors) = await DataCommandLine.Run(schema, "export", "--out", file);

        exit.ShouldNotBe(0);
        errors.ShouldContain($"export: No event log in schema '{schema}'");
        File.Exists(file).ShouldBeFalse();
        (await DataCommandLine.Count($"select count(*) from pg_namespace where nspname = '{schema}'")).ShouldBe(0);
    }
}
