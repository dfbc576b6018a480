"""The closing chapter's code: slices of every loss, and the contamination sweep."""

import numpy as np
import pytest

import losses
from course.experiments import choosing as ch


def test_there_is_a_slice_for_every_loss():
    assert set(ch.SLICES) == set(losses.LOSSES)


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_slice_gradient_is_the_derivative_of_the_slice(name):
    s = ch.loss_slice(name)
    assert s.x.shape == s.loss.shape == s.grad.shape
    assert np.all(np.isfinite(s.loss)) and np.all(np.isfinite(s.grad))
    # central differences of the sliced loss, away from kinks (where the slope jumps)
    fd = np.gradient(s.loss, s.x)
    steps = np.abs(np.diff(s.grad))
    jumps = steps > 20 * steps.mean() + 1e-12  # a kink: the slope jumps within one grid step
    near_kink = np.zeros_like(s.x, dtype=bool)
    for i in np.flatnonzero(jumps):
        near_kink[max(i - 1, 0) : i + 3] = True
    interior = ~near_kink
    interior[[0, -1]] = False
    scale = max(1.0, float(np.abs(s.grad).max()))
    np.testing.assert_allclose(fd[interior], s.grad[interior], atol=5e-3 * scale)


def test_slices_have_the_known_shapes():
    huber = ch.loss_slice("huber")
    assert np.abs(huber.grad).max() == pytest.approx(1.0)  # bounded by δ
    hinge = ch.loss_slice("hinge")
    assert np.all(hinge.loss[hinge.x >= 1] == 0)  # nothing beyond the margin
    ce = ch.loss_slice("cross_entropy")
    assert np.all(ce.grad < 0)  # cross-entropy never stops pushing the true logit up
    # at logit t, CE = log(e^t + 2) - t
    np.testing.assert_allclose(ce.loss, np.log(np.exp(ce.x) + 2) - ce.x, rtol=1e-12)
    triplet = ch.loss_slice("triplet")
    assert triplet.loss[0] == pytest.approx(2.0)  # d(a,p) - 0 + margin
    assert np.all(triplet.loss[triplet.x >= 2] == 0)
    dice = ch.loss_slice("dice")
    assert dice.loss[-1] == pytest.approx(0.0, abs=1e-6)
    assert dice.loss[0] == pytest.approx(1.0, abs=1e-5)
    quantile = ch.loss_slice("quantile")
    assert set(np.round(quantile.grad, 12)) == {-0.9, 0.0, 0.1}  # -q below, 1 - q above
    tversky = ch.loss_slice("tversky")
    assert np.all(np.diff(tversky.loss) < 0)  # more of the object found, lower loss
    nce = ch.loss_slice("info_nce")
    assert nce.loss[-1] > nce.loss[0]  # tilting the positive towards the other anchor costs more


def test_mae_beats_huber_as_one_sided_contamination_grows():
    sweep = ch.contamination_sweep((0, 4, 16), seeds=range(3), steps=800)
    mse, mae, huber = (sweep.errors[k] for k in ("mse", "mae", "huber"))
    assert mse[0] < 0.06 and mae[0] < 0.06 and huber[0] < 0.06  # clean data: all fine
    assert huber[1] < mse[1] / 5  # a few outliers: Huber is robust
    assert mae[2] < huber[2] / 2 < mse[2]  # many one-sided outliers: MAE beats Huber, δ = 1...
    robust = sweep.errors["huber_robust"]
    assert robust[1] < huber[1] / 2 and robust[2] < huber[2] / 2  # ...mostly a too-large δ:
    assert robust[1] < 1.5 * mae[1]  # with δ from the data Huber is close to MAE
    assert np.all((0.15 < sweep.robust_delta) & (sweep.robust_delta < 0.5))  # near 1.345 σ


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_every_analytic_gradient_matches_finite_differences(name):
    for seed in range(3):
        assert ch.gradient_check(name, seed) < 1e-6


def test_gradient_check_notices_a_wrong_gradient(monkeypatch):
    fn, _ = losses.LOSSES["mse"]
    monkeypatch.setitem(ch.LOSSES, "mse", (fn, lambda y, p, **kw: losses.mse_grad(y, p, **kw) / 2))
    assert ch.gradient_check("mse") > 1e-2


def test_example_inputs_are_valid_for_every_loss():
    for name, (fn, _) in losses.LOSSES.items():
        args, kwargs = ch.example_inputs(name)
        assert np.isfinite(fn(*args, **kwargs))
    with pytest.raises(KeyError, match="no example inputs"):
        ch.example_inputs("l2")


def test_the_sweeps_data_chosen_delta_is_fit_huber_robusts():
    from course.experiments import regression

    sweep = ch.contamination_sweep((4,), seeds=[0], steps=300)
    d = regression.housing_data(n_outliers=4, seed=0)
    fit, delta = regression.fit_huber_robust(d.size, d.price, steps=300)
    assert sweep.robust_delta[0] == pytest.approx(delta)
    assert sweep.errors["huber_robust"][0] == pytest.approx(abs(fit.slope - d.slope))


def test_the_sweep_keeps_every_data_set_and_its_noise():
    sweep = ch.contamination_sweep((0, 4), seeds=range(3), steps=300)
    per = sweep.per_seed["mae"]
    assert per.shape == (2, 3)
    np.testing.assert_allclose(sweep.errors["mae"], per.mean(axis=1))
    # the standard error of a mean of three: sample standard deviation / √3, by hand
    by_hand = [np.sqrt(np.sum((row - row.mean()) ** 2) / 2) / np.sqrt(3) for row in per]
    np.testing.assert_allclose(sweep.standard_error("mae"), by_hand)
    diff, se = sweep.difference("mae", "mse")
    np.testing.assert_allclose(diff, sweep.errors["mae"] - sweep.errors["mse"])
    d = sweep.per_seed["mae"] - sweep.per_seed["mse"]
    np.testing.assert_allclose(se, d.std(axis=1, ddof=1) / np.sqrt(3))
    assert sweep.summary("mae", 1) == f"{per[1].mean():.3f} ± {by_hand[1]:.3f}"
    assert sweep.difference_summary("mae", "mse", 0) == f"{diff[0]:+.3f} ± {se[0]:.3f}"


def test_ols_line_is_numpys_least_squares_fit():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 3, (4, 25)), rng.normal(size=(4, 25))
    slope, intercept = ch.ols_line(x, y)
    for row in range(4):
        np.testing.assert_allclose([slope[row], intercept[row]], np.polyfit(x[row], y[row], 1))


def _lad_by_brute_force(x, y):
    """The best line through two of the points: a LAD line always passes through two."""
    best = (np.inf, None)
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            a = (y[j] - y[i]) / (x[j] - x[i])
            b = y[i] - a * x[i]
            best = min(best, (np.abs(y - a * x - b).sum(), a), key=lambda t: t[0])
    return best


@pytest.mark.parametrize("seed", range(5))
def test_lad_line_is_the_exact_least_absolute_deviations_line(seed):
    rng = np.random.default_rng(seed)
    n = 15
    x = rng.uniform(0, 3, n)
    y = 1 + 2 * x + rng.standard_t(2, n)  # heavy tails, a few far points
    cost, slope_ref = _lad_by_brute_force(x, y)
    slope, intercept = ch.lad_line(x, y)
    assert np.abs(y - slope[0] * x - intercept[0]).sum() == pytest.approx(cost, rel=1e-10)
    assert slope[0] == pytest.approx(slope_ref, abs=1e-7)  # odd n, continuous data: unique


def test_lad_line_ignores_a_far_point_and_refuses_a_vertical_one():
    slope, intercept = ch.lad_line([0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0, 3.0, 1e6])
    assert slope[0] == pytest.approx(1.0) and intercept[0] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="two distinct values"):
        ch.lad_line([1.0, 1.0, 1.0], [0.0, 1.0, 2.0])


def test_median_to_mean_ratio_matches_a_simulation_of_locations():
    # the hand-derived values: √(π/2) for Gaussian noise, 1/√2 for Laplace noise
    assert ch.median_to_mean_error_ratio("gaussian") == pytest.approx(np.sqrt(np.pi / 2))
    assert ch.median_to_mean_error_ratio("laplace") == pytest.approx(1 / np.sqrt(2))
    rng = np.random.default_rng(0)
    e = rng.normal(size=(4000, 401))
    ratio = np.median(e, axis=1).std() / e.mean(axis=1).std()
    assert ratio == pytest.approx(ch.median_to_mean_error_ratio("gaussian"), rel=0.05)
    with pytest.raises(ValueError, match="noise"):
        ch.median_to_mean_error_ratio("cauchy")


def test_clean_data_keeps_the_houses_and_changes_only_the_noise():
    from course.experiments import regression

    gauss = ch.clean_data("gaussian", seed=4)
    reference = regression.housing_data(n_outliers=0, seed=4)
    np.testing.assert_array_equal(gauss.price, reference.price)
    laplace = ch.clean_data("laplace", seed=4)
    np.testing.assert_array_equal(laplace.size, reference.size)
    # many data sets: the Laplace noise has the same standard deviation and heavier tails
    noise = np.concatenate(
        [
            (d.price - d.intercept - d.slope * d.size)
            for d in map(ch.clean_data, ["laplace"] * 50, range(50))
        ]
    )
    assert noise.std() == pytest.approx(ch.NOISE, rel=0.05)
    kurtosis = np.mean(noise**4) / noise.var() ** 2
    assert kurtosis == pytest.approx(6.0, rel=0.2)  # Laplace: 6; Gaussian: 3
    with pytest.raises(ValueError, match="noise"):
        ch.clean_data("uniform")


def test_on_clean_data_mse_wins_with_gaussian_noise_and_mae_with_laplace_noise():
    gauss = ch.clean_comparison("gaussian", n_sets=120)
    laplace = ch.clean_comparison("laplace", n_sets=120)
    assert gauss.ratio > 1 > laplace.ratio
    # within three standard errors of the large-sample value for Gaussian noise
    assert abs(gauss.ratio - gauss.theory) < 3 * gauss.ratio_se
    assert "MSE" in gauss.summary() and f"{gauss.ratio:.2f}" in gauss.summary()


def test_ratio_standard_error_matches_the_spread_of_ratios_over_repeats():
    rng = np.random.default_rng(1)

    def comparison():
        mse = np.abs(rng.normal(size=200))
        mae = 0.5 * mse + np.abs(rng.normal(size=200))  # paired, correlated errors
        return ch.CleanComparison("gaussian", 1.0, mse, mae)

    repeats = [comparison() for _ in range(400)]
    spread = np.std([c.ratio for c in repeats])
    typical = np.mean([c.ratio_se for c in repeats])
    assert typical == pytest.approx(spread, rel=0.15)


def test_huber_efficiency_runs_from_the_median_to_the_mean():
    assert ch.huber_efficiency(1e-4) == pytest.approx(2 / np.pi, rel=2e-4)  # the median's
    assert ch.huber_efficiency(10.0) == pytest.approx(1.0, abs=1e-9)  # the mean's
    # against numerical integration over the Gaussian density, for one k: inside the band
    # ψ(z) = z and ψ'(z) = 1, outside it ψ(z) = ±k and ψ'(z) = 0
    k = 1.0

    def density(z):
        return np.exp(-(z**2) / 2) / np.sqrt(2 * np.pi)

    inside, tail = np.linspace(-k, k, 200_001), np.linspace(k, 12.0, 200_001)
    slope = np.trapezoid(density(inside), inside)
    spread = np.trapezoid(inside**2 * density(inside), inside)
    spread += 2 * k**2 * np.trapezoid(density(tail), tail)
    assert ch.huber_efficiency(k) == pytest.approx(slope**2 / spread, rel=1e-6)


def test_the_usual_huber_constant_is_the_one_for_95_percent_efficiency():
    assert ch.huber_k_for_efficiency(0.95) == pytest.approx(1.345, abs=5e-4)
    assert ch.huber_efficiency(ch.huber_k_for_efficiency(0.8)) == pytest.approx(0.8)
    with pytest.raises(ValueError, match="between"):
        ch.huber_k_for_efficiency(0.5)
