using System.Text.Json.Nodes;
using EventCrm.Projections.Customers;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// The inline profiles, which appends decide on, rebuilt under the running service: a fix to
/// their code reaches every customer's document while touchpoints keep arriving and reads keep
/// being served. The base's documents are spoiled first (as a bug would have left them).
/// </summary>
public class when_rebuilding_the_profiles_in_place(ProfileBase profiles) : IClassFixture<ProfileBase>
{
    private static readonly string Schema = ProfileBase.SchemaName;
    private static readonly string OtherSchema = $"{ProfileBase.SchemaName}_other";
    private static string Customer(int n) => ProfileBase.Customer(n);
    private const string Ahead = "pr-9001";
    private const string Behind = "pr-0001a";

    [Fact]
    public async Task every_profile_is_folded_again_while_writers_and_readers_go_on()
    {
        await DataCommandLine.Execute(
            $"update {Schema}.mt_doc_customerprofile set data = jsonb_set(jsonb_set(data, '{{state}}', '\"churned\"'), '{{touchpointCount}}', '0')");
        await DataCommandLine.Execute($"delete from {Schema}.mt_doc_customerprofile where id = '{Customer(1111)}'");
        await DataCommandLine.Execute(
            $"insert into {Schema}.mt_doc_customerprofile (id, data, mt_version, mt_dotnet_type, mt_last_modified, search_text) " +
            $"select 'orphan-1', data, mt_version, mt_dotnet_type, mt_last_modified, search_text from {Schema}.mt_doc_customerprofile where id = '{Customer(1)}'");

        // A transaction of the 700th customer (a writer, an operator's psql) holds the rebuild at its second page (customers 501 to 1,000).
        await using (await HeldStreamLock.Of(Schema, Customer(700)))
        {
            await profiles.Host.Scenario(s =>
            {
                s.Post.Json(new { }).ToUrl("/api/projections/CustomerProfile/rebuild");
                s.StatusCodeShouldBe(202);
                s.Header("Location").SingleValueShouldEqual("/api/projections/CustomerProfile");
            });
            // It rebuilds the customers before the held one (the first page, and 501 to 699 of the second),
            // then waits for that one alone, saying which, instead of waiting without end and without a word.
            var held = await Until(status => status["lastRebuild"]?["waitingOn"] is not null);
            held["lastRebuild"]!["waitingOn"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe([Customer(700)]);
            held["lastRebuild"]!["customersRebuilt"]!.GetValue<long>().ShouldBe(699);
            held["state"]!.GetValue<string>().ShouldBe("rebuilding");
            held["lastRebuild"]!["customers"]!.GetValue<long>().ShouldBe(ProfileBase.Customers);
            // One rebuild at a time, asked of this node or from another process.
            (await profiles.Host.PostJson("/api/projections/CustomerProfile/rebuild", new { }, 409))["detail"]!.GetValue<string>().ShouldContain("already being rebuilt");
            var second = await DataCommandLine.Run(Schema, "rebuild", "--projection", "CustomerProfile");
            (second.ExitCode, second.Errors.Contains("already being rebuilt")).ShouldBe((1, true), second.Errors + second.Output);
            // A store in another schema of the same database is another's: its rebuild does not wait for this one.
            var elsewhere = await DataCommandLine.Run(OtherSchema, "rebuild", "--projection", "CustomerProfile");
            await DataCommandLine.DropSchema(OtherSchema);
            elsewhere.ExitCode.ShouldBe(0, elsewhere.Errors + elsewhere.Output);

            // Customers before and after the held page take touchpoints and are read as usual meanwhile.
            await profiles.Host.PostTouchpoints(new[] { Purchase(Customer(100), Jan1.AddDays(9)), Purchase(Customer(1000), Jan1.AddDays(9)) });
            // New customers arrive meanwhile: one ahead of the rebuild (after pr-1200), one behind it (between pr-0001 and pr-0002).
            await profiles.Host.PostTouchpoints(new[] { SignUp(Ahead, Jan1.AddDays(9), name: "Ahead"), SignUp(Behind, Jan1.AddDays(9), name: "Behind") });
            var rebuilt = await profiles.Host.GetJson($"/api/customers/{Customer(100)}");
            var notYet = await profiles.Host.GetJson($"/api/customers/{Customer(1000)}");
            (rebuilt["state"]!.GetValue<string>(), rebuilt["touchpointCount"]!.GetValue<int>()).ShouldBe(("active", 3));
            notYet["touchpointCount"]!.GetValue<int>().ShouldBe(0 + 1);
        }

        var done = await RebuildWaits.UntilCompleted(profiles.Host, "CustomerProfile");
        // 1,200 seeded + the one created ahead of the rebuild = 1,201 rebuilt, of 1,201: the one created behind it is
        // neither (its sign-up folded its profile with the current code), and no figure says more were rebuilt than there were.
        done["lastRebuild"]!["customersRebuilt"]!.GetValue<long>().ShouldBe(1_201);
        done["lastRebuild"]!["customers"]!.GetValue<long>().ShouldBe(1_201);
        done["lastRebuild"]!["waitingOn"].ShouldBeNull();
        await using var session = profiles.Store.QuerySession();
        var all = (await session.Query<CustomerProfile>().ToListAsync()).ToDictionary(p => p.Id);
        all.Keys.Order(StringComparer.Ordinal).ShouldBe(Enumerable.Range(1, ProfileBase.Customers).Select(Customer).Append(Ahead).Append(Behind).Order(StringComparer.Ordinal));
        foreach (var (id, name) in new[] { (Ahead, "Ahead"), (Behind, "Behind") })
            (all[id].TouchpointCount, all[id].Name).ShouldBe((1, name), id);
        foreach (var n in Enumerable.Range(1, ProfileBase.Customers))
        {
            var touchpoints = n is 100 or 1000 ? 3 : 2;
            var profile = all[Customer(n)];
            (profile.State, profile.TouchpointCount, profile.Version, profile.Name).ShouldBe(("active", touchpoints, touchpoints, $"Customer {n}"), Customer(n));
        }
    }

    private async Task<JsonNode> Until(Func<JsonNode, bool> reached)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await profiles.Host.GetJson("/api/projections/CustomerProfile");
            if (reached(status)) return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The rebuild did not get there in 60 s: {status}");
            await Task.Delay(50);
        }
    }
}
