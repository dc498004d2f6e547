namespace EventCrm.Relationship.Value;

// Gauss's hypergeometric function 2F1(a, b; c; z) = sum over n of (a)_n (b)_n / (c)_n z^n / n!,
// which BG/NBD's expected purchases need (FHL 2005, eq. 9 and 10) and MathNet does not provide.
// The conditional expectation calls it with z = t / (alpha + T + t), always in [0, 1), so a power
// series with a proven stopping rule is enough; no analytic continuation past |z| = 1.
public static class Hypergeometric
{
    private const double RelativeTolerance = 1e-16;
    private const int MaximumTerms = 2_000_000;   // z = 0.99999 still converges well within this

    public static double Gauss2F1(double a, double b, double c, double z)
    {
        if (double.IsNaN(z) || z <= -1 || z >= 1)
            throw new ArgumentOutOfRangeException(nameof(z), z, "2F1 is computed for -1 < z < 1 only");
        if (c <= 0 && c == Math.Floor(c))
            throw new ArgumentOutOfRangeException(nameof(c), c, "2F1 is undefined when c is 0 or a negative integer");
        if (z == 0) return 1;

        // Euler's transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z). When c-a-b < 0
        // (BG/NBD's case: c-a-b = a_model - 1 - r - x) the plain terms grow like n^(a+b-c-1) z^n before
        // they shrink, which near z = 1 costs many terms; the transformed terms shrink from the start.
        return c - a - b < 0
            ? Math.Pow(1 - z, c - a - b) * Series(c - a, c - b, c, z)
            : Series(a, b, c, z);
    }

    private static double Series(double a, double b, double c, double z)
    {
        // Once n is past every sign change of (a+n), (b+n), (c+n), the term ratio
        // (a+n)(b+n) z / ((c+n)(n+1)) moves monotonically towards z, so the tail after a term is at
        // most term * q / (1 - q) with q the larger of the next ratio and |z|: stop when that is
        // negligible. A term that is 0 means a or b is a non-positive integer: the series ended.
        var pastSignChanges = (int)Math.Ceiling(Math.Max(0, Math.Max(-a, Math.Max(-b, -c))));
        double term = 1, sum = 1;
        for (var n = 0; n < MaximumTerms; n++)
        {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            sum += term;
            if (term == 0) return sum;

            var nextRatio = Math.Abs((a + n + 1) * (b + n + 1) / ((c + n + 1) * (n + 2)) * z);
            var q = Math.Max(nextRatio, Math.Abs(z));
            if (n >= pastSignChanges && q < 1 && Math.Abs(term) * q / (1 - q) <= RelativeTolerance * Math.Abs(sum))
                return sum;
        }
        throw new ArithmeticException($"2F1({a}, {b}; {c}; {z}) did not converge in {MaximumTerms} terms");
    }
}
