using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

// Fader and Hardie (2013), note 025, on the 946 CDNOW repeat buyers:
// p = 6.25, q = 3.74, gamma = 15.44, LL = -4055.92.
public class when_fitting_gamma_gamma_to_cdnow
{
    private static readonly GammaGammaFit Fitted =
        GammaGamma.Fit(Cdnow.CalibrationSummaries.Where(s => s.Spend is not null).Select(s => s.Spend!.Value));

    private static void ShouldBeWithinHalfAPercent(double actual, double published) =>
        Math.Abs(actual - published).ShouldBeLessThanOrEqualTo(0.005 * Math.Abs(published), $"fitted {actual}, published {published}");

    [Fact]
    public void it_fits_the_946_repeat_buyers() => Fitted.Customers.ShouldBe(946);

    [Fact]
    public void p_is_the_published_6_25() => ShouldBeWithinHalfAPercent(Fitted.Parameters.P, 6.25);

    [Fact]
    public void q_is_the_published_3_74() => ShouldBeWithinHalfAPercent(Fitted.Parameters.Q, 3.74);

    [Fact]
    public void gamma_is_the_published_15_44() => ShouldBeWithinHalfAPercent(Fitted.Parameters.Gamma, 15.44);

    [Fact]
    public void the_log_likelihood_is_the_published_minus_4055_92() => ShouldBeWithinHalfAPercent(Fitted.LogLikelihood, -4055.92);
}
