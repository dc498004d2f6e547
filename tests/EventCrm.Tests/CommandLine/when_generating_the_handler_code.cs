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
            // The instruction first: the test run's summary shows only the first lines of a failure's message.
            var added = written.Keys.Except(committed.Keys).Order().ToList();
            var gone = committed.Keys.Except(written.Keys).Order().ToList();
            if (added.Count + gone.Count > 0)
                Assert.Fail($"generated files added or gone: run ./eventcrm codegen and commit {Generated}.\n" +
                            $"Wolverine writes, not committed: {Listed(added)}\nCommitted, no longer written: {Listed(gone)}");
            foreach (var (file, code) in written.OrderBy(f => f.Key, StringComparer.Ordinal))
                if (code != committed[file])
                    Assert.Fail($"{file} is not what Wolverine writes today: run ./eventcrm codegen and commit {Generated}.\n" +
                                $"First difference at line {FirstDifferentLine(code, committed[file])}.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private const string Generated = "src/Host/Internal/Generated";

    private static string Listed(IReadOnlyList<string> files) => files.Count == 0 ? "none" : string.Join(", ", files);

    private static int FirstDifferentLine(string written, string committed)
    {
        var (a, b) = (written.Split('\n'), committed.Split('\n'));
        var line = 0;
        while (line < a.Length && line < b.Length && a[line] == b[line]) line++;
        return line + 1;
    }

    private static Dictionary<string, string> CodeFiles(string folder) =>
        Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(folder, file), File.ReadAllText);
}
