using System.Reflection;

namespace EventCrm.Relationship;

/// <summary>
/// A field of an answer, or a parameter of a route, that takes only the words the service names in
/// <paramref name="constants"/>: its public <c>const string</c> fields, each a word, and nothing else of its kind there.
/// The OpenAPI document declares them as the field's <c>enum</c> (the Host's WordsInOpenApi), read from the same
/// constants the code writes and checks, so that the document cannot list a word the code has dropped.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class WordsAttribute(Type constants) : Attribute
{
    public Type Constants { get; } = constants;

    public IReadOnlyList<string> Words => Of(Constants);

    public static IReadOnlyList<string> Of(Type constants) =>
        constants.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field is { IsLiteral: true } && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
