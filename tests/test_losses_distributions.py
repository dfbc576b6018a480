"""Tests of losses.distributions: kl_divergence."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

import losses
from tests._losses_helpers import cases_for, check_gradient

RNG = np.random.default_rng(5)


def _dist(shape):
    return special.softmax(RNG.normal(size=shape), axis=-1)


@pytest.mark.parametrize("shape", [(6,), (4, 6), (2, 3, 5)])
def test_kl_matches_scipy_rel_entr(shape):
    p, q = _dist(shape), _dist(shape)
    expected = special.rel_entr(p, q).sum(axis=-1)
    got = losses.kl_divergence(p, q, reduction="none")
    assert np.shape(got) == shape[:-1]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    # "mean" is the mean over distributions (PyTorch's "batchmean" for 2-D input)
    assert losses.kl_divergence(p, q) == pytest.approx(np.mean(expected), rel=1e-12)
    assert losses.kl_divergence(p, q, reduction="sum") == pytest.approx(np.sum(expected), rel=1e-12)


def test_kl_1d_is_0d():
    p, q = _dist(5), _dist(5)
    out = losses.kl_divergence(p, q, reduction="none")
    assert np.ndim(out) == 0
    assert float(out) == pytest.approx(special.rel_entr(p, q).sum(), rel=1e-12)
    assert losses.kl_divergence_grad(p, q).shape == (5,)


def test_kl_argument_order_is_p_then_q():
    # KL(P‖Q) with P = y_true: not symmetric, so a swap shows
    p = np.array([0.9, 0.1])
    q = np.array([0.5, 0.5])
    expected = 0.9 * np.log(0.9 / 0.5) + 0.1 * np.log(0.1 / 0.5)
    assert losses.kl_divergence(p, q) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("shape", [(6,), (4, 6)])
def test_kl_from_logits(shape):
    p = _dist(shape)
    z = RNG.normal(size=shape) * 3
    expected = special.rel_entr(p, special.softmax(z, axis=-1)).sum(axis=-1)
    got = losses.kl_divergence(p, z, from_logits=True, reduction="none")
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)
    # d/dz Σ P log(P / softmax(z)) = softmax(z) - P  (P sums to 1)
    g = losses.kl_divergence_grad(p, z, from_logits=True, reduction="sum")
    np.testing.assert_allclose(g, special.softmax(z, axis=-1) - p, rtol=1e-10, atol=1e-15)


def test_kl_grad_closed_form_probs():
    p, q = _dist((3, 4)), _dist((3, 4))
    np.testing.assert_allclose(losses.kl_divergence_grad(p, q, reduction="sum"), -p / q)
    np.testing.assert_allclose(losses.kl_divergence_grad(p, q), -p / q / 3)


def test_kl_zeros_in_p_are_finite():
    p = np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])
    q = np.array([[0.2, 0.3, 0.5], [0.4, 0.0, 0.6]])  # Q = 0 where P = 0 too: 0·log(0/0) = 0
    with np.errstate(all="raise", under="ignore"):
        out = losses.kl_divergence(p, q, reduction="none")
        g = losses.kl_divergence_grad(p, q, reduction="sum")
    expected = [0.5 * np.log(0.5 / 0.3) + 0.5 * np.log(1.0), np.log(1 / 0.4)]
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, [[0.0, -0.5 / 0.3, -1.0], [-1 / 0.4, 0.0, 0.0]], rtol=1e-12)


def test_kl_q_zero_where_p_positive_is_inf():
    p = np.array([[0.5, 0.5], [0.5, 0.5]])
    q = np.array([[1.0, 0.0], [0.5, 0.5]])
    with np.errstate(all="raise", under="ignore"):
        out = losses.kl_divergence(p, q, reduction="none")
        g = losses.kl_divergence_grad(p, q, reduction="sum")
        mean = losses.kl_divergence(p, q)
    assert out[0] == np.inf and out[1] == 0.0
    assert mean == np.inf
    assert g[0, 1] == -np.inf
    # the only non-finite entry
    assert np.isfinite(g[0, 0]) and np.all(np.isfinite(g[1]))
    np.testing.assert_allclose(g[0, 0], -0.5)


def test_kl_extreme_logits():
    p = np.array([[0.5, 0.5], [1.0, 0.0]])
    z = np.array([[1e4, -1e4], [1e4, -1e4]])
    with np.errstate(all="raise", under="ignore"):
        out = losses.kl_divergence(p, z, from_logits=True, reduction="none")
        g = losses.kl_divergence_grad(p, z, from_logits=True, reduction="sum")
    # row 0: Σ P log P - Σ P log_softmax(z) = -log 2 - 0.5·(0 - 2e4) = 1e4 - log 2; row 1: 0
    np.testing.assert_allclose(out, [1e4 - np.log(2), 0.0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g, [[0.5, -0.5], [0.0, 0.0]], atol=1e-12)


@pytest.mark.parametrize("fn", [losses.kl_divergence, losses.kl_divergence_grad])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "pattern"),
    [
        ([0.5, 0.6], [0.5, 0.5], {}, "y_true"),  # P does not sum to 1
        ([0.5, 0.5], [0.3, 0.5], {}, "y_pred"),  # Q does not sum to 1
        ([1.5, -0.5], [0.5, 0.5], {}, "y_true"),  # negative entry
        ([0.5, 0.5], [-0.5, 1.5], {}, "y_pred"),
        ([[0.5, 0.5], [0.2, 0.2]], [[0.5, 0.5]] * 2, {}, "y_true"),  # second row
        ([[0.5, 0.5], [0.2, 0.8]], [0.0, 0.0], {"from_logits": True}, "shape|y_true|y_pred"),
        ([-0.5, 1.5], [0.0, 0.0], {"from_logits": True}, "y_true"),  # P still checked
    ],
)
def test_kl_rejects(fn, y_true, y_pred, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        fn(y_true, y_pred, **kwargs)


def test_kl_sum_tolerance():
    ok = np.array([0.5, 0.5 + 5e-7])
    assert np.isfinite(losses.kl_divergence(ok, [0.5, 0.5]))
    with pytest.raises(ValueError, match="y_true"):
        losses.kl_divergence(np.array([0.5, 0.5 + 1e-5]), [0.5, 0.5])
    ok32 = np.array([0.5, 0.50005], dtype=np.float32)
    half32 = np.array([0.5, 0.5], dtype=np.float32)
    assert np.isfinite(losses.kl_divergence(ok32, half32))
    with pytest.raises(ValueError, match="y_pred"):
        losses.kl_divergence(half32, np.array([0.5, 0.501], dtype=np.float32))


@pytest.mark.parametrize("case", cases_for("kl_divergence"), ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@settings(max_examples=10, deadline=None, database=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1))
def test_gradient_matches_numerical_grad(case, reduction, seed):
    check_gradient(case, seed, reduction)


def test_kl_matches_pytorch_batchmean():
    torch = pytest.importorskip("torch")
    p, z = _dist((5, 4)), RNG.normal(size=(5, 4))
    zt = torch.tensor(z, requires_grad=True)
    # PyTorch reverses the arguments: kl_div(input=log Q, target=P)
    ref = torch.nn.functional.kl_div(
        torch.log_softmax(zt, dim=-1), torch.tensor(p), reduction="batchmean"
    )
    ref.backward()
    assert losses.kl_divergence(p, z, from_logits=True) == pytest.approx(ref.item(), rel=1e-10)
    np.testing.assert_allclose(
        losses.kl_divergence_grad(p, z, from_logits=True), zt.grad.numpy(), rtol=1e-8, atol=1e-14
    )
