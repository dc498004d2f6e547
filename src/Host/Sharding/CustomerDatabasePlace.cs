namespace EventCrm.Host.Sharding;

/// <summary>
/// A database's place in the deployment its customers belong to, the one record of it (table
/// <c>&lt;schema&gt;.customer_database_place</c>, one row): how many databases the customers are spread over
/// (<see cref="Databases"/>), this one's index in <c>Tenancy:Databases</c> (<see cref="Position"/>, 0 with one
/// database; null for a database that holds none of them: the <c>ConnectionStrings:EventCrm</c> set beside the
/// list), the layout it belongs to (<see cref="Layout"/>, an id drawn at the layout's first start, the same in
/// every database of it; null in a record carried over from a version that did not draw one) and the
/// deployment's databases, host, port and name only (<see cref="Listed"/>: no user, no password), so that a
/// refusal can say what to give instead. <see cref="PlaceUnknown"/>: a record carried over from a version before
/// 2026-12-07, which recorded the number alone (<see cref="Position"/> null then does not mean none).
/// <see cref="CarriedOver"/>: read from the version before's two records, so written in the one record at the next start.
/// </summary>
public sealed record CustomerDatabasePlace(int Databases, int? Position, string? Layout, IReadOnlyList<string> Listed, bool PlaceUnknown = false, bool CarriedOver = false)
{
    /// <summary>A place among the databases the customers are spread over, recorded or not: the number counts.</summary>
    public bool HoldsCustomers => Position is not null || PlaceUnknown;

    /// <summary>Tenancy__Databases__0="Host=...;Port=...;Database=...", one a line.</summary>
    public string Variables() => string.Join(Environment.NewLine,
        Listed.Select((database, i) => $"  Tenancy__Databases__{i}=\"{database}\""));

    /// <summary>The same record, the list compared by its items (a record compares lists by reference).</summary>
    public bool SameAs(CustomerDatabasePlace? other) =>
        other is { CarriedOver: false } && other.Databases == Databases && other.Position == Position && other.Layout == Layout && other.Listed.SequenceEqual(Listed);
}
