using System.Text.Json;
using EventCrm.Bench.Runner;

namespace EventCrm.Bench.Reporting;

/// <summary>
/// `--only a,b --merge`: a partial run replaces its own figures in the committed results and in
/// README's table, row by row, and leaves every other row as its own full run measured it. Each
/// row keeps the baseline value of the run that measured it, so ratios stay within one run: run
/// the baselines a figure is compared with in the same partial run (copy-write for import,
/// projections for replay).
/// </summary>
public static class MergedResults
{
    /// <summary>Figures about the whole run (every Host, the bench, the server): a partial run's would describe only its own part.</summary>
    private static readonly HashSet<string> WholeRun = ["host-peak-working-set-mb", "bench-peak-working-set-mb", "postgres-peak-pss-mb"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string PartialRunLine = "Rows ";

    public static IReadOnlyList<ScenarioResult> Fresh(IReadOnlyList<ScenarioResult> results) => results.Where(r => !WholeRun.Contains(r.Name)).ToList();

    /// <summary>The committed file with the fresh rows in place of theirs (new rows before the whole-run ones); its date stays the full run's.</summary>
    public static string MergeJson(string committedJson, IReadOnlyList<ScenarioResult> fresh)
    {
        var committed = JsonSerializer.Deserialize<BenchResults>(committedJson, Json)
                        ?? throw new InvalidOperationException("the committed results file is empty");
        var rows = Merge(committed.Scenarios.Select(s => (s.Name, s)).ToList(),
            fresh.Select(r => (r.Name, new JsonScenario(r.Name, r.Value, r.Unit, r.Baseline, r.BaselineValue, r.Ratio))).ToList());
        return Results.ToJson(committed with { Scenarios = rows });
    }

    /// <summary>README's block with the fresh rows' lines in place of theirs and a line saying which rows come from which run.</summary>
    public static string MergeReadmeBlock(string block, IReadOnlyList<ScenarioResult> fresh, DateTimeOffset date, string command, string detailsPath)
    {
        var lines = block.Split('\n').ToList();
        var rows = lines.Where(IsRow).Select(l => (NameOf(l), l)).ToList();
        var freshRows = Results.Table(fresh).Split('\n').Where(IsRow).Select(l => (NameOf(l), l)).ToList();
        var merged = Merge(rows, freshRows);
        var first = lines.FindIndex(IsRow);
        lines.RemoveAll(IsRow);
        lines.InsertRange(first, merged);
        // An earlier merge's line goes when this run measured again every row it names.
        var names = fresh.Select(r => r.Name).ToHashSet();
        lines.RemoveAll(l => l.StartsWith(PartialRunLine, StringComparison.Ordinal) && l.Contains(": partial run of ", StringComparison.Ordinal)
                             && l[..l.IndexOf(": partial run of ", StringComparison.Ordinal)].Split('`').Where((_, i) => i % 2 == 1).All(names.Contains));
        var results = lines.FindIndex(l => l.StartsWith("Results:", StringComparison.Ordinal));
        lines.Insert(results + 1, $"{PartialRunLine}{string.Join(", ", fresh.Select(r => $"`{r.Name}`"))}: partial run of {date:yyyy-MM-dd HH:mm} UTC " +
                                  $"(`{command}`, baselines measured in the same run; details: [{detailsPath}]({detailsPath})).");
        return string.Join('\n', lines);
    }

    private static List<T> Merge<T>(List<(string Name, T Row)> committed, List<(string Name, T Row)> fresh)
    {
        var byName = fresh.ToDictionary(f => f.Name, f => f.Row);
        var merged = committed.Select(c => (c.Name, Row: byName.Remove(c.Name, out var f) ? f : c.Row)).ToList();
        // A row new to the committed results goes after the row it follows in this run (replay-vs-marten-rebuild after replay).
        for (var i = 0; i < fresh.Count; i++)
        {
            if (!byName.ContainsKey(fresh[i].Name)) continue;
            var after = i == 0 ? -1 : merged.FindIndex(m => m.Name == fresh[i - 1].Name);
            merged.Insert(after < 0 ? merged.Count : after + 1, fresh[i]);
        }
        return merged.Select(m => m.Row).ToList();
    }

    private static bool IsRow(string line) => line.StartsWith("| `", StringComparison.Ordinal);

    private static string NameOf(string row) => row.Split('`')[1];
}
