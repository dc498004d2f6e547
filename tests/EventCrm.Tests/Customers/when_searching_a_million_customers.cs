using System.Text.Json.Nodes;
using EventCrm.Host.Customers;
using EventCrm.Host.Retention;
using EventCrm.Tests.Support;
using Marten;
using Marten.Linq;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Customers;

/// <summary>
/// 50,000 profiles written straight into the profile table (the shape the projection writes), 0.5 %
/// of them asking to cancel: enough for the planner to prefer the profile table's indexes
/// (src/Projections/Customers/CustomerIndexes.cs) when they match the SQL Marten writes, and a scan
/// of the whole table when they do not (dropped, or Marten's SQL drifted from their expressions).
/// </summary>
public sealed class ManyProfilesHost() : ProcessSchemaHost("eventcrm_many_profiles")
{
    public const int Profiles = 50_000;

    protected override async Task SeedAsync()
    {
        await using var connection = Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var load = new NpgsqlCommand($"""
            insert into {Schema}.mt_doc_customerprofile (id, data, mt_version, mt_dotnet_type, search_text)
            select 'many-' || i, jsonb_build_object('id', 'many-' || i, 'name', name, 'email', email, 'state', state,
                   'searchText', lower(name || ' ' || email), 'marks', '[]'::jsonb, 'openOffers', '[]'::jsonb, 'touchpointCount', 1),
                   1, 'EventCrm.Projections.Customers.CustomerProfile', lower(name || ' ' || email)
            from (select i, 'Name' || i || ' Family' || (i % 997) as name, 'person' || i || '@example.com' as email,
                         case when i % 200 = 0 then 'cancellation-requested' else 'active' end as state
                  from generate_series(1, {Profiles}) i) p
            """, connection);
        await load.ExecuteNonQueryAsync();
        // As autovacuum leaves a table that has settled: statistics, and the trigram index's pending list
        // merged (while it is long, the planner rightly prices the index higher, and may walk the name index instead).
        await using var vacuum = new NpgsqlCommand($"vacuum analyze {Schema}.mt_doc_customerprofile", connection);
        await vacuum.ExecuteNonQueryAsync();
    }
}

public class when_searching_a_million_customers(ManyProfilesHost many) : IClassFixture<ManyProfilesHost>
{
    [Fact]
    public async Task a_search_counts_its_matches_from_the_trigram_index_and_reads_its_page_from_an_index()
    {
        await using var session = many.Store.QuerySession();
        // "person4242" is in the emails of 4242 and 42420 to 42429: 11 of 50,000. (A term matching hundreds, as
        // "family42" below, may rightly be read in name order from the other index until a page is full.)
        var page = SearchCustomersEndpoint.InNameOrder(SearchCustomersEndpoint.Matching(session, "person4242")).Skip(0).Take(20).ToCommand(FetchType.FetchMany);
        var count = SearchCustomersEndpoint.Matching(session, "person4242").ToCommand(FetchType.Count);

        var (pagePlan, countPlan) = (await PlanOf(page), await PlanOf(count));

        // The page may come from either index: the planner's guess of how many match a rare term (from
        // a sample of the table) sometimes makes the name order look cheaper (docs/scaling.md, section 3).
        IndexesRead(pagePlan).ShouldNotBeEmpty();
        TablesScanned(pagePlan).ShouldBeEmpty(pagePlan.ToJsonString());
        // The count has no order to follow: the trigram index or the whole table.
        IndexesRead(countPlan).ShouldBe(["mt_doc_customerprofile_idx_search_text"]);
        TablesScanned(countPlan).ShouldBeEmpty();
        Nodes(countPlan).Single(n => n["Node Type"]!.GetValue<string>() == "Bitmap Heap Scan")["Actual Rows"]!.GetValue<double>().ShouldBe(11);
    }

    [Fact]
    public async Task the_list_without_a_search_reads_its_page_in_name_order_from_the_index_without_sorting()
    {
        await using var session = many.Store.QuerySession();
        var page = SearchCustomersEndpoint.InNameOrder(SearchCustomersEndpoint.Matching(session, "")).Skip(40).Take(20).ToCommand(FetchType.FetchMany);

        var plan = await PlanOf(page);

        IndexesRead(plan).ShouldBe(["mt_doc_customerprofile_idx_nameid"]);
        NodeTypes(plan).ShouldNotContain("Sort");
        TablesScanned(plan).ShouldBeEmpty();
    }

    [Fact]
    public async Task the_desks_work_list_reads_only_the_clients_asking_to_cancel_from_the_partial_index()
    {
        await using var session = many.Store.QuerySession();
        var asking = GetPendingCancellationsEndpoint.AskingToCancel(session).ToCommand(FetchType.FetchMany);

        var plan = await PlanOf(asking);

        IndexesRead(plan).ShouldBe(["mt_doc_customerprofile_idx_state"]);
        TablesScanned(plan).ShouldBeEmpty();
        // Every 200th profile asks to cancel: 50,000 / 200.
        plan["Actual Rows"]!.GetValue<double>().ShouldBe(250);
    }

    [Fact]
    public async Task the_routes_answer_as_before_over_the_indexes()
    {
        var found = await many.Host.GetJson("/api/customers?search=FAMILY42&pageSize=3");
        // i % 997 = 42 for 51 profiles (1..49,850 holds each remainder 50 times, 49,851..50,000 adds 1..150 once),
        // = 420..429 for 50 each: 51 + 500.
        found["total"]!.GetValue<long>().ShouldBe(551);
        // Code-point order (the databases' C.UTF-8 collation): i = 9,970 + 42 = 10012 before 997 + 42 = 1039 ('0' < '3'),
        // then 1039 before 9,970 + 420 = 10390 (a space sorts before '0'), then 10391 (remainder 421).
        found["customers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ShouldBe(["Name10012 Family42", "Name1039 Family42", "Name10390 Family420"]);
    }

    /// <summary>The command exactly as Marten sends it, explained with its parameters, on the Host's own connection settings.</summary>
    private async Task<JsonNode> PlanOf(NpgsqlCommand command)
    {
        await using var connection = many.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var explain = new NpgsqlCommand("explain (analyze, format json) " + command.CommandText, connection);
        foreach (NpgsqlParameter parameter in command.Parameters) explain.Parameters.Add(parameter.Clone());
        var json = (string)(await explain.ExecuteScalarAsync())!;
        return JsonNode.Parse(json)!.AsArray()[0]!["Plan"]!;
    }

    private static IEnumerable<JsonNode> Nodes(JsonNode plan) =>
        new[] { plan }.Concat(plan["Plans"]?.AsArray().SelectMany(child => Nodes(child!)) ?? []);

    private static List<string> IndexesRead(JsonNode plan) =>
        Nodes(plan).Select(n => n["Index Name"]?.GetValue<string>()).OfType<string>().Distinct().ToList();

    private static List<string> NodeTypes(JsonNode plan) => Nodes(plan).Select(n => n["Node Type"]!.GetValue<string>()).ToList();

    private static List<string> TablesScanned(JsonNode plan) =>
        Nodes(plan).Where(n => n["Node Type"]!.GetValue<string>() == "Seq Scan").Select(n => n["Relation Name"]!.GetValue<string>()).ToList();
}
