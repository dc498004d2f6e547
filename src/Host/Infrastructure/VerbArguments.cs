using System.Reflection;
using JasperFx.CommandLine;
using JasperFx.CommandLine.Parsing;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The arguments of one of the Host's verbs, read before the application is built, so that one
/// that cannot be read is refused in one line on standard error naming its flag, exit code 1.
/// JasperFx reads them itself later, and wrote 25 lines of "Invalid usage" and the verb's help for
/// an unknown flag or a flag without its value, and "Error parsing input" with a .NET stack trace
/// for a value of the wrong kind (<c>seed-demo --customers abc</c>).
/// </summary>
public static class VerbArguments
{
    /// <summary>The one-line refusal of the arguments, or null when they read (or the verb is not one of ours).</summary>
    public static string? Refusal(string[] args)
    {
        if (!DataVerbs.Starts(args)) return null;
        var verb = args[0].ToLowerInvariant();
        var verbs = new CommandFactory();
        verbs.RegisterCommands(typeof(VerbArguments).Assembly);
        var command = verbs.Build(verb);
        var words = ArgPreprocessor.Process(args.Skip(1)).ToArray();
        try
        {
            Read(command, words);
            return null;
        }
        catch (InvalidUsageException e)
        {
            return $"{verb}: {e.Message.TrimEnd('.')}; `{verb} --help` lists its flags";
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return $"{verb}: {WrongValue(command, words) ?? e.Message}";
        }
    }

    private static void Read(IJasperFxCommand command, IEnumerable<string> words) =>
        command.Usages.BuildInput(new Queue<string>(words), new ActivatorCommandCreator());

    /// <summary>"--customers: 'abc' is not a whole number": the flag whose value alone does not read.</summary>
    private static string? WrongValue(IJasperFxCommand command, string[] words)
    {
        for (var i = 0; i + 1 < words.Length; i++)
        {
            if (!InputParser.IsFlag(words[i])) continue;
            try
            {
                Read(command, [words[i], words[i + 1]]);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                var member = Members(command.InputType).FirstOrDefault(m => InputParser.IsFlagFor(words[i], m));
                return $"{words[i]}: '{words[i + 1]}' is not {Kind(member)}";
            }
            catch (InvalidUsageException)
            {
                // Not this pair's value: the flag takes none, or the word after it is another flag.
            }
        }
        return null;
    }

    private static IEnumerable<MemberInfo> Members(Type input) =>
        input.GetProperties().Cast<MemberInfo>().Concat(input.GetFields());

    private static string Kind(MemberInfo? member)
    {
        var type = member switch { PropertyInfo p => p.PropertyType, FieldInfo f => f.FieldType, _ => null };
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "a value this flag takes",
            { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(int) => "a whole number from -2,147,483,648 to 2,147,483,647",
            _ when type == typeof(long) => "a whole number",
            _ when type == typeof(decimal) || type == typeof(double) => "a number",
            _ => "a value this flag takes",
        };
    }
}
