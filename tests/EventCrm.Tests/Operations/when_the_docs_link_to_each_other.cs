using System.Text.RegularExpressions;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// The README, the docs and the changelog send readers to each other's sections, and to the sources and tests by path:
/// a heading reworded or a file moved must not leave a reader at a link that goes nowhere.
/// </summary>
public partial class when_the_docs_link_to_each_other
{
    private static readonly string Root = RepositoryRoot();

    [Fact]
    public void every_relative_link_leads_to_a_file_and_every_anchor_to_a_heading_of_it()
    {
        var documents = new[] { "README.md", "CHANGELOG.md" }.Select(f => Path.Combine(Root, f))
            .Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md")).ToList();

        var broken = documents.SelectMany(document => LinksOf(document)
                .Where(link => !Leads(document, link))
                .Select(link => $"{Path.GetRelativePath(Root, document)}: ({link})"))
            .ToList();

        documents.Count.ShouldBeGreaterThan(10);
        broken.ShouldBeEmpty();
    }

    [Fact]
    public void no_document_sends_its_reader_outside_the_repository()
    {
        var documents = new[] { "README.md", "CHANGELOG.md" }.Select(f => Path.Combine(Root, f))
            .Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md")).ToList();

        // A path to another document written as text ("../shared/docs/architecture.md") reads as a link too: in a clone,
        // where nothing sits beside the repository, it leads nowhere. Each such path is resolved from its document.
        var outside = documents.SelectMany(document => OutsideCode(document).Split('\n')
                .SelectMany(line => RelativeDocumentPath().Matches(line).Select(m => m.Value))
                .Where(path => !Inside(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, path))))
                .Select(path => $"{Path.GetRelativePath(Root, document)}: {path}"))
            .ToList();

        if (outside.Count > 0) Assert.Fail("documents naming a file outside the repository (or none there): " + string.Join("; ", outside));
    }

    [Theory]
    [InlineData("## `GET /api/events?from=&to=&types=&customerId=` (roles `data`, `admin`)", "get-apieventsfromtotypescustomerid-roles-data-admin")]
    [InlineData("## 6. Potential value", "6-potential-value")]
    [InlineData("### Floors not met on this machine", "floors-not-met-on-this-machine")]
    public void a_heading_s_anchor_is_the_one_github_gives_it(string heading, string anchor) =>
        AnchorOf(heading.TrimStart('#').Trim()).ShouldBe(anchor);

    private static IEnumerable<string> LinksOf(string document)
    {
        var outsideCode = string.Join('\n', File.ReadAllText(document).Split("```").Where((_, i) => i % 2 == 0));
        return Link().Matches(outsideCode).Select(m => m.Groups["target"].Value)
            .Where(target => !target.Contains("://") && !target.StartsWith("mailto:"));
    }

    private static bool Leads(string document, string link)
    {
        var (path, anchor) = link.Split('#', 2) is [var p, var a] ? (p, a) : (link, null);
        var target = path.Length == 0 ? document : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, Uri.UnescapeDataString(path)));
        // A file beside the repository may exist on one machine: in a clone it does not.
        if (!Inside(target)) return false;
        if (!File.Exists(target) && !Directory.Exists(target)) return false;
        return anchor is null || !target.EndsWith(".md") || AnchorsOf(target).Contains(anchor);
    }

    private static bool Inside(string path) =>
        (path == Root || path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) && (File.Exists(path) || Directory.Exists(path));

    private static string OutsideCode(string document) => string.Join('\n', File.ReadAllText(document).Split("```").Where((_, i) => i % 2 == 0));

    private static HashSet<string> AnchorsOf(string document)
    {
        var seen = new Dictionary<string, int>();
        var anchors = new HashSet<string>();
        var outsideCode = string.Join('\n', File.ReadAllText(document).Split("```").Where((_, i) => i % 2 == 0));
        foreach (Match heading in Heading().Matches(outsideCode))
        {
            var anchor = AnchorOf(heading.Groups["text"].Value);
            // GitHub numbers a repeated heading's anchor: the second "Speed" is speed-1.
            anchors.Add(seen.TryGetValue(anchor, out var times) ? $"{anchor}-{times}" : anchor);
            seen[anchor] = times + 1;
        }
        return anchors;
    }

    /// <summary>GitHub's rule: lower case, punctuation dropped (hyphens and underscores kept), each space a hyphen.</summary>
    private static string AnchorOf(string heading) =>
        NotInAnchor().Replace(heading.Trim().ToLowerInvariant(), "").Replace(' ', '-');

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "EventCrm.sln"))) return folder.FullName;
        throw new InvalidOperationException($"No EventCrm.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"(?<![\w./])(\.\./)+[\w./-]+\.md\b")]
    private static partial Regex RelativeDocumentPath();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{Nd}\s_-]")]
    private static partial Regex NotInAnchor();
}
