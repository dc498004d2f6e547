using System.Reflection;
using EventCrm.Host.Reliability;
using JasperFx.CommandLine;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// One of the Host's own verbs. A database it cannot reach, or none configured, is one line on
/// standard error naming the setting to check, exit 1: JasperFx would print the exception's stack
/// trace on standard output, where the verb's results go.
/// </summary>
public abstract class DataVerb<TInput> : JasperFxAsyncCommand<TInput>
{
    public sealed override async Task<bool> Execute(TInput input)
    {
        try
        {
            return await Run(input);
        }
        catch (SettingRefusedException refused)
        {
            // No database configured (read when the verb first asks for the store): its one line, not JasperFx's stack trace.
            return CommandFailure.Report(Verb, refused.Message);
        }
        catch (Exception e) when (DatabaseFaults.IsUnavailable(e))
        {
            // With several databases, which one (its id and host:port), and its own setting to check.
            var named = DatabaseNames.NamedBy(e, DatabaseNames.Remembered);
            if (named.Count > 0 && named.All(d => d.OneOfSeveral))
                return CommandFailure.Report(Verb, $"{DatabaseNames.Describe(named)} cannot be reached ({DatabaseOutageLog.Describe(e)}). " +
                                                   $"Check {string.Join(" and ", named.Select(d => d.Setting))} and that PostgreSQL is running there, " +
                                                   "then run the command again.");
            return CommandFailure.Report(Verb, $"{StartRefusals.Unreached(e)} cannot be reached ({DatabaseOutageLog.Describe(e)}). Check ConnectionStrings:EventCrm " +
                                               "(or Tenancy:Databases) and that PostgreSQL is running, then run the command again.");
        }
        catch (Exception e) when (PreparedStatementsOutOfStep.Caused(e))
        {
            // An import or a replay meets it here only after running again twice on fresh connections.
            var cause = DatabaseFaults.Chain(e).Last().Message;
            return CommandFailure.Report(Verb, $"a database connection had lost track of its prepared statements ({cause}) and the command stopped. " +
                                               "Run the same command again: an import appends only the rows not stored yet, a replay goes on after " +
                                               "its last customer written.");
        }
    }

    protected abstract Task<bool> Run(TInput input);

    private string Verb => GetType().GetCustomAttribute<DescriptionAttribute>()?.Name ?? GetType().Name;
}
