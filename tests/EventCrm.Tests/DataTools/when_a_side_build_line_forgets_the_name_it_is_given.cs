using EventCrm.Tests.Support;
using Marten;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// A data team adds VisitMonths and its line in SideBuilds.cs, but the line registers the
/// projection under its live name instead of the "-next" name it is given. The rebuild used to be
/// accepted (202) and then fail with Marten's "Unknown shard name 'VisitMonths-next:All'"; it is
/// refused before anything is touched (422), and the answer says how to write the line.
/// </summary>
public class when_a_side_build_line_forgets_the_name_it_is_given(VisitMonthsHost app) : IClassFixture<VisitMonthsHost>
{
    [Fact]
    public async Task the_live_projection_counts_each_customers_visits_per_month_by_the_stream_key()
    {
        await using var session = app.Store.QuerySession();
        var months = (await session.Query<VisitMonth>().ToListAsync()).OrderBy(m => m.Id, StringComparer.Ordinal)
            .Select(m => $"{m.Id}: {m.Visits} for {m.Cost}").ToList();

        // 2025-02-01T00:30+01:00 is 2025-01-31T23:30 in UTC: January's.
        months.ShouldBe(["M1|2025-01: 3 for 60", "M1|2025-02: 1 for 10", "M2|2025-01: 1 for 20"]);
    }

    [Fact]
    public async Task its_rebuild_is_refused_saying_how_to_write_the_line_and_nothing_is_started()
    {
        var refused = await app.Host.PostJson($"/api/projections/{VisitMonthsProjection.ProjectionName}/rebuild", new { }, 422);

        var detail = refused["detail"]!.GetValue<string>();
        detail.ShouldContain("registers 'VisitMonths', not the projection under the name it is given ('VisitMonths-next')");
        detail.ShouldContain("{ Name = name }");
        var status = await app.Host.GetJson($"/api/projections/{VisitMonthsProjection.ProjectionName}");
        status["lastRebuild"].ShouldBeNull();
        status["state"]!.GetValue<string>().ShouldBe("caught-up");
    }
}
