using System.Globalization;
using System.Text.RegularExpressions;

namespace EventCrm.Browser.Tests.Support;

/// <summary>WCAG's contrast ratio of two CSS colours as the browser computes them ("rgb(194, 106, 0)").</summary>
public static partial class ContrastRatio
{
    public static double Between(string one, string other)
    {
        var (a, b) = (Luminance(one), Luminance(other));
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }

    private static double Luminance(string css)
    {
        var channels = Rgb().Match(css).Groups.Values.Skip(1).Select(g => double.Parse(g.Value, CultureInfo.InvariantCulture) / 255)
            .Select(c => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4)).ToArray();
        if (channels.Length != 3) throw new FormatException($"not an rgb() colour: {css}");
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    }

    [GeneratedRegex(@"^rgba?\((\d+(?:\.\d+)?), (\d+(?:\.\d+)?), (\d+(?:\.\d+)?)")]
    private static partial Regex Rgb();
}
