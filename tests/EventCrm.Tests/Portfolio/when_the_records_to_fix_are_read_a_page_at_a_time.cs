using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Portfolio;

/// <summary>
/// Ten records, seeded out of id order, each list longer than a page of two:
///
/// | record | touchpoints | name, email | lacks | data error |
/// |---|---|---|---|---|
/// | r01 | signup without a channel | Ann Bo, ann@a.example | channel | - |
/// | r02 | signup without a channel | ann  BO, ann.bo@a.example | channel | - |
/// | r03 | signup, refund of x-3 never placed | Kim Lee, kim@k.example | - | refund of x-3 |
/// | r04 | signup, refund of x-4 never placed | Kim Lee, kim+news@k.example | - | refund of x-4 |
/// | r05 | lead, purchase | Zed Zu, zed@z.example | segment, channel | never signed up |
/// | r06 | signup without a channel | Uma Ur, uma@u.example | channel | - |
/// | r07 | lead, purchase | Val Vo, val@v.example | segment, channel | never signed up |
/// | r08 | lead (a prospect) | Wim Wu, ZED@z.example | - | - |
/// | r09, r10 | signup with all four fields | Yan Yu, Xia Xu | - | - |
/// </summary>
public sealed class RecordsToFix() : SchemaHost("eventcrm_records_to_fix")
{
    protected override async Task SeedAsync()
    {
        var later = Jan1.AddDays(10);
        await Host.PostTouchpoints(new[]
        {
            SignUp("r10", Jan1, "Xia Xu", "xia@x.example"), SignUp("r09", Jan1, "Yan Yu", "yan@y.example"),
            Lead("r08", Jan1, "Wim Wu", "ZED@z.example"),
            Lead("r07", Jan1, "Val Vo", "val@v.example"), Purchase("r07", later),
            WithoutChannel("r06", "Uma Ur", "uma@u.example"),
            Lead("r05", Jan1, "Zed Zu", "zed@z.example"), Purchase("r05", later),
            SignUp("r04", Jan1, "Kim Lee", "kim+news@k.example"), NeverPlacedRefund("r04", "x-4", later),
            SignUp("r03", Jan1, "Kim Lee", "kim@k.example"), NeverPlacedRefund("r03", "x-3", later),
            WithoutChannel("r02", "ann  BO", "ann.bo@a.example"), WithoutChannel("r01", "Ann Bo", "ann@a.example"),
        });
        await Store.CatchUp();
    }

    private static Dictionary<string, object?> WithoutChannel(string id, string name, string email) =>
        Of("signed-up", id, Jan1, new { name, email, segment = "smb", acquisitionCost = 0m });

    private static Dictionary<string, object?> NeverPlacedRefund(string id, string order, DateTimeOffset at) =>
        Of("refund", id, at, new { orderId = order, amount = 0m, margin = 0m });
}

/// <summary>
/// GET /api/data-quality answered every record of its three lists at once: megabytes at a million records, for a page
/// showing ten of each. Each list now answers a page, alone or with the others, and every count and rate stays the
/// whole base's.
/// </summary>
public class when_the_records_to_fix_are_read_a_page_at_a_time(RecordsToFix records) : IClassFixture<RecordsToFix>
{
    // Worked from the table of RecordsToFix. Groups: by email first, then by name, each by its normalised key (code
    // points); a group's members and the other lists by customer id.
    // kim+news@k.example is kim@k.example once its tag is dropped; ZED@z.example is zed@z.example; "ann  BO" is "ann bo".
    private static readonly string[] Groups = ["email kim@k.example: r03, r04", "email zed@z.example: r05, r08", "name ann bo: r01, r02", "name kim lee: r03, r04"];
    private static readonly string[] Errors = ["r03: refund of order x-3, which this customer never placed",
        "r04: refund of order x-4, which this customer never placed", "r05: purchases from a customer who never signed up",
        "r07: purchases from a customer who never signed up"];
    private static readonly string[] Incomplete = ["r01: channel", "r02: channel", "r05: segment, channel", "r06: channel", "r07: segment, channel"];

    [Theory]
    [InlineData("duplicates")]
    [InlineData("errors")]
    [InlineData("completeness")]
    public async Task each_list_is_walked_a_page_at_a_time_every_record_once_in_a_stable_order(string list)
    {
        var (expected, size) = (Expected(list), 2);
        var walked = new List<string>();
        var pages = 0;
        for (var page = 1; ; page++)
        {
            var answer = await records.Host.GetJson($"/api/data-quality/{list}?page={page}&pageSize={size}");
            var analysis = answer["analysis"]!.AsObject();
            // The list asked for alone, beside the base's count.
            analysis.Select(p => p.Key).ShouldBe(["customers", list]);
            var section = analysis[list]!;
            (section["page"]!.GetValue<int>(), section["pageSize"]!.GetValue<int>(), section["total"]!.GetValue<int>()).ShouldBe((page, size, expected.Length));
            var entries = Entries(list, section);
            if (entries.Count == 0) break;
            entries.Count.ShouldBeLessThanOrEqualTo(size);
            walked.AddRange(entries);
            pages++;
        }

        // 4 groups, 4 records with errors: 2 pages of 2; 5 incomplete records: 3 pages, the last of one.
        walked.ShouldBe(expected);
        pages.ShouldBe((expected.Length + 1) / 2);
        // The same pages again: the lists are made once per valuation.
        Entries(list, (await records.Host.GetJson($"/api/data-quality/{list}?page=2&pageSize=2"))["analysis"]![list]!).ShouldBe(expected[2..4]);
    }

    [Theory]
    [InlineData("/api/data-quality?page=1&pageSize=2")]
    [InlineData("/api/data-quality?page=2&pageSize=2")]
    [InlineData("/api/data-quality?page=3&pageSize=2")]
    [InlineData("/api/data-quality?page=9&pageSize=1000")]
    [InlineData("/api/data-quality/duplicates?page=2&pageSize=3")]
    [InlineData("/api/data-quality/errors?page=5&pageSize=1")]
    [InlineData("/api/data-quality/completeness?page=3&pageSize=2")]
    public async Task the_counts_and_rates_are_the_whole_bases_on_every_page(string route)
    {
        var analysis = (await records.Host.GetJson(route))["analysis"]!;

        // 10 records. In a group: r01..r05 and r08, 6 of 10 = 0.6; with a data error: r03, r04, r05, r07, 4 of 10 = 0.4;
        // incomplete: r01, r02, r05, r06, r07, so 5 of 10 complete = 0.5.
        analysis["customers"]!.GetValue<int>().ShouldBe(10);
        if (analysis["duplicates"] is { } duplicates)
            (duplicates["rate"]!.GetValue<decimal>(), duplicates["records"]!.GetValue<int>(), duplicates["total"]!.GetValue<int>()).ShouldBe((0.6m, 6, 4));
        if (analysis["errors"] is { } errors)
            (errors["rate"]!.GetValue<decimal>(), errors["total"]!.GetValue<int>()).ShouldBe((0.4m, 4));
        if (analysis["completeness"] is { } completeness)
            (completeness["rate"]!.GetValue<decimal>(), completeness["total"]!.GetValue<int>()).ShouldBe((0.5m, 5));
    }

    [Fact]
    public async Task the_answer_holds_the_same_page_of_each_list_a_hundred_by_default()
    {
        var whole = (await records.Host.GetJson("/api/data-quality"))["analysis"]!;
        var second = (await records.Host.GetJson("/api/data-quality?page=2&pageSize=2"))["analysis"]!;

        // 4, 4 and 5 entries: all of them on the default page of 100.
        foreach (var list in new[] { "duplicates", "errors", "completeness" })
        {
            (whole[list]!["page"]!.GetValue<int>(), whole[list]!["pageSize"]!.GetValue<int>()).ShouldBe((1, 100));
            Entries(list, whole[list]!).ShouldBe(Expected(list));
            Entries(list, second[list]!).ShouldBe(Expected(list)[2..4]);
        }
        // The customers of the page's groups, each once, as they first appear: (r03, r04), (r05, r08); then (r01, r02), (r03, r04).
        Ids(whole["duplicates"]!["customerIds"]!).ShouldBe(["r03", "r04", "r05", "r08", "r01", "r02"]);
        Ids(second["duplicates"]!["customerIds"]!).ShouldBe(["r01", "r02", "r03", "r04"]);
    }

    [Theory]
    [InlineData("page=0", "page", "page must be between 1 and 1,000,000")]
    [InlineData("page=1000001", "page", "page must be between 1 and 1,000,000")]
    [InlineData("pageSize=0", "pageSize", "pageSize must be between 1 and 1,000")]
    [InlineData("pageSize=1001", "pageSize", "pageSize must be between 1 and 1,000")]
    [InlineData("page=abc", "page", null)]
    [InlineData("size=10", "size", null)]
    public async Task a_page_out_of_bounds_is_a_400_naming_it(string query, string field, string? detail)
    {
        foreach (var route in new[] { "/api/data-quality", "/api/data-quality/completeness" })
        {
            var problem = await records.Host.GetJson($"{route}?{query}", 400);

            problem.ErrorKeys().ShouldBe([field]);
            if (detail is not null) problem["detail"]!.GetValue<string>().ShouldBe(detail);
        }
    }

    [Theory]
    [InlineData("incomplete")]
    [InlineData("Errors")]
    public async Task an_unknown_list_is_a_404_naming_the_three(string list)
    {
        var problem = await records.Host.GetJson($"/api/data-quality/{list}", 404);

        problem.ErrorKeys().ShouldBe(["list"]);
        problem["detail"]!.GetValue<string>().ShouldBe($"No data-quality list '{list}': the lists are duplicates, errors, completeness.");
    }

    private static string[] Expected(string list) => list switch { "duplicates" => Groups, "errors" => Errors, _ => Incomplete };

    private static List<string> Entries(string list, JsonNode section) => list switch
    {
        "duplicates" => section["groups"]!.AsArray().Select(g => $"{g!["kind"]} {g["key"]}: {string.Join(", ", Ids(g["customerIds"]!))}").ToList(),
        "errors" => section["customers"]!.AsArray().Select(r => $"{r!["customerId"]}: {string.Join("; ", Ids(r["reasons"]!))}").ToList(),
        _ => section["incomplete"]!.AsArray().Select(r => $"{r!["customerId"]}: {string.Join(", ", Ids(r["missingFields"]!))}").ToList(),
    };

    private static string[] Ids(JsonNode array) => array.AsArray().Select(id => id!.GetValue<string>()).ToArray();
}
