using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace EventCrm.Relationship.Value;

// Maximum likelihood for models whose parameters are all positive (BG/NBD, Gamma-Gamma).
// Nelder-Mead works on the logarithms of the parameters, so every point it tries is valid and
// parameters of very different scales (r ~ 0.2, alpha ~ 4) get comparable steps. Nelder-Mead can
// stall on a collapsed simplex, so each run is restarted with a fresh full-size simplex around
// its own optimum until a restart no longer improves, and the best of several starts wins.
internal static class PositiveParameterMaximiser
{
    private const double Tolerance = 1e-12;
    private const int IterationsPerRun = 20_000;
    private const int MaximumRestarts = 10;
    private const double InitialLogStep = 0.5;
    private const double LogBound = 30;   // e^30: beyond it a parameter only means the data say "unbounded"

    public static (double[] Parameters, double LogLikelihood) Maximise(Func<double[], double> logLikelihood, IEnumerable<double[]> starts)
    {
        double[]? best = null;
        var bestValue = double.NegativeInfinity;
        foreach (var start in starts)
        {
            var (point, value) = FromStart(logLikelihood, start);
            if (value > bestValue) (best, bestValue) = (point, value);
        }
        if (best is null || double.IsNegativeInfinity(bestValue))
            throw new InvalidOperationException("the likelihood could not be maximised from any starting point");
        return (best, bestValue);
    }

    private static (double[] Point, double Value) FromStart(Func<double[], double> logLikelihood, double[] start)
    {
        var objective = ObjectiveFunction.Value(logs => NegatedLogLikelihood(logLikelihood, logs));
        var logs = Vector<double>.Build.DenseOfEnumerable(start.Select(v => Math.Log(v)));
        var step = Vector<double>.Build.Dense(start.Length, InitialLogStep);
        var value = NegatedLogLikelihood(logLikelihood, logs);

        for (var restart = 0; restart <= MaximumRestarts; restart++)
        {
            MinimizationResult result;
            try
            {
                result = NelderMeadSimplex.Minimum(objective, logs, step, Tolerance, IterationsPerRun);
            }
            catch (MaximumIterationsException)
            {
                // A start that never converged says nothing; a restart that did not keeps what the
                // converged runs before it found.
                if (restart == 0) return (start, double.NegativeInfinity);
                break;
            }

            var improvement = value - result.FunctionInfoAtMinimum.Value;
            if (result.FunctionInfoAtMinimum.Value < value)
                (logs, value) = (result.MinimizingPoint, result.FunctionInfoAtMinimum.Value);
            if (improvement <= Tolerance * Math.Max(1, Math.Abs(value))) break;
        }
        return (logs.Select(v => Math.Exp(v)).ToArray(), -value);
    }

    private static double NegatedLogLikelihood(Func<double[], double> logLikelihood, Vector<double> logs)
    {
        if (logs.Any(v => Math.Abs(v) > LogBound)) return double.MaxValue;
        var value = logLikelihood(logs.Select(v => Math.Exp(v)).ToArray());
        return double.IsFinite(value) ? -value : double.MaxValue;
    }
}
