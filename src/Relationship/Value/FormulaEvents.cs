namespace EventCrm.Relationship.Value;

// The events of the formula registry stream. Never rename one once shipped.

public sealed record FormulaVersionRegistered(string Name, int Version, IReadOnlyDictionary<string, decimal> Parameters);

public sealed record FormulaPutInForce(string Name, int Version);
