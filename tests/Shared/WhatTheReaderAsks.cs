using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Tests.Shared;

/// <summary>The kind of value a field is read as: what decides whether its import column is a number or flag column.</summary>
public enum FieldKind { Text, Number, WholeNumber, Flag }

public sealed record AskedField(string Name, FieldKind Kind);

/// <summary>
/// What <see cref="TouchpointReader"/> (POST /api/touchpoints and the import alike) makes of a type: whether it
/// reads it at all (a type without its case is refused on <c>type</c>), and the fields it asks for beyond the four
/// every touchpoint has, in the order it asks, each with the kind of value it takes.
/// </summary>
public sealed record WhatTheReaderAsks(string Type, bool ReadsTheType, IReadOnlyList<AskedField> Fields)
{
    public static readonly IReadOnlyList<string> Common = ["type", "touchpointId", "customerId", "occurredAt"];

    /// <summary>
    /// Found by reading a touchpoint that gives its type and the four common fields only, through a source
    /// that notes every name the reader takes: the reader's own switch is the list, nothing kept by hand.
    /// </summary>
    public static WhatTheReaderAsks Of(string type)
    {
        var source = new Noting(type);
        var (_, errors) = TouchpointReader.Read(source, new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        return new(type, !errors.Any(e => e.Field == "type"), source.Asked.Where(f => !Common.Contains(f.Name)).Distinct().ToList());
    }

    private sealed class Noting(string type) : TouchpointFields
    {
        public List<AskedField> Asked { get; } = [];

        protected override (string? Text, string? Problem) TakeText(string name)
        {
            Asked.Add(new(name, FieldKind.Text));
            return (name switch
            {
                "type" => type,
                "touchpointId" => "t-1",
                "customerId" => "c-1",
                "occurredAt" => "2025-05-01T10:00:00Z",
                _ => null,
            }, null);
        }

        protected override (decimal? Number, string? Problem) TakeDecimal(string name) => Nothing<decimal>(name, FieldKind.Number);

        protected override (int? Number, string? Problem) TakeInt(string name) => Nothing<int>(name, FieldKind.WholeNumber);

        protected override (bool? Flag, string? Problem) TakeBool(string name) => Nothing<bool>(name, FieldKind.Flag);

        protected override IEnumerable<string> Untaken() => [];

        private (T?, string?) Nothing<T>(string name, FieldKind kind) where T : struct
        {
            Asked.Add(new(name, kind));
            return (null, null);
        }
    }
}
