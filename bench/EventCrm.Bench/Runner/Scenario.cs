namespace EventCrm.Bench.Runner;

/// <summary>
/// A scenario is a function: it prepares what it needs (its own schema, its own Host process),
/// measures, and returns its figures. Adding one (import, replay, export, once they exist) is one
/// more entry in <see cref="Scenarios.All"/>.
/// </summary>
public sealed record Scenario(string Name, string Description, Func<BenchContext, CancellationToken, Task<IReadOnlyList<Figure>>> Run);
