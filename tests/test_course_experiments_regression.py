"""Chapter 1's experiment code: checked against closed forms (mean, median, least squares)."""

import numpy as np
import pytest

from course.experiments import regression as ex


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_best_constant_is_mean_and_median(seed):
    s = ex.skewed_sample(seed=seed)
    assert ex.best_constant(s, "mse") == pytest.approx(np.mean(s), abs=1e-8)
    assert ex.best_constant(s, "mae") == pytest.approx(np.median(s), abs=1e-8)


def test_huber_constant_solves_its_estimating_equation():
    s = ex.skewed_sample(seed=3)
    for delta in (0.3, 1.0, 4.0):
        c = ex.best_constant(s, "huber", delta=delta)
        # Huber's M-estimate: the clipped residuals balance out
        assert np.clip(c - s, -delta, delta).sum() == pytest.approx(0.0, abs=1e-6)


def test_huber_path_runs_from_median_to_mean():
    s = ex.skewed_sample(seed=0)
    est = ex.huber_path(s, [1e-4, 1.0, 1e3])
    assert est[0] == pytest.approx(np.median(s), abs=1e-3)
    assert est[-1] == pytest.approx(np.mean(s), abs=1e-8)
    assert np.median(s) < est[1] < np.mean(s)


def test_housing_data_is_seeded_and_has_luxury_outliers():
    a, b = ex.housing_data(seed=5), ex.housing_data(seed=5)
    np.testing.assert_array_equal(a.price, b.price)
    assert a.is_outlier.sum() == 4
    residual = a.price - (a.intercept + a.slope * a.size)
    assert residual[a.is_outlier].min() > 7.5
    assert np.abs(residual[~a.is_outlier]).max() < 1.0
    assert not np.array_equal(ex.housing_data(seed=6).price, a.price)


def test_mse_fit_is_least_squares():
    d = ex.housing_data(seed=0)
    fit = ex.fit_line(d.size, d.price, "mse")
    slope, intercept = np.polyfit(d.size, d.price, 1)
    assert fit.slope == pytest.approx(slope, abs=1e-6)
    assert fit.intercept == pytest.approx(intercept, abs=1e-6)


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_every_loss_recovers_a_clean_line(loss):
    d = ex.housing_data(n_outliers=0, seed=1)
    fit = ex.fit_line(d.size, d.price, loss)
    assert fit.slope == pytest.approx(d.slope, abs=0.1)
    assert fit.intercept == pytest.approx(d.intercept, abs=0.15)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_robust_losses_resist_the_outliers(seed):
    d = ex.housing_data(seed=seed)
    err = {
        loss: abs(ex.fit_line(d.size, d.price, loss).slope - d.slope)
        for loss in ("mse", "mae", "huber")
    }
    assert err["mse"] > 0.3
    assert err["huber"] < err["mse"] / 3
    assert err["mae"] < err["mse"] / 3


def test_per_sample_gradients_are_bounded_for_huber_and_mae_only():
    d = ex.housing_data(seed=0)
    fits = {loss: ex.fit_line(d.size, d.price, loss, delta=1.0) for loss in ("mse", "mae", "huber")}
    assert np.abs(fits["huber"].grads).max() <= 1.0 + 1e-12
    assert np.abs(fits["mae"].grads).max() <= 1.0
    assert np.abs(fits["mse"].grads).max() > 10
    # the fitted line's gradients balance: the mean gradient is ~0 at the optimum (MSE, Huber)
    for loss in ("mse", "huber"):
        assert abs(fits[loss].grads.mean()) < 1e-6


def test_per_sample_matches_the_losses():
    values, grads = ex.per_sample([0.0, 0.0], [0.5, 100.0], "huber", delta=1.0)
    np.testing.assert_allclose(values, [0.125, 99.5])
    np.testing.assert_allclose(grads, [0.5, 1.0])


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="loss must be one of"):
        ex.fit_line([0.0, 1.0], [0.0, 1.0], "hinge")


def test_robust_scale_is_scipys_normal_mad_and_ignores_outliers():
    from scipy.stats import median_abs_deviation

    rng = np.random.default_rng(3)
    r = rng.normal(0.0, 0.15, 2000)
    assert ex.robust_scale(r) == pytest.approx(median_abs_deviation(r, scale="normal"), abs=1e-4)
    assert ex.robust_scale(r) == pytest.approx(0.15, rel=0.05)
    spoiled = np.concatenate([r, np.full(200, 12.0)])  # 10 % luxury outliers
    assert ex.robust_scale(spoiled) == pytest.approx(0.15, rel=0.2)
    assert spoiled.std() > 20 * 0.15  # while the standard deviation explodes
    assert ex.robust_delta(r) == pytest.approx(1.345 * ex.robust_scale(r), abs=1e-3)


def test_huber_with_delta_from_the_data_beats_delta_one_on_the_housing_outliers():
    d = ex.housing_data(seed=0)
    robust, delta = ex.fit_huber_robust(d.size, d.price, steps=1000)
    fixed = ex.fit_line(d.size, d.price, "huber", delta=1.0, steps=1000)
    assert delta == pytest.approx(1.345 * 0.15, rel=0.25)  # the noise level the data were made with
    assert abs(robust.slope - d.slope) < abs(fixed.slope - d.slope)


def test_a_fit_without_history_draws_the_same_line():
    d = ex.housing_data(seed=1)
    full = ex.fit_line(d.size, d.price, "huber", delta=0.3, steps=400)
    quick = ex.fit_line(d.size, d.price, "huber", delta=0.3, steps=400, history=False)
    assert (quick.slope, quick.intercept) == (full.slope, full.intercept)
    assert full.history.shape == (400,) and quick.history.size == 0


# ------------------------------------------------------------------- the quantile (pinball) loss


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("q", [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95])
def test_quantile_constant_is_the_sample_quantile(seed, q):
    s = ex.skewed_sample(seed=seed)
    c = ex.best_constant(s, "quantile", q=q)
    # numpy's "inverted_cdf" quantile is the smallest value with at least q of the sample at or
    # below it: the minimiser of the pinball loss when q·n is not a whole number (n = 41 here)
    assert c == pytest.approx(np.quantile(s, q, method="inverted_cdf"), abs=1e-8)
    assert np.mean(s < c - 1e-6) < q <= np.mean(s <= c + 1e-6)


def test_quantile_at_one_half_is_mae():
    s = ex.skewed_sample(seed=4)
    assert ex.best_constant(s, "quantile", q=0.5) == pytest.approx(ex.best_constant(s, "mae"))
    assert ex.best_constant(s, "quantile", q=0.5) == pytest.approx(np.median(s), abs=1e-8)


def test_quantile_risk_is_the_mean_pinball_loss_and_is_lowest_at_the_quantile():
    s = ex.skewed_sample(seed=0)
    grid = np.linspace(0.0, 26.0, 2601)
    for q in (0.1, 0.5, 0.9):
        risk = ex.quantile_risk(s, grid, q)
        r = s[None, :] - grid[:, None]
        by_hand = np.where(r >= 0, q * r, (q - 1) * r).mean(axis=1)
        np.testing.assert_allclose(risk, by_hand, rtol=1e-12, atol=1e-12)
        # the grid's lowest point is the q-quantile, within one grid step
        assert grid[np.argmin(risk)] == pytest.approx(
            np.quantile(s, q, method="inverted_cdf"), abs=0.011
        )


def test_delivery_data_is_seeded_and_its_true_quantile_lines_are_right():
    a, b = ex.delivery_data(n=50, seed=3), ex.delivery_data(n=50, seed=3)
    np.testing.assert_array_equal(a.minutes, b.minutes)
    d = ex.delivery_data(n=200_000, seed=7)
    for q in (0.05, 0.5, 0.95):
        slope, intercept = d.quantile_line(q)
        assert np.mean(d.minutes < intercept + slope * d.distance) == pytest.approx(q, abs=0.004)
    low, high = d.quantile_line(0.05), d.quantile_line(0.95)
    assert low[0] < d.slope < high[0]  # the true band widens with the distance


@pytest.mark.parametrize("seed", [0, 3])
def test_quantile_lines_match_linear_programming(seed):
    sklearn = pytest.importorskip("sklearn.linear_model")
    d = ex.delivery_data(seed=seed)
    fits = ex.fit_quantile_band(d.distance, d.minutes, lower=0.05, upper=0.95)
    for q, fit in zip((0.05, 0.95), fits, strict=True):
        ref = sklearn.QuantileRegressor(quantile=q, alpha=0.0, solver="highs")
        ref.fit(d.distance[:, None], d.minutes)
        ends = np.array([0.0, 10.0])
        # the band's edges agree with the exact minimiser to a small fraction of the band's width
        np.testing.assert_allclose(fit.predict(ends), ref.predict(ends[:, None]), atol=0.2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_quantile_band_covers_about_the_nominal_share_everywhere(seed):
    train = ex.delivery_data(seed=seed)
    test = ex.delivery_data(n=20_000, seed=100 + seed)
    low, high = ex.fit_quantile_band(train.distance, train.minutes, lower=0.05, upper=0.95)
    x, y = test.distance, test.minutes
    lo, hi = low.predict(x), high.predict(x)
    assert ex.coverage(lo, hi, y) == pytest.approx(0.90, abs=0.03)
    assert np.mean(y < lo) == pytest.approx(0.05, abs=0.03)
    assert np.mean(y > hi) == pytest.approx(0.05, abs=0.03)
    by_range = ex.coverage_by_range(lo, hi, x, y, [0, 10 / 3, 20 / 3, 10])
    assert np.all(np.abs(by_range - 0.90) < 0.05)
    # a constant-width band around the MSE line has about the right total, in the wrong places
    mse = ex.fit_line(train.distance, train.minutes, "mse", history=False)
    sigma = np.std(train.minutes - mse.predict(train.distance))
    m = mse.predict(x)
    const = ex.coverage_by_range(
        m - 1.645 * sigma, m + 1.645 * sigma, x, y, [0, 10 / 3, 20 / 3, 10]
    )
    assert const[0] > 0.97 and const[-1] < 0.82


def test_coverage_counts_by_hand_and_checks_shapes():
    assert ex.coverage([0, 0, 0], [1, 1, 1], [0.0, 1.0, 1.5]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="shapes differ"):
        ex.coverage(np.zeros(3), np.ones(3), np.zeros((3, 1)))
    x = np.array([0.5, 1.5, 2.5, 3.0])
    got = ex.coverage_by_range(np.zeros(4), np.ones(4), x, [0.5, 2.0, 0.5, 0.5], [0, 1, 2, 3])
    assert got.tolist() == [1.0, 0.0, 1.0]  # x = 3 falls in the last, closed range
    with pytest.raises(ValueError, match="no x in the range"):
        ex.coverage_by_range(np.zeros(4), np.ones(4), x, np.zeros(4), [0, 1, 1.2, 3])
    with pytest.raises(ValueError, match="0 < lower < upper < 1"):
        ex.fit_quantile_band(x, x, lower=0.9, upper=0.1)


def test_fit_line_start_does_not_change_a_converged_fit():
    d = ex.housing_data(n_outliers=0, seed=2)
    a = ex.fit_line(d.size, d.price, "mse", history=False)
    b = ex.fit_line(d.size, d.price, "mse", history=False, start=(-4.0, 7.0))
    assert b.slope == pytest.approx(a.slope, abs=1e-6)
    assert b.intercept == pytest.approx(a.intercept, abs=1e-6)
    assert ex.fit_line(d.size, d.price, "mse", steps=0, history=False, start=(2.0, -1.0)).slope == (
        pytest.approx(2.0)
    )


def test_per_sample_quantile_gradients():
    values, grads = ex.per_sample([0.0, 0.0, 0.0], [-2.0, 0.0, 3.0], "quantile", q=0.8)
    np.testing.assert_allclose(values, [1.6, 0.0, 0.6])  # 0.8 · 2 and 0.2 · 3
    np.testing.assert_allclose(grads, [-0.8, 0.0, 0.2])
