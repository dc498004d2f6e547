using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// A flag the verb does not have, a flag without its value or a value of the wrong kind is the
/// user's typo: one line on standard error naming it, exit code 1, before anything starts (so even
/// with nothing configured). Until 2026-12-06 JasperFx answered with "Invalid usage" and the
/// verb's whole help on standard output, and a value of the wrong kind with a .NET stack trace.
/// </summary>
public class when_a_verbs_flag_cannot_be_read
{
    [Theory]
    [InlineData("clv-refit: Unknown argument or flag for value --as_of; `clv-refit --help` lists its flags", "clv-refit", "--as_of", "2025-01-01")]
    [InlineData("clv-refit: No value specified for flag --as-of; `clv-refit --help` lists its flags", "clv-refit", "--as-of")]
    [InlineData("import: No value specified for flag --file; `import --help` lists its flags", "import", "--file")]
    [InlineData("rebuild: Unknown argument or flag for value CustomerProfile; `rebuild --help` lists its flags", "rebuild", "CustomerProfile")]
    [InlineData("export: --log-level: 'Loud' is not one of Trace, Debug, Information, Warning, Error, Critical, None", "export", "--out", "x.ndjson", "--log-level", "Loud")]
    public async Task the_verb_refuses_in_one_line_naming_the_flag(string refusal, params string[] arguments)
    {
        var (exit, output, errors) = await HostCommandLine.RunWithNothingConfigured(arguments);

        exit.ShouldBe(1);
        errors.Trim().ShouldBe(refusal);
        output.ShouldBeEmpty();
    }
}
