using EventCrm.Host.Infrastructure;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

public class when_a_command_starts
{
    [Fact]
    public void the_hosts_own_verbs_start_without_the_http_endpoints()
    {
        // The verbs the README lists as ours.
        DataVerbs.Names.ShouldBe(["seed-demo", "clv-fit", "clv-refit", "replay", "audit-verify", "audit-anchor", "export", "import", "rebuild"], ignoreOrder: true);
        DataVerbs.Starts(["import", "--file", "history.csv"]).ShouldBeTrue();
        DataVerbs.Starts(["Seed-Demo"]).ShouldBeTrue();
    }

    [Theory]
    [InlineData]                          // no verb: the service itself
    [InlineData("run")]
    [InlineData("--urls", "http://127.0.0.1:5000")]
    [InlineData("codegen", "write")]      // Wolverine's verbs inspect the endpoints
    [InlineData("describe")]
    [InlineData("projections")]
    public void the_service_and_every_other_verb_get_the_endpoints(params string[] args) =>
        DataVerbs.Starts(args).ShouldBeFalse();

    [Theory]
    [InlineData(true)]
    [InlineData(true, "--urls", "http://127.0.0.1:5000")]
    [InlineData(true, "--environment", "Production", "--urls", "http://127.0.0.1:5000")]
    [InlineData(false, "run")]
    [InlineData(false, "help")]
    [InlineData(false, "--help")]
    [InlineData(false, "import", "--file", "history.csv")]
    [InlineData(false, "codegen", "write")]
    public void only_a_start_without_a_verb_is_the_service_itself(bool serves, params string[] args) =>
        DataVerbs.Serves(args).ShouldBe(serves);

    /// <summary>A verb's log goes to standard error, the service's to standard output.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(false, "--urls", "http://127.0.0.1:5000")]
    [InlineData(false, "run", "--urls", "http://127.0.0.1:5000")]
    [InlineData(false, "Run")]
    [InlineData(true, "import", "--file", "history.csv")]
    [InlineData(true, "stream-query")]
    [InlineData(true, "db-assert")]
    [InlineData(true, "codegen", "write")]
    public void every_verb_but_the_service_runs_as_a_verb(bool runsAVerb, params string[] args) =>
        DataVerbs.RunsAVerb(args).ShouldBe(runsAVerb);
}
