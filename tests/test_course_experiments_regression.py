"""Chapter 1's experiment code: checked against closed forms (mean, median, least squares), a
linear-programming solver, numerical integration, population values and simulation."""

import numpy as np
import pytest

import losses
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


def test_robust_scale_is_scipys_normal_mad_and_resists_a_few_outliers():
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


# ----------------------------------------------------------------- exact minimisers, many data sets


def _quantile_line_by_linprog(x, y, q):
    """The quantile-regression line as the linear programme it is (scipy's HiGHS): minimise
    Σ q·u⁺ + (1 − q)·u⁻ subject to a·x + b + u⁺ − u⁻ = y, u± ≥ 0."""
    from scipy.optimize import linprog

    n = x.size
    cost = np.concatenate([[0.0, 0.0], np.full(n, q), np.full(n, 1.0 - q)])
    a_eq = np.hstack([x[:, None], np.ones((n, 1)), np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * 2 + [(0, None)] * (2 * n)
    res = linprog(cost, A_eq=a_eq, b_eq=y, bounds=bounds, method="highs")
    assert res.success
    return res.x[0], res.x[1], res.fun


@pytest.mark.parametrize("q", [0.05, 0.5, 0.95])
@pytest.mark.parametrize("seed", [0, 3])
def test_exact_quantile_lines_solve_the_linear_programme(q, seed):
    d = ex.delivery_data(n=120, seed=seed)
    fit = ex.fit_exact(d.distance, d.minutes, "quantile", q=q)
    slope, intercept, best = _quantile_line_by_linprog(d.distance, d.minutes, q)
    # the objective reaches the programme's optimum (the line itself may not be unique)
    ours = losses.quantile(d.minutes, fit.predict(d.distance), q=q, reduction="sum")
    assert ours == pytest.approx(best, rel=1e-9)
    assert fit.slope == pytest.approx(slope, abs=1e-6)
    assert fit.intercept == pytest.approx(intercept, abs=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_mae_line_beats_gradient_descent_and_every_nearby_line(seed):
    d = ex.housing_data(seed=seed)
    exact = ex.fit_exact(d.size, d.price, "mae")
    slope, intercept, best = _quantile_line_by_linprog(d.size, d.price, 0.5)
    assert losses.mae(d.price, exact.predict(d.size)) == pytest.approx(2 * best / d.size.size)
    assert exact.slope == pytest.approx(slope, abs=1e-6)
    gd = ex.fit_line(d.size, d.price, "mae", steps=1000, history=False)
    # the erratum: after 1000 steps MAE's descent has not reached its minimum
    assert losses.mae(d.price, gd.predict(d.size)) > losses.mae(d.price, exact.predict(d.size))
    assert abs(gd.slope - exact.slope) > 1e-4


@pytest.mark.parametrize("delta", [0.2, 1.0])
def test_exact_huber_line_is_where_gradient_descent_converges(delta):
    d = ex.housing_data(seed=1)
    exact = ex.fit_exact(d.size, d.price, "huber", delta=delta)
    gd = ex.fit_line(d.size, d.price, "huber", delta=delta, steps=3000, history=False)
    assert exact.slope == pytest.approx(gd.slope, abs=1e-8)
    assert exact.intercept == pytest.approx(gd.intercept, abs=1e-8)
    # and it solves Huber's estimating equations: the clipped residuals balance
    clipped = np.clip(d.price - exact.predict(d.size), -delta, delta)
    assert abs(clipped.sum()) < 1e-8 and abs(clipped @ d.size) < 1e-8
    mse = ex.fit_exact(d.size, d.price, "mse")
    assert (mse.slope, mse.intercept) == pytest.approx(tuple(np.polyfit(d.size, d.price, 1)))


def test_fit_exact_refuses_what_it_cannot_fit():
    with pytest.raises(ValueError, match="loss must be one of"):
        ex.fit_exact([0.0, 1.0], [0.0, 1.0], "hinge")
    with pytest.raises(ValueError, match="all x are equal"):
        ex.fit_exact([1.0, 1.0, 1.0], [0.0, 1.0, 2.0], "mae")


def test_slope_error_is_the_exact_fits_error():
    d = ex.housing_data(n_outliers=0, seed=4)
    assert ex.slope_error("mae", n_outliers=0, seed=4) == pytest.approx(
        ex.fit_exact(d.size, d.price, "mae").slope - d.slope
    )
    robust, _ = ex.fit_huber_robust_exact(d.size, d.price)
    assert ex.slope_error("huber", n_outliers=0, seed=4, delta="data") == pytest.approx(
        robust.slope - d.slope
    )


def test_over_many_clean_data_sets_mae_is_about_sqrt_pi_over_2_less_accurate():
    seeds = range(200)
    mse = np.abs([ex.slope_error("mse", n_outliers=0, seed=s) for s in seeds])
    mae = np.abs([ex.slope_error("mae", n_outliers=0, seed=s) for s in seeds])
    ratio, se = ex.ratio_and_se(mae, mse)
    # the large-sample theory for Gaussian noise: MAE's errors are √(π/2) ≈ 1.25 times MSE's
    assert abs(ratio - np.sqrt(np.pi / 2)) < 3 * se
    assert ratio - 3 * se > 1.0  # a real gap, not noise


def test_mean_and_ratio_standard_errors_by_hand():
    assert ex.mean_and_se([1.0, 3.0]) == (2.0, 1.0)  # sd √2, over √2
    a, b = np.array([2.0, 4.0, 9.0]), np.array([1.0, 2.0, 3.0])
    ratio, se = ex.ratio_and_se(a, b)
    assert ratio == pytest.approx(15 / 6)
    # delta method by hand: residuals a - R b = (-0.5, -1, 1.5), sd √(19/12)... over √3 · mean(b)
    resid = a - 2.5 * b
    assert se == pytest.approx(np.std(resid, ddof=1) / (np.sqrt(3) * 2.0))
    # and a Monte-Carlo check that it measures the scatter of the ratio
    rng = np.random.default_rng(0)
    ratios, ses = [], []
    for _ in range(400):
        bb = rng.exponential(1.0, 50)
        aa = 1.3 * bb + rng.normal(0.0, 0.3, 50)
        r, s = ex.ratio_and_se(aa, bb)
        ratios.append(r)
        ses.append(s)
    assert np.std(ratios) == pytest.approx(np.mean(ses), rel=0.15)
    with pytest.raises(ValueError, match="paired"):
        ex.ratio_and_se([1.0, 2.0], [1.0])


# ------------------------------------------------------------------ the MAD under contamination


def test_contaminated_scales_match_scipy_and_the_breakdown_point():
    from scipy.stats import median_abs_deviation

    counts = [0, 4, 48, 59, 60]
    out = ex.contaminated_scales(counts, n=120, noise=0.15, n_sets=1, seed=7)
    # rebuild the single sample by hand
    rng = np.random.default_rng(7)
    clean, far = rng.normal(0.0, 0.15, 120), rng.uniform(8.0, 15.0, 120)
    for j, k in enumerate(counts):
        r = clean.copy()
        r[:k] = far[:k]
        assert out["mad"][j] == pytest.approx(median_abs_deviation(r, scale="normal"), abs=1e-4)
        assert out["sd"][j] == pytest.approx(np.std(r))
    # bounded while fewer than half are outliers: 100 times farther outliers change nothing
    np.testing.assert_array_equal(out["mad_far"][:4], out["mad"][:4])
    assert out["mad_far"][4] > 50 * out["mad"][4]  # at half, the outliers carry it away
    assert np.all(out["sd_far"][1:] > 50 * out["sd"][1:] / 2)  # one outlier suffices for the sd


def test_the_mad_scale_grows_with_the_share_of_outliers_as_theory_says():
    from statistics import NormalDist

    counts = [0, 4, 12, 24, 48]
    out = ex.contaminated_scales(counts, n_sets=400)
    for k, got in zip(counts, out["mad"], strict=True):
        # population value: clean N(0, σ²) with a share ε of far outliers on the right; the median
        # m solves (1 − ε)Φ(m/σ) = ½ and the MAD t solves (1 − ε)(Φ((m + t)/σ) − Φ((m − t)/σ)) = ½
        eps, z = k / 120, NormalDist()
        m = z.inv_cdf(0.5 / (1 - eps))
        lo, hi = 0.0, 10.0
        for _ in range(100):
            t = (lo + hi) / 2
            lo, hi = (t, hi) if (1 - eps) * (z.cdf(m + t) - z.cdf(m - t)) < 0.5 else (lo, t)
        assert got == pytest.approx(1.4826 * 0.15 * t, rel=0.03)
    assert np.all(np.diff(out["mad"]) > 0)  # it moves: bounded is not unchanged
    with pytest.raises(ValueError, match="at most n"):
        ex.contaminated_scales([121])


def test_huber_efficiency_against_numerical_integration():
    from scipy.integrate import quad
    from scipy.stats import norm

    for k in (0.5, 1.0, 1.345, 2.5):
        second = quad(lambda z, k=k: np.clip(z, -k, k) ** 2 * norm.pdf(z), -np.inf, np.inf)[0]
        slope = norm.cdf(k) - norm.cdf(-k)
        assert ex.huber_efficiency(k) == pytest.approx(slope**2 / second, rel=1e-9)
    assert ex.huber_efficiency(1.345) == pytest.approx(0.95, abs=5e-4)  # the tuning constant
    assert ex.huber_efficiency(1e-4) == pytest.approx(2 / np.pi, rel=1e-3)  # the median
    assert ex.huber_efficiency(8.0) == pytest.approx(1.0, abs=1e-9)  # the mean
    with pytest.raises(ValueError, match="positive"):
        ex.huber_efficiency(0.0)


# ------------------------------------------------------------ conformalised quantile regression


def test_conformity_scores_and_margin_by_hand():
    s = ex.conformity_scores([0.0, 0.0, 0.0], [2.0, 2.0, 2.0], [1.5, 2.5, -1.0])
    np.testing.assert_allclose(s, [-0.5, 0.5, 1.0])
    # ⌈(n + 1)(1 − α)⌉: the 9th of 10 for α = 0.2, the 10th for α = 0.1
    assert ex.conformal_margin(np.arange(10.0), 0.2) == 8.0
    assert ex.conformal_margin(np.arange(10.0)[::-1], 0.1) == 9.0
    assert ex.conformal_margin(np.arange(19.0), 0.05) == 18.0
    with pytest.raises(ValueError, match="too few"):
        ex.conformal_margin(np.arange(8.0), 0.1)  # needs n ≥ 9
    with pytest.raises(ValueError, match="shapes differ"):
        ex.conformity_scores(np.zeros(2), np.zeros(2), np.zeros((2, 1)))


def test_the_bank_key_is_the_course_margin():
    from exercises import bank

    # the book's version, and every student's (on the scores and level of each)
    p = bank.parametric("regression.conformal_margin")
    for seed in (None, *range(50)):
        params = p.params(seed)
        key = ex.conformal_margin(np.array(params["scores"]), params["alpha"])
        assert p.variant(seed).answer == pytest.approx(key, abs=1e-12)


def test_conformal_coverage_is_exactly_the_rank_over_n_plus_one():
    # the guarantee holds for any band fixed before calibration: here the empty band [0, 0], so
    # the score is |y|; with n = 9 and α = 0.2 a new point is covered with probability 8/10
    rng = np.random.default_rng(1)
    reps, n = 20_000, 9
    y = rng.standard_t(3, size=(reps, n + 1))  # heavy tails: nothing Gaussian is assumed
    covered = [
        abs(row[-1])
        <= ex.conformal_margin(ex.conformity_scores(0 * row[:n], 0 * row[:n], row[:n]), 0.2)
        for row in y
    ]
    target = 8 / 10
    assert np.mean(covered) == pytest.approx(target, abs=3 * np.sqrt(target * (1 - target) / reps))


def test_conformalised_band_uses_the_held_out_half():
    d = ex.delivery_data(n=200, seed=5)
    band = ex.conformalised_band(d.distance, d.minutes, alpha=0.1)
    plain = ex.quantile_band(d.distance[:100], d.minutes[:100], alpha=0.1)
    assert band.lower.slope == plain.lower.slope and band.upper.slope == plain.upper.slope
    scores = ex.conformity_scores(*plain.predict(d.distance[100:]), d.minutes[100:])
    assert band.margin == np.sort(scores)[91 - 1]  # ⌈101 · 0.9⌉ = 91
    inside = ex.coverage(*band.predict(d.distance[100:]), d.minutes[100:])
    assert inside >= 0.9  # on its own calibration set it covers at least the level
    with pytest.raises(ValueError, match="n_fit"):
        ex.conformalised_band(d.distance, d.minutes, n_fit=200)


def test_conformal_calibration_restores_the_level_that_the_plain_band_misses():
    s = ex.coverage_study(40, repetitions=300, n_test=1000, seed=2)
    plain, plain_se = ex.mean_and_se(s.plain)
    conf, conf_se = ex.mean_and_se(s.conformal)
    assert plain + 3 * plain_se < 0.9  # small training sets: the plain band falls short
    assert conf + 3 * conf_se > 0.9  # the guarantee: at least 1 − α on average
    # ⌈21 · 0.9⌉/21 is the exact expected coverage of continuous scores; the test sets scatter
    assert conf == pytest.approx(19 / 21, abs=3 * conf_se)
    assert s.conformal_width.mean() > s.plain_width.mean()  # the price: a wider band


def test_guaranteed_coverage_is_the_rank_over_n_plus_one():
    assert ex.guaranteed_coverage(10, 0.2) == pytest.approx(9 / 11)
    assert ex.guaranteed_coverage(20, 0.1) == pytest.approx(19 / 21)
    assert ex.guaranteed_coverage(9, 0.1) == pytest.approx(9 / 10)  # the smallest n for α = 0.1
    for n in (9, 20, 57, 250):
        assert 0.9 <= ex.guaranteed_coverage(n, 0.1) < 0.9 + 1 / (n + 1)
    with pytest.raises(ValueError, match="need at least 9"):
        ex.guaranteed_coverage(8, 0.1)
    assert ex.coverage_study(40, repetitions=2).guarantee == pytest.approx(19 / 21)
