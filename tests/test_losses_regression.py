"""Tests of losses.regression: mse, mae, huber."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special
from sklearn.metrics import mean_absolute_error, mean_squared_error

import losses
from tests._losses_helpers import cases_for, check_gradient

RNG = np.random.default_rng(20240611)


@pytest.mark.parametrize("shape", [(7,), (5, 3)])
def test_mse_matches_sklearn(shape):
    y, p = RNG.normal(size=shape), RNG.normal(size=shape)
    # sklearn averages each output column then averages the columns (uniform_average): same thing
    assert losses.mse(y, p) == pytest.approx(mean_squared_error(y, p), rel=1e-12)
    assert losses.mse(y, p, reduction="sum") == pytest.approx(
        mean_squared_error(y, p) * y.size, rel=1e-12
    )
    np.testing.assert_allclose(losses.mse(y, p, reduction="none"), (y - p) ** 2, rtol=1e-12)


@pytest.mark.parametrize("shape", [(7,), (5, 3)])
def test_mae_matches_sklearn(shape):
    y, p = RNG.normal(size=shape), RNG.normal(size=shape)
    assert losses.mae(y, p) == pytest.approx(mean_absolute_error(y, p), rel=1e-12)
    np.testing.assert_allclose(losses.mae(y, p, reduction="none"), np.abs(y - p), rtol=1e-12)


def test_mse_mae_hand_values():
    # errors: 1, -2, 0  -> squared 1, 4, 0 (mean 5/3), absolute 1, 2, 0 (mean 1)
    y, p = [1.0, 2.0, 3.0], [2.0, 0.0, 3.0]
    assert losses.mse(y, p) == pytest.approx(5 / 3)
    assert losses.mse(y, p, reduction="sum") == pytest.approx(5.0)
    assert losses.mae(y, p) == pytest.approx(1.0)
    assert losses.mae(y, p, reduction="sum") == pytest.approx(3.0)


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_huber_matches_scipy(delta):
    y = RNG.normal(size=40)
    r = RNG.normal(size=40) * 2 * delta
    # include |error| exactly at delta, both signs, and zero
    r[:3] = [delta, -delta, 0.0]
    p = y + r
    expected = special.huber(delta, p - y)  # ½r² if |r| ≤ δ else δ(|r| - ½δ)
    np.testing.assert_allclose(
        losses.huber(y, p, delta=delta, reduction="none"), expected, rtol=1e-12, atol=1e-15
    )
    assert losses.huber(y, p, delta=delta) == pytest.approx(expected.mean(), rel=1e-12)
    assert losses.huber(y, p, delta=delta, reduction="sum") == pytest.approx(
        expected.sum(), rel=1e-12
    )


def test_huber_default_delta_is_one():
    y, p = np.zeros(4), np.array([0.5, -0.5, 3.0, -3.0])
    # ½·0.25 = 0.125 twice; 1·(3 - 0.5) = 2.5 twice
    np.testing.assert_allclose(losses.huber(y, p, reduction="none"), [0.125, 0.125, 2.5, 2.5])


def test_closed_form_gradients():
    y = np.array([1.0, 2.0, 3.0, -1.0])
    p = np.array([2.0, 0.0, 3.5, -4.0])  # errors ŷ - y: 1, -2, 0.5, -3
    n = y.size
    np.testing.assert_allclose(losses.mse_grad(y, p), 2 * (p - y) / n)
    np.testing.assert_allclose(losses.mse_grad(y, p, reduction="sum"), 2 * (p - y))
    np.testing.assert_allclose(losses.mae_grad(y, p), np.sign(p - y) / n)
    np.testing.assert_allclose(losses.mae_grad(y, p, reduction="none"), np.sign(p - y))
    # Huber's gradient is the error clipped to [-δ, δ]
    np.testing.assert_allclose(
        losses.huber_grad(y, p, delta=1.5, reduction="sum"), np.clip(p - y, -1.5, 1.5)
    )


def test_mae_gradient_at_zero_error_is_zero():
    y = np.array([1.0, 2.0, 3.0])
    p = np.array([1.0, 5.0, 3.0])  # zero error at 0 and 2: the kink, subgradient 0
    g = losses.mae_grad(y, p, reduction="sum")
    assert np.all(np.isfinite(g))
    np.testing.assert_array_equal(g, [0.0, 1.0, 0.0])


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
def test_huber_gradient_at_delta_is_plus_minus_delta(delta):
    # Huber is differentiable at |error| = δ: both pieces have slope ±δ there
    y = np.zeros(3)
    p = np.array([delta, -delta, 0.0])
    g = losses.huber_grad(y, p, delta=delta, reduction="sum")
    np.testing.assert_allclose(g, [delta, -delta, 0.0], rtol=1e-12)


@pytest.mark.parametrize("case", cases_for("mse", "mae", "huber"), ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@settings(max_examples=10, deadline=None, database=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1))
def test_gradient_matches_numerical_grad(case, reduction, seed):
    check_gradient(case, seed, reduction)


@pytest.mark.parametrize(
    ("fn", "kwargs"),
    [(losses.huber, {"delta": 0.0}), (losses.huber, {"delta": -1.0})]
    + [(losses.huber_grad, {"delta": 0.0}), (losses.huber_grad, {"delta": -0.5})],
)
def test_huber_rejects_non_positive_delta(fn, kwargs):
    with pytest.raises(ValueError, match="delta"):
        fn([1.0, 2.0], [1.5, 2.5], **kwargs)


@pytest.mark.parametrize("name", ["mse", "mae", "huber"])
def test_integer_inputs_computed_in_float64(name):
    fn = getattr(losses, name)
    out = fn([1, 2, 3], [2, 2, 7], reduction="none")
    assert out.dtype == np.float64
    g = getattr(losses, name + "_grad")([1, 2, 3], [2, 2, 7])
    assert g.dtype == np.float64
    # ints must not wrap or truncate: error 4 -> 16 / 4 / 3.5 (huber δ=1)
    assert out[2] == {"mse": 16.0, "mae": 4.0, "huber": 3.5}[name]


# ------------------------------------------------------------------ quantile (pinball)


@pytest.mark.parametrize("q", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_quantile_matches_sklearn_mean_pinball_loss(q):
    from sklearn.metrics import mean_pinball_loss

    rng = np.random.default_rng(4)
    y, p = rng.normal(size=40), rng.normal(size=40)
    assert losses.quantile(y, p, q=q) == pytest.approx(mean_pinball_loss(y, p, alpha=q), rel=1e-12)


def test_quantile_by_hand_and_half_mae():
    # under-predicting by 2 costs q·2, over-predicting by 3 costs (1 - q)·3
    per = losses.quantile([10.0, 10.0], [8.0, 13.0], q=0.9, reduction="none")
    np.testing.assert_allclose(per, [1.8, 0.3])
    y, p = np.array([1.0, -2.0, 5.0]), np.array([0.0, 1.0, 5.5])
    assert losses.quantile(y, p) == pytest.approx(0.5 * losses.mae(y, p))
    assert losses.quantile(y, p, q=0.5) == losses.quantile(y, p)  # the default is q = 0.5


@pytest.mark.parametrize("q", [0.1, 0.25, 0.5, 0.8])
def test_quantile_minimiser_is_the_sample_quantile(q):
    rng = np.random.default_rng(5)
    y = rng.exponential(size=201)
    grid = np.linspace(y.min(), y.max(), 4001)
    best = grid[np.argmin([losses.quantile(y, np.full_like(y, c), q=q) for c in grid])]
    # any point between the order statistics around the q-quantile minimises it
    lo, hi = np.quantile(y, q, method="inverted_cdf"), np.quantile(y, q, method="higher")
    assert lo - 2 * (grid[1] - grid[0]) <= best <= hi + 2 * (grid[1] - grid[0])


def test_quantile_gradient_by_hand_and_at_the_kink():
    g = losses.quantile_grad([0.0, 0.0, 0.0], [-1.0, 0.0, 2.0], q=0.9, reduction="sum")
    np.testing.assert_allclose(g, [-0.9, 0.0, 0.1])
    g = losses.quantile_grad([0.0, 0.0], [-1.0, 2.0], q=0.25)  # mean: ÷ 2
    np.testing.assert_allclose(g, [-0.125, 0.375])


@pytest.mark.parametrize("q", [-0.1, 1.5, float("nan"), "0.5x"])
def test_quantile_rejects_q_outside_unit_interval(q):
    for fn in (losses.quantile, losses.quantile_grad):
        with pytest.raises(ValueError, match="q"):
            fn([1.0], [2.0], q=q)


@pytest.mark.parametrize("case", cases_for("quantile"), ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_quantile_gradient_matches_numerical_grad(case, reduction):
    check_gradient(case, 0, reduction)
