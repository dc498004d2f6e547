using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EventCrm.Bench.Runner;

namespace EventCrm.Bench.Reporting;

/// <summary>The file bench/results/{latest|quick}.json: {"date", "machine", "mode", "scenarios": [...]}.</summary>
public sealed record BenchResults(DateTimeOffset Date, string Machine, string Mode, IReadOnlyList<JsonScenario> Scenarios);

public sealed record JsonScenario(string Name, double Value, string Unit, string? Baseline, double? BaselineValue, double? Ratio);

public static class Results
{
    public const string StartMarker = "<!-- bench:start -->", EndMarker = "<!-- bench:end -->";
    private static readonly CultureInfo En = CultureInfo.InvariantCulture;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file, not HTML: keep "+" readable
    };

    public static string ToJson(DateTimeOffset date, string machine, string mode, IReadOnlyList<ScenarioResult> results) =>
        ToJson(new BenchResults(date, machine, mode, results.Select(r => new JsonScenario(r.Name, r.Value, r.Unit, r.Baseline, r.BaselineValue, r.Ratio)).ToList()));

    public static string ToJson(BenchResults results) => JsonSerializer.Serialize(results, Json) + "\n";

    /// <summary>The Markdown table: scenario, figure, baseline, ratio, and the target when the issues set one.</summary>
    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var s = new StringBuilder();
        s.AppendLine("| scenario | figure | baseline | ratio | target |");
        s.AppendLine("|---|---:|---|---:|---|");
        foreach (var r in results)
        {
            var baseline = r.Baseline switch
            {
                null => "",
                Baselines.Floor => $"floor {Format(r.BaselineValue ?? 0, r.Unit)}",
                // The COPY baselines count rows; a figure against another figure (marten-rebuild) keeps its unit.
                _ when r.BaselineValue is { } v => $"{r.Baseline} ({Format(v, r.Unit == "events/s" && r.Baseline.EndsWith("-baseline") ? "rows/s" : r.Unit)})",
                _ => r.Baseline,
            };
            var target = r.Target is null ? "" : $"{r.Target} {(r.Met == true ? "✅ met" : "❌ not met")}";
            s.AppendLine($"| `{r.Name}` | {Format(r.Value, r.Unit)} | {baseline} | {(r.Ratio is { } ratio ? ratio.ToString("0.####", En) : "")} | {target} |");
        }
        return s.ToString();
    }

    public static string Format(double value, string unit) => unit switch
    {
        "rows/s" or "events/s" => $"{value.ToString("N0", En)} {unit}",
        "ms" => $"{value.ToString("0.00", En)} ms",
        "s" => $"{value.ToString("0.000", En)} s",
        "MB" => $"{value.ToString("N0", En)} MB",
        _ => $"{value.ToString(En)} {unit}",
    };

    /// <summary>The part of README's "Performance" section between the markers.</summary>
    public static string ReadmeBlock(DateTimeOffset date, string machine, string noise, string mode, string jsonPath, string detailsPath, IReadOnlyList<ScenarioResult> results) =>
        $"""
        {StartMarker}
        Last run: {date:yyyy-MM-dd HH:mm} UTC, mode **{mode}**, by `./eventcrm bench{(mode == "quick" ? " --quick" : "")}`.
        Machine: {machine}. {noise}
        Results: [{jsonPath}]({jsonPath}); phases, latency spreads and the statements the time went to: [{detailsPath}]({detailsPath}).

        {Table(results).TrimEnd()}
        {EndMarker}
        """;

    /// <summary>The marked block of README.md, markers included, or null.</summary>
    public static string? ReadmeBlockIn(string readmePath)
    {
        var text = File.ReadAllText(readmePath);
        var start = text.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = text.IndexOf(EndMarker, StringComparison.Ordinal);
        return start >= 0 && end > start ? text[start..(end + EndMarker.Length)] : null;
    }

    /// <summary>Replaces the marked block of README.md (appending the section when it is missing); touches nothing else.</summary>
    public static void RewriteReadme(string readmePath, string block)
    {
        var text = File.ReadAllText(readmePath);
        var start = text.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = text.IndexOf(EndMarker, StringComparison.Ordinal);
        string updated;
        if (start >= 0 && end > start)
            updated = text[..start] + block + text[(end + EndMarker.Length)..];
        else
            updated = text.TrimEnd() + "\n\n## Performance\n\n" + block + "\n";
        if (updated != text) File.WriteAllText(readmePath, updated);
    }

    public static string Details(DateTimeOffset date, string machine, string noise, string mode, IReadOnlyList<Figure> figures,
        IReadOnlyDictionary<string, List<string>> log, IReadOnlyList<HostRun> hosts, IReadOnlyList<string> failures)
    {
        var s = new StringBuilder();
        s.AppendLine($"# Benchmark details ({mode}, {date:yyyy-MM-dd HH:mm} UTC)");
        s.AppendLine();
        s.AppendLine($"Machine: {machine}. {noise}");
        s.AppendLine();
        if (failures.Count > 0)
        {
            s.AppendLine("## Failures");
            s.AppendLine();
            foreach (var f in failures) s.AppendLine($"- {f}");
            s.AppendLine();
        }
        s.AppendLine("## Figures");
        s.AppendLine();
        foreach (var f in figures) s.AppendLine($"- `{f.Name}` = {Format(f.Value, f.Unit)}{(f.Note is null ? "" : $": {f.Note}")}");
        s.AppendLine();
        s.AppendLine("## Host processes");
        s.AppendLine();
        s.AppendLine("| run | start to healthy | peak working set (VmHWM) |");
        s.AppendLine("|---|---:|---:|");
        foreach (var h in hosts) s.AppendLine($"| {h.Label} | {h.StartSeconds:F1} s | {h.PeakWorkingSetMb:N0} MB |");
        foreach (var (scenario, lines) in log)
        {
            s.AppendLine();
            s.AppendLine($"## {scenario}");
            s.AppendLine();
            var inTable = false;
            foreach (var line in lines)
            {
                var isRow = line.StartsWith('|');
                if (isRow && !inTable) s.AppendLine();
                if (!isRow && inTable) s.AppendLine();
                s.AppendLine(isRow ? line : $"- {line}");
                inTable = isRow;
            }
        }
        return s.ToString();
    }
}
