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
