using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

// Closed forms of 2F1 (Abramowitz and Stegun 15.1.3, 15.1.6, 15.1.8, 15.1.9) computed here with
// the standard library, independently of the series.
public class when_evaluating_the_hypergeometric_function
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void one_one_two_is_minus_log_one_minus_z_over_z(double z)
    {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z; at z = 0.5 that is ln 2 / 0.5 = 1.386294...
        Hypergeometric.Gauss2F1(1, 1, 2, z).ShouldBe(-Math.Log(1 - z) / z, tolerance: 1e-13 * -Math.Log(1 - z) / z);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.7)]
    [InlineData(0.95)]
    public void half_half_three_halves_of_z_squared_is_arcsine(double z)
    {
        // 2F1(1/2, 1/2; 3/2; z^2) = arcsin(z) / z
        Hypergeometric.Gauss2F1(0.5, 0.5, 1.5, z * z).ShouldBe(Math.Asin(z) / z, tolerance: 1e-13);
    }

    [Fact]
    public void half_one_three_halves_of_minus_z_squared_is_arctangent()
    {
        // 2F1(1/2, 1; 3/2; -z^2) = arctan(z) / z; z = 0.8: atan(0.8) / 0.8 = 0.674740942 / 0.8 = 0.843426...
        Hypergeometric.Gauss2F1(0.5, 1, 1.5, -0.64).ShouldBe(Math.Atan(0.8) / 0.8, tolerance: 1e-13);
    }

    [Theory]
    [InlineData(0.75, 0.9)]
    [InlineData(1.3, 0.5)]
    [InlineData(2.1, 0.99)]
    public void a_a_plus_half_one_half_of_z_squared_is_the_mean_of_two_powers(double a, double z)
    {
        // 2F1(a, a + 1/2; 1/2; z^2) = ((1 + z)^(-2a) + (1 - z)^(-2a)) / 2. Here c - a - b = -2a < 0,
        // the case BG/NBD always has; a = 0.75, z = 0.9: (1.9^-1.5 + 0.1^-1.5) / 2 = (0.38183 + 31.62278) / 2 = 16.0023
        var expected = (Math.Pow(1 + z, -2 * a) + Math.Pow(1 - z, -2 * a)) / 2;

        Hypergeometric.Gauss2F1(a, a + 0.5, 0.5, z * z).ShouldBe(expected, tolerance: 1e-12 * expected);
    }

    [Fact]
    public void a_negative_integer_a_ends_the_series_as_a_polynomial()
    {
        // 2F1(-2, b; c; z) = 1 - 2 b z / c + b (b + 1) z^2 / (c (c + 1)); b = 3, c = 4, z = 0.5:
        // 1 - 2 x 3 x 0.5 / 4 + 3 x 4 x 0.25 / 20 = 1 - 0.75 + 0.15 = 0.4
        Hypergeometric.Gauss2F1(-2, 3, 4, 0.5).ShouldBe(0.4, tolerance: 1e-15);
    }

    [Fact]
    public void at_zero_it_is_one() => Hypergeometric.Gauss2F1(0.3, 7, 2.5, 0).ShouldBe(1);

    [Fact]
    public void outside_the_unit_disc_it_refuses() =>
        Should.Throw<ArgumentOutOfRangeException>(() => Hypergeometric.Gauss2F1(1, 1, 2, 1));
}
