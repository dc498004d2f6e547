using EventCrm.Host.Imports;
using EventCrm.Relationship.Touchpoints;
using Shouldly;

namespace EventCrm.Relationship.Tests.Touchpoints;

/// <summary>
/// A contributor adds a touchpoint type (docs/contributing.md). Two of its steps fail nothing at build or start when
/// skipped: the reader's case (step 4), without which POST /api/touchpoints and the import call the type "not a
/// touchpoint type" while naming it among the expected ones, and a new field's import column (step 4), without which
/// every file carrying that column is refused as "unknown column(s)". Both are read here from the reader itself
/// (<see cref="WhatTheReaderAsks"/>), type by type of <see cref="TouchpointTypes.ByName"/>, without a database.
/// There are no exceptions: the import reads its rows with the API's reader, so every field a client may send is a
/// column a file may carry.
/// </summary>
public class when_a_touchpoint_type_is_sent_and_imported
{
    private const string Reader = "src/Host/Touchpoints/TouchpointReader.cs";
    private const string Csv = "src/Host/Imports/TouchpointCsv.cs";

    private static IEnumerable<WhatTheReaderAsks> SentByClients() =>
        TouchpointTypes.ByName.Keys.Where(t => !TouchpointTypes.RecordedByTheService.Contains(t)).Select(WhatTheReaderAsks.Of);

    [Fact]
    public void every_type_clients_send_has_its_case_in_the_reader()
    {
        var problems = SentByClients().Where(t => !t.ReadsTheType).Select(t =>
            $"touchpoint type '{t.Type}' ({TouchpointTypes.ByName[t.Type].Name}) has no case in the type switch of TouchpointReader.Read " +
            $"({Reader}): POST /api/touchpoints and the import refuse it as not a touchpoint type. Give it its case, reading each " +
            "field of the record with its rule (docs/contributing.md, step 4)").ToList();
        // Thrown with the problems as its first lines: the test run's summary shows them.
        if (problems.Count > 0) Assert.Fail(string.Join('\n', problems));
    }

    [Fact]
    public void no_type_the_service_alone_records_has_a_case_in_the_reader()
    {
        // A case comes before the reader's refusal of these types: with one, any caller could send the service's decisions.
        var problems = TouchpointTypes.RecordedByTheService.Select(WhatTheReaderAsks.Of).Where(t => t.ReadsTheType).Select(t =>
            $"touchpoint type '{t.Type}' is recorded by the service alone (TouchpointTypes.RecordedByTheService), yet TouchpointReader.Read " +
            $"({Reader}) reads it: remove its case, or callers may send it").ToList();
        if (problems.Count > 0) Assert.Fail(string.Join('\n', problems));
    }

    [Fact]
    public void every_field_the_api_reads_is_a_column_of_the_import_file_of_its_kind()
    {
        var problems = SentByClients().SelectMany(t => t.Fields.Select(f => ColumnProblem(t.Type, f))).OfType<string>().Distinct().ToList();
        if (problems.Count > 0) Assert.Fail(string.Join('\n', problems));
    }

    [Fact]
    public void the_import_doc_lists_the_optional_columns_of_the_file()
    {
        var listed = ImportDocColumns();

        var problems = TouchpointCsv.Fields.Except(listed).Select(c =>
                $"docs/import.md, \"The file\": the list of the optional columns lacks {c}, a column of TouchpointCsv.Fields ({Csv}): " +
                "add it (docs/contributing.md, step 4)")
            .Concat(listed.Except(TouchpointCsv.Fields).Select(c =>
                $"docs/import.md, \"The file\": the list of the optional columns names {c}, which TouchpointCsv.Fields ({Csv}) does not have"))
            .ToList();
        if (problems.Count > 0) Assert.Fail(string.Join('\n', problems));
    }

    [Fact]
    public void what_the_reader_asks_of_a_type_is_as_docs_api_md_lists_it()
    {
        // What the checks above rest on, worked from docs/api.md's table of POST /api/touchpoints.
        var purchase = WhatTheReaderAsks.Of(TouchpointTypes.Purchase);
        purchase.ReadsTheType.ShouldBeTrue();
        purchase.Fields.ShouldBe([new("orderId", FieldKind.Text), new("amount", FieldKind.Number), new("margin", FieldKind.Number), new("category", FieldKind.Text)]);
        WhatTheReaderAsks.Of(TouchpointTypes.SupportCall).Fields.ShouldBe(
            [new("durationMinutes", FieldKind.WholeNumber), new("cost", FieldKind.Number), new("reason", FieldKind.Text), new("resolved", FieldKind.Flag)]);
        // A name no case reads, and a type the reader refuses to callers.
        WhatTheReaderAsks.Of("fixture-of-when-a-touchpoint-type-is-sent-and-imported").ReadsTheType.ShouldBeFalse();
        WhatTheReaderAsks.Of(TouchpointTypes.RetentionOfferMade).ReadsTheType.ShouldBeFalse();
    }

    private static string? ColumnProblem(string type, AskedField field)
    {
        var number = field.Kind is FieldKind.Number or FieldKind.WholeNumber;
        var flag = field.Kind is FieldKind.Flag;
        if (!TouchpointCsv.Fields.Contains(field.Name))
            return $"'{field.Name}', a field of touchpoint type '{type}' that POST /api/touchpoints reads, is not a column of the import file: " +
                   "an import refuses every file with that column (\"unknown column(s)\"). Add it to Fields" +
                   (number ? " and to Numbers" : flag ? " and to Flags" : "") +
                   $" in {Csv}, and to the optional columns of docs/import.md, \"The file\" (docs/contributing.md, step 4)";
        if (number != TouchpointCsv.IsNumberColumn(field.Name) || flag != TouchpointCsv.IsFlagColumn(field.Name))
            return $"'{field.Name}' of touchpoint type '{type}' is read as {Words(field.Kind)} by POST /api/touchpoints, and its import column " +
                   $"is {(TouchpointCsv.IsNumberColumn(field.Name) ? "in Numbers" : TouchpointCsv.IsFlagColumn(field.Name) ? "in Flags" : "a text column")}: " +
                   $"its cells would be refused or misread. {(number ? "Put it in Numbers" : flag ? "Put it in Flags" : "Take it out of Numbers and Flags")} " +
                   $"in {Csv} (docs/contributing.md, step 4)";
        return null;
    }

    private static string Words(FieldKind kind) => kind switch
    {
        FieldKind.Number => "a number",
        FieldKind.WholeNumber => "a whole number",
        FieldKind.Flag => "a flag",
        _ => "text",
    };

    /// <summary>The code span after "The others are the fields of the touchpoint types" in docs/import.md, cut at its commas.</summary>
    private static List<string> ImportDocColumns()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "import.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("The others are the fields of the touchpoint types", StringComparison.Ordinal));
        start.ShouldBeGreaterThanOrEqualTo(0, "docs/import.md, \"The file\", no longer introduces its optional columns with " +
            "\"The others are the fields of the touchpoint types\": keep the sentence or change this test");
        var span = string.Join(' ', lines.Skip(start + 1).SkipWhile(string.IsNullOrWhiteSpace).TakeWhile(l => !string.IsNullOrWhiteSpace(l)));
        var inner = span.Split('`');
        inner.Length.ShouldBeGreaterThanOrEqualTo(3, $"docs/import.md lists its optional columns in one code span, not as: {span}");
        return inner[1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
