using EventCrm.Tests.Reliability;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// The service started as `./eventcrm run` starts it (the built Host, `--urls`): what it prints
/// is the operator's terminal, where the command line's machinery has nothing to say.
/// </summary>
public class when_the_service_starts(KestrelHost kestrel) : IClassFixture<KestrelHost>
{
    [Fact]
    public async Task it_prints_nothing_about_command_line_verbs()
    {
        var printed = await File.ReadAllLinesAsync(kestrel.Host.LogFile, TestContext.Current.CancellationToken);

        printed.ShouldContain(line => line.Contains("Now listening on"));
        printed.ShouldNotContain(line => line.Contains("JasperFx command line"));
        printed.ShouldNotContain(line => line.StartsWith("Searching '"));
    }
}
