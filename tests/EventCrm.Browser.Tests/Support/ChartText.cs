namespace EventCrm.Browser.Tests.Support;

/// <summary>Checks on a chart's printed words, as the browser lays them out.</summary>
public static class ChartText
{
    /// <summary>
    /// A script for EvaluateAsync: what is wrong with the axis labels of the chart in the container (a CSS selector):
    /// a label reaching past the chart's edge (an SVG cuts it off there) or drawn over another label.
    /// </summary>
    public static string Faults(string container) => $$"""
        () => {
          const svg = document.querySelector("{{container}} svg").getBoundingClientRect();
          const ticks = [...document.querySelectorAll("{{container}} .tick")].map(t => ({ text: t.textContent, r: t.getBoundingClientRect() }));
          const clash = (a, b) => a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom;
          return ticks.flatMap((a, i) => [
            ...(a.r.left < svg.left - 0.5 || a.r.right > svg.right + 0.5 ? [`“${a.text}” is cut off (${a.r.left.toFixed(0)} to ${a.r.right.toFixed(0)}, the chart ${svg.left.toFixed(0)} to ${svg.right.toFixed(0)})`] : []),
            ...ticks.slice(i + 1).filter(b => clash(a, b)).map(b => `“${a.text}” overlaps “${b.text}”`)]);
        }
        """;

    /// <summary>A script for EvaluateAsync: the axis labels of the chart in the container, in the order drawn.</summary>
    public static string Labels(string container) => $$"""() => [...document.querySelectorAll("{{container}} .tick")].map(t => t.textContent)""";
}
