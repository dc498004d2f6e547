using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// The Host loads Wolverine's adapters for its endpoints and handlers from the code committed in
/// src/Host/Internal/Generated instead of generating them at start. An endpoint or handler changed
/// without running ./eventcrm codegen would still be called through its old adapter: this is the
/// check that catches it, by writing the code afresh with the built Host and comparing.
/// </summary>
public class when_generating_the_handler_code
{
    [Fact]
    public async Task the_committed_code_is_what_wolverine_writes_for_the_handlers_of_today()
    {
        var folder = Directory.CreateTempSubdirectory("eventcrm-codegen-").FullName;
        try
        {
            // Building the Host for codegen touches no database; the setting only has to exist.
            var (exitCode, _, errors) = await HostCommandLine.RunIn(folder,
                new Dictionary<string, string> { ["ConnectionStrings__EventCrm"] = "Host=127.0.0.1;Database=codegen" }, "codegen", "write");
            exitCode.ShouldBe(0, errors);

            var written = CodeFiles(Path.Combine(folder, "Internal", "Generated"));
            var committed = CodeFiles(Path.Combine(HostCommandLine.RepositoryFolder(), "src", "Host", "Internal", "Generated"));
            written.Keys.Order().ToList().ShouldBe(committed.Keys.Order().ToList(), "generated files added or gone: run ./eventcrm codegen");
            foreach (var (file, code) in written)
                code.ShouldBe(committed[file], $"{file} is not what Wolverine writes today: run ./eventcrm codegen");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> CodeFiles(string folder) =>
        Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(folder, file), File.ReadAllText);
}
