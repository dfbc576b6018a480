"""Tests of losses._numerics: softmax, log_softmax, sigmoid, log_sigmoid, logsumexp, numerical_grad."""

import inspect

import numpy as np
import pytest
from scipy import special

import losses

RNG = np.random.default_rng(1)
EXTREME = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -3.0], [5.0, -2.0, 1.0]])


@pytest.mark.parametrize(
    ("ours", "ref"),
    [
        (losses.softmax, lambda z, axis=-1: special.softmax(z, axis=axis)),
        (losses.log_softmax, lambda z, axis=-1: special.log_softmax(z, axis=axis)),
        (losses.logsumexp, lambda z, axis=-1: special.logsumexp(z, axis=axis)),
    ],
    ids=["softmax", "log_softmax", "logsumexp"],
)
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_axis_helpers_match_scipy(ours, ref, axis):
    z = RNG.normal(size=(4, 5)) * 5
    np.testing.assert_allclose(ours(z, axis=axis), ref(z, axis=axis), rtol=1e-12, atol=1e-15)
    if axis == -1:  # the default axis is the last one
        np.testing.assert_allclose(ours(z), ref(z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("ours", "ref"),
    [(losses.sigmoid, special.expit), (losses.log_sigmoid, special.log_expit)],
    ids=["sigmoid", "log_sigmoid"],
)
def test_elementwise_helpers_match_scipy(ours, ref):
    z = np.concatenate([RNG.normal(size=50) * 10, [0.0, 1e4, -1e4, 700.0, -700.0, 40.0, -40.0]])
    with np.errstate(all="raise", under="ignore"):
        got = ours(z)
    np.testing.assert_allclose(got, ref(z), rtol=1e-12, atol=0)


def test_extreme_values_by_hand():
    with np.errstate(all="raise", under="ignore"):
        sm = losses.softmax(EXTREME)
        lsm = losses.log_softmax(EXTREME)
        lse = losses.logsumexp(EXTREME)
        sg = losses.sigmoid(EXTREME)
        lsg = losses.log_sigmoid(EXTREME)
    for out in (sm, lsm, lse, sg, lsg):
        assert np.all(np.isfinite(out))
    np.testing.assert_allclose(sm[0], [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(sm[1], [1 / 3] * 3, rtol=1e-12)
    np.testing.assert_allclose(sm[2], [0.5, 0.5, 0.0], atol=1e-300)
    np.testing.assert_allclose(lsm[0], [0.0, -2e4, -1e4], rtol=1e-12)
    np.testing.assert_allclose(lsm[1], [-np.log(3)] * 3, rtol=1e-12)
    np.testing.assert_allclose(lse[:3], [1e4, -1e4 + np.log(3), 1e4 + np.log(2)], rtol=1e-12)
    np.testing.assert_allclose(sg[0], [1.0, 0.0, 0.5])
    np.testing.assert_allclose(lsg[0], [0.0, -1e4, -np.log(2)], rtol=1e-12)


def test_softmax_rows_sum_to_one_and_helpers_consistent():
    z = RNG.normal(size=(6, 4)) * 20
    np.testing.assert_allclose(losses.softmax(z).sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(
        losses.log_softmax(z), z - losses.logsumexp(z, axis=-1)[:, None], rtol=1e-12, atol=1e-12
    )
    # log(sigmoid) loses digits near 0 (sigmoid near 1): an absolute tolerance there
    np.testing.assert_allclose(
        losses.log_sigmoid(z), np.log(losses.sigmoid(z)), rtol=1e-9, atol=1e-15
    )


@pytest.mark.parametrize(
    "fn",
    [losses.softmax, losses.log_softmax, losses.logsumexp, losses.sigmoid, losses.log_sigmoid],
)
def test_helpers_leave_input_unmodified(fn):
    z = EXTREME.copy()
    z.flags.writeable = False
    fn(z)
    np.testing.assert_array_equal(z, EXTREME)


# ------------------------------------------------------------------ numerical_grad


def test_numerical_grad_signature():
    sig = inspect.signature(losses.numerical_grad)
    assert list(sig.parameters) == ["f", "x", "eps"]
    assert sig.parameters["eps"].default == 1e-6


def test_numerical_grad_known_gradients():
    x = RNG.normal(size=(3, 4))
    g = losses.numerical_grad(lambda v: float(np.sum(v**3)), x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-7, atol=1e-9)
    a = RNG.normal(size=(5, 5))
    v = RNG.normal(size=5)
    g = losses.numerical_grad(lambda w: float(w @ a @ w), v)
    np.testing.assert_allclose(g, (a + a.T) @ v, rtol=1e-7, atol=1e-9)


def test_numerical_grad_is_central_difference_with_given_eps():
    # for f = Σ x³: (f(x+h) - f(x-h)) / 2h = 3x² + h² exactly (a forward difference adds 3xh)
    x = np.array([1.0, -2.0, 0.5])
    g = losses.numerical_grad(lambda v: float(np.sum(v**3)), x, eps=0.1)
    np.testing.assert_allclose(g, 3 * x**2 + 0.01, rtol=1e-10)


def test_numerical_grad_leaves_x_unmodified():
    x = RNG.normal(size=(2, 3))
    before = x.copy()
    seen = []

    def f(v):
        seen.append(np.array(v, copy=True))
        return float(np.sum(np.sin(v)))

    g = losses.numerical_grad(f, x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-7, atol=1e-9)
    # one coordinate at a time: every evaluation moves exactly one entry away from x
    moved = [int(np.sum(v != before)) for v in seen]
    assert set(moved) <= {0, 1} and moved.count(1) >= 2 * x.size


@pytest.mark.parametrize("name", ["sigmoid", "log_sigmoid"])
@pytest.mark.parametrize("x", [0.5, -3.0, np.float32(2.0), np.float64(-1e4)])
def test_elementwise_helpers_accept_python_and_numpy_scalars(name, x):
    from scipy.special import expit, log_expit

    fn = getattr(losses, name)
    ref = {"sigmoid": expit, "log_sigmoid": log_expit}[name]
    out = fn(x)
    assert np.shape(out) == ()
    assert np.asarray(out).dtype == (np.float32 if isinstance(x, np.float32) else np.float64)
    np.testing.assert_allclose(float(out), float(ref(np.float64(x))), rtol=1e-6)


# ------------------------------------------------------------------ deferred finiteness check


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "quantile"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    ("bad_true", "bad_pred"),
    [(np.inf, np.inf), (-np.inf, -np.inf), (np.nan, None), (None, np.nan), (None, -np.inf)],
)
def test_regression_non_finite_raises_value_error_without_floating_point_error(
    name, reduction, bad_true, bad_pred
):
    # These losses check finiteness from a sum they compute anyway (inf - inf is NaN there):
    # the error must still be the ValueError naming the argument, never a FloatingPointError.
    y = np.linspace(-1.0, 1.0, 7)
    p = y + 0.3
    if bad_true is not None:
        y[3] = bad_true
    if bad_pred is not None:
        p[3] = bad_pred
    expected = "y_true" if bad_true is not None else "y_pred"
    for fn in (getattr(losses, name), getattr(losses, name + "_grad")):
        with np.errstate(all="raise"), pytest.raises(ValueError, match=f"^{expected} contains"):
            fn(y.tolist(), p, reduction=reduction)
