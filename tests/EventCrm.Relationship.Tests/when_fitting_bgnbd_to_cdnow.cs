using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

// FHL 2005, Table 2: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
public class when_fitting_bgnbd_to_cdnow
{
    private static readonly BgNbdFit Fitted = BgNbd.Fit(Cdnow.CalibrationSummaries.Select(s => s.History));

    private static void ShouldBeWithinHalfAPercent(double actual, double published) =>
        Math.Abs(actual - published).ShouldBeLessThanOrEqualTo(0.005 * Math.Abs(published), $"fitted {actual}, published {published}");

    [Fact]
    public void it_fits_every_customer() => Fitted.Customers.ShouldBe(2357);

    [Fact]
    public void r_is_the_published_0_243() => ShouldBeWithinHalfAPercent(Fitted.Parameters.R, 0.243);

    [Fact]
    public void alpha_is_the_published_4_414() => ShouldBeWithinHalfAPercent(Fitted.Parameters.Alpha, 4.414);

    [Fact]
    public void a_is_the_published_0_793() => ShouldBeWithinHalfAPercent(Fitted.Parameters.A, 0.793);

    [Fact]
    public void b_is_the_published_2_426() => ShouldBeWithinHalfAPercent(Fitted.Parameters.B, 2.426);

    [Fact]
    public void the_log_likelihood_is_the_published_minus_9582_4() => ShouldBeWithinHalfAPercent(Fitted.LogLikelihood, -9582.4);

    [Fact]
    public void the_summed_log_likelihood_agrees_with_the_per_customer_one()
    {
        var summed = Cdnow.CalibrationSummaries.Sum(s => BgNbd.LogLikelihood(Fitted.Parameters, s.History));

        summed.ShouldBe(Fitted.LogLikelihood, tolerance: 1e-6);
    }
}
