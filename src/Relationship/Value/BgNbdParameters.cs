namespace EventCrm.Relationship.Value;

// BG/NBD's four population parameters (FHL 2005): while alive a customer buys at a Poisson rate
// lambda ~ Gamma(shape R, rate Alpha) per week; after each purchase they drop out with a
// probability p ~ Beta(A, B). All four must be positive.
public sealed record BgNbdParameters
{
    public double R { get; }
    public double Alpha { get; }
    public double A { get; }
    public double B { get; }

    public BgNbdParameters(double r, double alpha, double a, double b)
    {
        R = Positive(r, nameof(r));
        Alpha = Positive(alpha, nameof(alpha));
        A = Positive(a, nameof(a));
        B = Positive(b, nameof(b));
    }

    internal static double Positive(double value, string name) =>
        value > 0 && !double.IsInfinity(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, "must be a positive finite number");
}
