"""Tests of losses.imbalanced: focal, dice."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

import losses
from tests._losses_helpers import cases_for, check_gradient

RNG = np.random.default_rng(11)


# ------------------------------------------------------------------ focal


def focal_reference(y, pred, alpha, gamma, from_logits):
    """-α_t (1-p_t)^γ log p_t, element by element (torchvision's sigmoid_focal_loss)."""
    out = np.empty(np.shape(y))
    for i in np.ndindex(out.shape):
        yi, zi = y[i], pred[i]
        if from_logits:
            log_pt = special.log_expit(zi) if yi == 1 else special.log_expit(-zi)
        else:
            log_pt = np.log(zi) if yi == 1 else np.log(1 - zi)
        pt = np.exp(log_pt)
        a_t = 1.0 if alpha is None else (alpha if yi == 1 else 1 - alpha)
        out[i] = -a_t * (1 - pt) ** gamma * log_pt
    return out


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize(("alpha", "gamma"), [(0.25, 2.0), (None, 2.0), (0.7, 0.5), (0.0, 3.0)])
def test_focal_matches_definition(from_logits, alpha, gamma):
    y = RNG.integers(0, 2, (6, 4))
    pred = RNG.normal(size=(6, 4)) * 2 if from_logits else RNG.uniform(0.02, 0.98, (6, 4))
    expected = focal_reference(y, pred, alpha, gamma, from_logits)
    got = losses.focal(y, pred, alpha=alpha, gamma=gamma, from_logits=from_logits, reduction="none")
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-300)
    assert losses.focal(
        y, pred, alpha=alpha, gamma=gamma, from_logits=from_logits
    ) == pytest.approx(expected.mean(), rel=1e-10)


def test_focal_defaults_are_alpha_quarter_gamma_two():
    y = np.array([1, 0, 1])
    p = np.array([0.9, 0.2, 0.3])
    np.testing.assert_allclose(
        losses.focal(y, p, reduction="none"),
        focal_reference(y, p, 0.25, 2.0, False),
        rtol=1e-12,
    )


def test_focal_gamma_zero_no_alpha_is_bce():
    y = RNG.integers(0, 2, 10)
    z = RNG.normal(size=10)
    bce = -(y * special.log_expit(z) + (1 - y) * special.log_expit(-z))
    got = losses.focal(y, z, alpha=None, gamma=0.0, from_logits=True, reduction="none")
    np.testing.assert_allclose(got, bce, rtol=1e-12)


@pytest.mark.parametrize("alpha", [0.25, None])
def test_focal_grad_closed_form_logits(alpha):
    # dL/dz = s·α_t (1-p_t)^γ [γ p_t log p_t - (1 - p_t)], s = +1 if y = 1 else -1
    gamma = 2.0
    y = RNG.integers(0, 2, 12)
    z = RNG.normal(size=12) * 2
    s = np.where(y == 1, 1.0, -1.0)
    log_pt = special.log_expit(s * z)
    pt = np.exp(log_pt)
    a_t = np.ones(12) if alpha is None else np.where(y == 1, alpha, 1 - alpha)
    expected = s * a_t * (1 - pt) ** gamma * (gamma * pt * log_pt - (1 - pt))
    got = losses.focal_grad(y, z, alpha=alpha, gamma=gamma, from_logits=True, reduction="sum")
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("gamma", [2.0, 1.5, 0.5, 0.0])
@pytest.mark.parametrize("alpha", [0.25, None])
def test_focal_extreme_logits_finite(gamma, alpha):
    y = np.array([1, 1, 0, 0])
    z = np.array([1e4, -1e4, 1e4, -1e4])
    a = 1.0 if alpha is None else alpha
    with np.errstate(all="raise", under="ignore"):
        out = losses.focal(y, z, alpha=alpha, gamma=gamma, from_logits=True, reduction="none")
        g = losses.focal_grad(y, z, alpha=alpha, gamma=gamma, from_logits=True, reduction="sum")
    # right: loss 0; wrong by 1e4: p_t = 0, (1-p_t)^γ = 1, loss α_t·1e4
    b = 1.0 if alpha is None else 1 - alpha
    np.testing.assert_allclose(out, [0.0, a * 1e4, b * 1e4, 0.0], rtol=1e-12, atol=1e-12)
    # limits of the closed form above: 0 where right, -α_t (y=1) / +α_t (y=0) where wrong
    assert np.all(np.isfinite(g)), g
    np.testing.assert_allclose(g, [0.0, -a, b, 0.0], atol=1e-12)


@pytest.mark.parametrize("gamma", [2.0, 0.5, 0.0])
def test_focal_probabilities_zero_one_finite(gamma):
    y = np.array([1, 1, 0, 0])
    p = np.array([1.0, 0.0, 1.0, 0.0])
    with np.errstate(all="raise", under="ignore"):
        out = losses.focal(y, p, gamma=gamma, reduction="none")
        g = losses.focal_grad(y, p, gamma=gamma, reduction="sum")
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(g))
    eps = np.finfo(np.float64).eps
    # the wrong ones: p_t clipped to eps
    np.testing.assert_allclose(
        out[[1, 2]], [-0.25 * (1 - eps) ** gamma * np.log(eps), -0.75 * np.log(eps)], rtol=1e-9
    )
    assert g[1] < 0 < g[2]  # pointing the right way


@pytest.mark.parametrize("fn", [losses.focal, losses.focal_grad])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "pattern"),
    [
        ([0, 2], [0.3, 0.6], {}, "y_true"),
        ([0.5, 1], [0.3, 0.6], {}, "y_true"),
        ([-1, 1], [0.3, 0.6], {}, "y_true"),
        ([0, 1], [0.3, 1.6], {}, "y_pred"),
        ([0, 1], [-0.3, 0.6], {}, "y_pred"),
        ([0, 1], [0.3, 0.6], {"gamma": -1.0}, "gamma"),
        ([0, 1], [0.3, 0.6], {"alpha": -0.1}, "alpha"),
        ([0, 1], [0.3, 0.6], {"alpha": 1.5}, "alpha"),
    ],
)
def test_focal_rejects(fn, y_true, y_pred, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        fn(y_true, y_pred, **kwargs)


@pytest.mark.parametrize("alpha", [0.0, 1.0, None])
def test_focal_accepts_alpha_bounds(alpha):
    assert np.isfinite(losses.focal([0, 1], [0.3, 0.6], alpha=alpha, gamma=0.0))


# ------------------------------------------------------------------ dice


def test_dice_tiny_mask_by_hand():
    y = np.array([[1, 0], [1, 1]])
    p = np.array([[0.5, 0.5], [1.0, 0.0]])
    # Σ y·ŷ = 0.5 + 0 + 1 + 0 = 1.5; Σ y = 3; Σ ŷ = 2
    # smooth 0:    1 - (2·1.5) / (3 + 2) = 1 - 3/5 = 0.4
    assert losses.dice(y, p, smooth=0.0) == pytest.approx(0.4, rel=1e-12)
    # default smooth 1e-6: 1 - (3 + 1e-6) / (5 + 1e-6)
    assert losses.dice(y, p) == pytest.approx(1 - (3 + 1e-6) / (5 + 1e-6), rel=1e-12)
    # smooth 1: 1 - 4/6
    assert losses.dice(y, p, smooth=1.0) == pytest.approx(1 / 3, rel=1e-12)
    # gradient: d/dŷ_i = (2I + s - 2 y_i S) / S², I = 1.5, S = 5 (s = 0)
    #   y_i = 1: (3 - 10)/25 = -0.28;  y_i = 0: 3/25 = 0.12
    g = losses.dice_grad(y, p, smooth=0.0)
    np.testing.assert_allclose(g, [[-0.28, 0.12], [-0.28, -0.28]], rtol=1e-12)


def test_dice_axis_none_gives_0d():
    y = RNG.integers(0, 2, (3, 4, 4))
    p = RNG.uniform(0, 1, (3, 4, 4))
    out = losses.dice(y, p, reduction="none")
    assert np.ndim(out) == 0
    expected = 1 - (2 * (y * p).sum() + 1e-6) / (y.sum() + p.sum() + 1e-6)
    assert float(out) == pytest.approx(expected, rel=1e-12)
    assert losses.dice(y, p) == pytest.approx(expected, rel=1e-12)


def test_dice_batch_axis_by_hand():
    y = np.array([[[1, 0], [1, 1]], [[0, 0], [0, 1]]])
    p = np.array([[[0.5, 0.5], [1.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]]])
    # mask 0: 0.4 as above; mask 1: Σ y·ŷ = 1, Σ y = 1, Σ ŷ = 1 -> 1 - 2/2 = 0
    out = losses.dice(y, p, axis=(1, 2), smooth=0.0, reduction="none")
    assert out.shape == (2,)
    np.testing.assert_allclose(out, [0.4, 0.0], atol=1e-12)
    assert losses.dice(y, p, axis=(1, 2), smooth=0.0) == pytest.approx(0.2)
    g = losses.dice_grad(y, p, axis=(1, 2), smooth=0.0)  # mean over the 2 masks: halves
    np.testing.assert_allclose(g[0], [[-0.14, 0.06], [-0.14, -0.14]], rtol=1e-12)


def test_dice_axis_matches_numpy_sums():
    y = RNG.uniform(0, 1, (2, 3, 4))
    p = RNG.uniform(0, 1, (2, 3, 4))
    for axis in [-1, 0, (0, 2)]:
        inter = (y * p).sum(axis=axis)
        expected = 1 - (2 * inter + 0.5) / (y.sum(axis=axis) + p.sum(axis=axis) + 0.5)
        got = losses.dice(y, p, axis=axis, smooth=0.5, reduction="none")
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("smooth", [1e-6, 1.0, 0.0])
def test_dice_two_empty_masks_is_zero(smooth):
    y = np.zeros((3, 3))
    p = np.zeros((3, 3))
    with np.errstate(all="raise", under="ignore"):
        value = losses.dice(y, p, smooth=smooth)
        g = losses.dice_grad(y, p, smooth=smooth)
    assert value == 0.0
    assert np.all(np.isfinite(g))
    if smooth > 0:  # the formula's gradient at 0: (0 + s - 0) / s² = 1/s per element
        np.testing.assert_allclose(g, np.full((3, 3), 1 / smooth), rtol=1e-9)


def test_dice_empty_masks_in_a_batch():
    y = np.zeros((2, 2, 2))
    p = np.zeros((2, 2, 2))
    y[1, 0, 0] = p[1, 0, 0] = 1.0  # mask 1: perfect prediction; mask 0: both empty
    with np.errstate(all="raise", under="ignore"):
        out = losses.dice(y, p, axis=(1, 2), smooth=0.0, reduction="none")
        g = losses.dice_grad(y, p, axis=(1, 2), smooth=1e-6, reduction="sum")
    np.testing.assert_allclose(out, [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(g[0], np.full((2, 2), 1e6), rtol=1e-9)


@pytest.mark.parametrize("fn", [losses.dice, losses.dice_grad])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "pattern"),
    [
        ([0.0, 1.5], [0.3, 0.6], {}, "y_true"),
        ([-0.5, 1.0], [0.3, 0.6], {}, "y_true"),
        ([0, 1], [0.3, 1.6], {}, "y_pred"),
        ([0, 1], [-0.3, 0.6], {}, "y_pred"),
        ([0, 1], [0.3, 0.6], {"smooth": -1e-3}, "smooth"),
    ],
)
def test_dice_rejects(fn, y_true, y_pred, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        fn(y_true, y_pred, **kwargs)


@pytest.mark.parametrize("case", cases_for("focal", "dice"), ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@settings(max_examples=8, deadline=None, database=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1))
def test_gradient_matches_numerical_grad(case, reduction, seed):
    check_gradient(case, seed, reduction)


# ------------------------------------------------------------------ optional: PyTorch cross-check


def test_focal_matches_torchvision_formula_in_torch():
    torch = pytest.importorskip("torch")
    y = RNG.integers(0, 2, (8, 3)).astype(np.float64)
    z = RNG.normal(size=(8, 3)) * 2
    zt = torch.tensor(z, requires_grad=True)
    yt = torch.tensor(y)
    # torchvision.ops.sigmoid_focal_loss, written out
    p = torch.sigmoid(zt)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(zt, yt, reduction="none")
    p_t = p * yt + (1 - p) * (1 - yt)
    loss = ce * (1 - p_t) ** 2.0
    loss = (0.25 * yt + 0.75 * (1 - yt)) * loss
    loss.mean().backward()
    np.testing.assert_allclose(
        losses.focal(y, z, from_logits=True, reduction="none"), loss.detach().numpy(), rtol=1e-9
    )
    np.testing.assert_allclose(
        losses.focal_grad(y, z, from_logits=True), zt.grad.numpy(), rtol=1e-7, atol=1e-12
    )


# ------------------------------------------------------------------ tversky


def test_tversky_by_hand():
    y = [1.0, 1.0, 0.0, 0.0]
    p = [1.0, 0.0, 1.0, 0.0]  # TP = 1, FP = 1, FN = 1
    assert losses.tversky(y, p, alpha=0.3, beta=0.7, smooth=0.0) == pytest.approx(0.5)
    # β > α: a missed pixel costs more than a false alarm
    y, p = [1.0, 1.0, 0.0], [1.0, 0.0, 0.0]  # one false negative
    fn_heavy = losses.tversky(y, p, alpha=0.3, beta=0.7, smooth=0.0)
    assert fn_heavy == pytest.approx(1 - 1 / (1 + 0.7))
    y, p = [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]  # one false positive
    assert losses.tversky(y, p, alpha=0.3, beta=0.7, smooth=0.0) == pytest.approx(1 - 1 / 1.3)


def test_tversky_half_half_is_dice_and_one_one_is_jaccard():
    rng = np.random.default_rng(7)
    y = (rng.random((3, 8, 8)) < 0.2).astype(float)
    p = rng.uniform(0.05, 0.95, size=(3, 8, 8))
    t = losses.tversky(y, p, smooth=0.0, axis=(1, 2), reduction="none")
    d = losses.dice(y, p, smooth=0.0, axis=(1, 2), reduction="none")
    np.testing.assert_allclose(t, d, rtol=1e-12)
    gt = losses.tversky_grad(y, p, smooth=0.0, axis=(1, 2))
    gd = losses.dice_grad(y, p, smooth=0.0, axis=(1, 2))
    np.testing.assert_allclose(gt, gd, rtol=1e-10, atol=1e-14)
    yh, ph = (rng.random(50) < 0.3).astype(float), (rng.random(50) < 0.3).astype(float)
    jaccard = np.sum(yh * ph) / np.sum(np.maximum(yh, ph))
    assert losses.tversky(yh, ph, alpha=1.0, beta=1.0, smooth=0.0) == pytest.approx(1 - jaccard)


def test_focal_tversky_is_the_power_of_tversky():
    rng = np.random.default_rng(8)
    y = (rng.random(30) < 0.3).astype(float)
    p = rng.uniform(0.05, 0.95, size=30)
    plain = losses.tversky(y, p, alpha=0.3, beta=0.7)
    for gamma in (0.75, 2.0):
        focal = losses.tversky(y, p, alpha=0.3, beta=0.7, gamma=gamma)
        assert focal == pytest.approx(plain**gamma)


@pytest.mark.parametrize("smooth", [0.0, 1e-6, 1.0])
def test_tversky_two_empty_masks_is_zero(smooth):
    z = np.zeros((2, 4))
    assert losses.tversky(z, z, smooth=smooth, gamma=0.75) == 0.0
    g = losses.tversky_grad(z, z, smooth=smooth, axis=1, gamma=0.75)
    assert np.all(np.isfinite(g))


def test_tversky_gradient_at_a_perfect_mask():
    y = np.array([1.0, 0.0, 1.0])
    # γ < 1: (1 - TI)^(γ-1) is infinite there; the subgradient 0 is returned
    np.testing.assert_array_equal(losses.tversky_grad(y, y, smooth=0.0, gamma=0.5), np.zeros(3))
    # γ = 1: the gradient is -∂TI/∂ŷ, finite and the one-sided derivative below ŷ = 1
    g = losses.tversky_grad(y, y, smooth=0.0, alpha=0.3, beta=0.7, reduction="sum")
    h = 1e-7
    below = y - h * np.array([1.0, 0.0, 0.0])
    slope = (
        losses.tversky(y, y, smooth=0.0, alpha=0.3, beta=0.7)
        - losses.tversky(y, below, smooth=0.0, alpha=0.3, beta=0.7)
    ) / h
    assert g[0] == pytest.approx(slope, rel=1e-5) and g[0] < 0
    # γ > 1: the factor (1 - TI)^(γ-1) is 0
    np.testing.assert_array_equal(losses.tversky_grad(y, y, smooth=0.0, gamma=2.0), np.zeros(3))


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"alpha": -0.1}, "alpha"),
        ({"beta": -1.0}, "beta"),
        ({"gamma": 0.0}, "gamma"),
        ({"gamma": -2.0}, "gamma"),
        ({"smooth": -1e-3}, "smooth"),
    ],
)
def test_tversky_rejects(kwargs, pattern):
    for fn in (losses.tversky, losses.tversky_grad):
        with pytest.raises(ValueError, match=pattern):
            fn([1.0, 0.0], [0.5, 0.5], **kwargs)
    with pytest.raises(ValueError, match="y_pred"):
        losses.tversky([1.0, 0.0], [1.5, 0.5])


@pytest.mark.parametrize("case", cases_for("tversky"), ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_tversky_gradient_matches_numerical_grad(case, reduction):
    check_gradient(case, 1, reduction)
