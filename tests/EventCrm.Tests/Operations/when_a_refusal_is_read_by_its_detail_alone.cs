using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// Every 400's detail names what is at fault (docs/api.md), for a client or an operator who reads
/// the detail alone (a log line, an alert). Until 2026-12-06 a refusal of one field said only
/// "must be between 1 and 1,000,000" or "must be yyyy-MM-dd ...", and a summary such as "1 query
/// parameter(s) are invalid." named none: the parameter was only a key of <c>errors</c>.
/// </summary>
public class when_a_refusal_is_read_by_its_detail_alone(AppFixture app)
{
    [Theory]
    [InlineData("/api/customers?page=0", "page must be between 1 and 1,000,000")]
    [InlineData("/api/retention/pending?pageSize=500", "pageSize must be between 1 and 200")]
    [InlineData("/api/customers/c-1/value?asOf=yesterday", "asOf must be yyyy-MM-dd (the end of that day, UTC) or ")]
    // Full-width digits (２０２５-０３-０１; then an offset +１０:００) are no date: until 2026-12-07 the first "names a
    // day that does not exist", the second a 500, the moment's shape taking every Unicode digit and int.Parse then none.
    [InlineData("/api/customers/c-1/value?asOf=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95-%EF%BC%90%EF%BC%93-%EF%BC%90%EF%BC%91", "asOf must be yyyy-MM-dd (the end of that day, UTC) or ")]
    [InlineData("/api/customers/c-1/value?asOf=2025-03-01T10%3A00%2B%EF%BC%91%EF%BC%90%3A%EF%BC%90%EF%BC%90", "asOf must be yyyy-MM-dd (the end of that day, UTC) or ")]
    // The whole value sent, not the part after its @ (until 2026-12-07 "formula 'x' is not a version").
    [InlineData("/api/customers/c-1/value?formula=simple-clv@x", "formula 'simple-clv@x' is not \"name@version\": the version after the @ must be a whole number")]
    [InlineData("/api/replays?formula=bad@x", "formula 'bad@x' is not \"name@version\"")]
    [InlineData("/api/kpis?from=2025-01-01&to=2024-01-01", "from must not be after to")]
    [InlineData("/api/replays?state=paused", "state must be one of running, completed, failed")]
    // The messages hold "to" as a word of their own ("days to come", "up to 7 fraction digits"): it is still named first.
    [InlineData("/api/kpis?to=2999-01-01", "to must not be after ")]
    [InlineData("/api/kpis?to=10000-01-01", "to must be yyyy-MM-dd")]
    [InlineData("/api/events?from=06/12/2026", "1 query parameter(s) are invalid. from must be yyyy-MM-dd")]
    public async Task a_query_parameter_refused_is_named_in_the_detail(string url, string detail)
    {
        var problem = await app.Host.GetJson(url, 400);

        problem["detail"]!.GetValue<string>().ShouldStartWith(detail);
    }

    [Theory]
    [InlineData("/api/formulas", """{"name":"clv"}""", "name 'clv' is not a formula; one of ")]
    [InlineData("/api/formulas/default", """{"version":1}""", "name is required with version")]
    [InlineData("/api/keys", """{"name":"etl","roles":["reader"]}""", "roles must be one or more of ")]
    [InlineData("/api/audit/anchor/verify", """{}""", "The anchor is incomplete or malformed. databases must list at least one")]
    public async Task a_body_field_refused_is_named_in_the_detail(string url, string body, string detail)
    {
        var problem = await app.Host.PostRaw(url, body, 400);

        problem["detail"]!.GetValue<string>().ShouldStartWith(detail);
    }

    [Fact]
    public async Task a_version_that_is_no_whole_number_is_told_so_rather_than_taken_for_a_string()
    {
        var problem = await app.Host.PostRaw("/api/formulas/default", """{"name":"simple-clv","version":1.5}""", 400);

        // Until 2026-12-06: "must be a whole number (not a string)", of a number.
        problem["errors"]!["version"]![0]!.GetValue<string>().ShouldBe("must be a whole number up to 2,147,483,647");
    }
}
