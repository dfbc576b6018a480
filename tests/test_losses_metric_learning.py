"""Tests of losses.metric_learning: contrastive, triplet (2-D points you can draw)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import losses
from tests._losses_helpers import cases_for, check_gradient

RNG = np.random.default_rng(3)
ORIGIN = [0.0, 0.0]
P345 = [3.0, 4.0]  # at distance 5 from the origin


# ------------------------------------------------------------------ contrastive


def test_contrastive_345_by_hand():
    x1 = np.array([ORIGIN, ORIGIN, ORIGIN, ORIGIN])
    x2 = np.array([P345, P345, P345, P345])  # D = 5 everywhere
    y = np.array([1, 0, 0, 0])  # 1 = similar pair
    out = [
        losses.contrastive(y[i : i + 1], x1[:1], x2[:1], margin=m, reduction="sum")
        for i, m in [(0, 1.0), (1, 6.0), (2, 1.0), (3, 10.0)]
    ]
    # similar: D² = 25; dissimilar: max(0, m - 5)² = 1 (m=6), 0 (m=1), 25 (m=10)
    np.testing.assert_allclose(out, [25.0, 1.0, 0.0, 25.0], rtol=1e-12)
    np.testing.assert_allclose(
        losses.contrastive(y, x1, x2, margin=6.0, reduction="none"), [25, 1, 1, 1], rtol=1e-12
    )


def test_contrastive_345_gradients_by_hand():
    x1 = np.array([ORIGIN, ORIGIN])
    x2 = np.array([P345, P345])
    y = np.array([1, 0])
    d1, d2 = losses.contrastive_grad(y, x1, x2, margin=6.0, reduction="sum")
    # similar: d(D²)/dx1 = 2(x1 - x2) = (-6, -8)
    # dissimilar, m = 6: d(m - D)²/dx1 = -2(m - D)(x1 - x2)/D = -2·1·(-3, -4)/5 = (1.2, 1.6)
    np.testing.assert_allclose(d1, [[-6.0, -8.0], [1.2, 1.6]], rtol=1e-12)
    np.testing.assert_allclose(d2, -d1, rtol=1e-12)
    d1m, _ = losses.contrastive_grad(y, x1, x2, margin=6.0)  # mean over the 2 pairs
    np.testing.assert_allclose(d1m, d1 / 2, rtol=1e-12)


def test_contrastive_label_one_means_similar():
    x1 = np.array([ORIGIN])
    x2 = np.array([[0.1, 0.0]])
    # a close pair labelled similar costs almost nothing; labelled dissimilar it costs (1 - 0.1)²
    assert losses.contrastive([1], x1, x2) == pytest.approx(0.01)
    assert losses.contrastive([0], x1, x2) == pytest.approx(0.81)


def test_contrastive_zero_distance_and_margin_kinks():
    x1 = np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 0.0]])
    x2 = np.array([[1.0, 2.0], [1.0, 2.0], [3.0, 4.0]])
    y = np.array([0, 1, 0])  # D = 0 dissimilar; D = 0 similar; D = 5 = margin dissimilar
    with np.errstate(all="raise", under="ignore"):
        out = losses.contrastive(y, x1, x2, margin=5.0, reduction="none")
        d1, d2 = losses.contrastive_grad(y, x1, x2, margin=5.0, reduction="sum")
    np.testing.assert_allclose(out, [25.0, 0.0, 0.0], atol=1e-12)
    assert np.all(np.isfinite(d1)) and np.all(np.isfinite(d2))
    # D = 0: subgradient 0 for the distance term; at the margin (m - D) = 0
    np.testing.assert_allclose(d1, np.zeros((3, 2)), atol=1e-12)
    np.testing.assert_allclose(d2, np.zeros((3, 2)), atol=1e-12)


@pytest.mark.parametrize("fn", [losses.contrastive, losses.contrastive_grad])
@pytest.mark.parametrize(
    ("y", "kwargs", "pattern"),
    [([0, 2], {}, "y_true"), ([0.5, 1], {}, "y_true"), ([-1, 1], {}, "y_true")]
    + [([0, 1], {"margin": -1.0}, "margin")],
)
def test_contrastive_rejects(fn, y, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        fn(y, np.zeros((2, 3)), np.ones((2, 3)), **kwargs)


# ------------------------------------------------------------------ triplet


def _tri(a, p, n):
    return np.array([a]), np.array([p]), np.array([n])


def test_triplet_345_by_hand():
    # D(a, p) = 5; negatives at distance 10, 3
    assert losses.triplet(*_tri(ORIGIN, P345, [6.0, 8.0])) == 0.0  # max(0, 5 - 10 + 1) = 0
    assert losses.triplet(*_tri(ORIGIN, P345, [0.0, 3.0])) == pytest.approx(3.0)  # 5 - 3 + 1
    assert losses.triplet(*_tri(ORIGIN, P345, [0.0, 3.0]), margin=2.5) == pytest.approx(4.5)
    # FaceNet's squared distances: 25 - 9 + 1 = 17
    assert losses.triplet(*_tri(ORIGIN, P345, [0.0, 3.0]), squared=True) == pytest.approx(17.0)


def test_triplet_gradients_by_hand():
    a, p, n = _tri(ORIGIN, P345, [0.0, 3.0])
    da, dp, dn = losses.triplet_grad(a, p, n, reduction="sum")
    # (a-p)/D_ap = (-0.6, -0.8); (a-n)/D_an = (0, -1)
    np.testing.assert_allclose(da, [[-0.6, 0.2]], rtol=1e-12)  # (a-p)/D_ap - (a-n)/D_an
    np.testing.assert_allclose(dp, [[0.6, 0.8]], rtol=1e-12)
    np.testing.assert_allclose(dn, [[0.0, -1.0]], atol=1e-12)
    da, dp, dn = losses.triplet_grad(a, p, n, squared=True, reduction="sum")
    # 2(a-p) - 2(a-n) = (-6, -8) - (0, -6) = (-6, -2); -2(a-p) = (6, 8); 2(a-n) = (0, -6)
    np.testing.assert_allclose(da, [[-6.0, -2.0]], rtol=1e-12)
    np.testing.assert_allclose(dp, [[6.0, 8.0]], rtol=1e-12)
    np.testing.assert_allclose(dn, [[0.0, -6.0]], atol=1e-12)


def test_triplet_at_margin_and_zero_distance():
    a = np.array([ORIGIN, [1.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
    p = np.array([P345, [1.0, 1.0], [1.0, 1.5], [2.0, 2.0]])
    n = np.array([[0.0, 6.0], [1.0, 1.5], [1.0, 1.0], [2.0, 2.0]])
    # row 0: 5 - 6 + 1 = 0, the kink; row 1: a = p, 0 - 0.5 + 1 = 0.5;
    # row 2: a = n, 0.5 - 0 + 1 = 1.5; row 3: all equal, 0 - 0 + 1 = 1
    with np.errstate(all="raise", under="ignore"):
        out = losses.triplet(a, p, n, reduction="none")
        da, dp, dn = losses.triplet_grad(a, p, n, reduction="sum")
    np.testing.assert_allclose(out, [0.0, 0.5, 1.5, 1.0], atol=1e-12)
    for g in (da, dp, dn):
        assert np.all(np.isfinite(g))
    # row 0: subgradient 0 at the kink; zero distances contribute 0
    np.testing.assert_allclose(da[0], 0, atol=1e-12)
    np.testing.assert_allclose(dp[[0, 1, 3]], 0, atol=1e-12)
    np.testing.assert_allclose(dn[[0, 2, 3]], 0, atol=1e-12)
    np.testing.assert_allclose(dn[1], [0.0, -1.0], atol=1e-12)  # (a - n)/D_an
    np.testing.assert_allclose(da[1], [0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(dp[2], [0.0, 1.0], atol=1e-12)  # -(a - p)/D_ap
    np.testing.assert_allclose(da[2], [0.0, -1.0], atol=1e-12)


@pytest.mark.parametrize("fn", [losses.triplet, losses.triplet_grad])
def test_triplet_rejects_negative_margin(fn):
    with pytest.raises(ValueError, match="margin"):
        fn(np.zeros((2, 3)), np.ones((2, 3)), np.ones((2, 3)), margin=-0.1)


@pytest.mark.parametrize("margin", [0.0, 1.0])
def test_zero_margin_is_allowed(margin):
    x = RNG.normal(size=(3, 2))
    assert np.isfinite(losses.triplet(x, x + 1, x - 1, margin=margin))
    assert np.isfinite(losses.contrastive([0, 1, 0], x, x + 1, margin=margin))


# ------------------------------------------------------------------ gradients vs numerical


@pytest.mark.parametrize("case", cases_for("contrastive", "triplet"), ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@settings(max_examples=10, deadline=None, database=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1))
def test_gradient_matches_numerical_grad(case, reduction, seed):
    check_gradient(case, seed, reduction)


def test_triplet_matches_pytorch():
    torch = pytest.importorskip("torch")
    a, p, n = (RNG.normal(size=(6, 4)) for _ in range(3))
    ts = [torch.tensor(x, requires_grad=True) for x in (a, p, n)]
    # eps=0 so PyTorch's pairwise distance is the plain Euclidean one
    ref = torch.nn.functional.triplet_margin_loss(*ts, margin=1.0, eps=0.0)
    ref.backward()
    assert losses.triplet(a, p, n) == pytest.approx(ref.item(), rel=1e-10)
    for ours, t in zip(losses.triplet_grad(a, p, n), ts, strict=True):
        np.testing.assert_allclose(ours, t.grad.numpy(), rtol=1e-8, atol=1e-12)


# ------------------------------------------------------------------ InfoNCE


def _info_nce_reference(a, p, tau, symmetric=False):
    """Written out from the definition with scipy's logsumexp, one row at a time."""
    from scipy.special import logsumexp

    a = np.asarray(a, float) / np.linalg.norm(a, axis=1, keepdims=True)
    p = np.asarray(p, float) / np.linalg.norm(p, axis=1, keepdims=True)
    s = a @ p.T / tau
    rows = np.array([logsumexp(s[i]) - s[i, i] for i in range(len(s))])
    if not symmetric:
        return rows
    cols = np.array([logsumexp(s[:, i]) - s[i, i] for i in range(len(s))])
    return 0.5 * (rows + cols)


def test_info_nce_by_hand():
    a = [[1.0, 0.0], [0.0, 1.0]]
    p = [[2.0, 0.0], [0.0, 3.0]]  # normalised: the identity
    # each row: -1/τ + log(e^(1/τ) + e^0)
    for tau in (1.0, 0.5):
        want = -1 / tau + np.log(np.exp(1 / tau) + 1.0)
        np.testing.assert_allclose(
            losses.info_nce(a, p, temperature=tau, reduction="none"), [want] * 2
        )
    # a random embedding scores about log n
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 64))
    y = rng.normal(size=(512, 64))
    assert losses.info_nce(x, y, temperature=1.0) == pytest.approx(np.log(512), abs=0.05)


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("tau", [1.0, 0.1, 1e-3])
def test_info_nce_matches_the_definition(symmetric, tau):
    rng = np.random.default_rng(3)
    a, p = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    got = losses.info_nce(a, p, temperature=tau, symmetric=symmetric, reduction="none")
    np.testing.assert_allclose(got, _info_nce_reference(a, p, tau, symmetric), rtol=1e-10)


def test_info_nce_is_cross_entropy_of_the_similarity_logits():
    rng = np.random.default_rng(9)
    a, p = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    an = a / np.linalg.norm(a, axis=1, keepdims=True)
    pn = p / np.linalg.norm(p, axis=1, keepdims=True)
    logits = an @ pn.T / 0.2
    ce = losses.cross_entropy(np.arange(5), logits, from_logits=True)
    assert losses.info_nce(a, p, temperature=0.2) == pytest.approx(ce, rel=1e-12)


def test_info_nce_ignores_lengths_and_is_stable_at_small_temperature():
    rng = np.random.default_rng(10)
    a, p = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    base = losses.info_nce(a, p, temperature=1e-3, reduction="none")
    scaled = losses.info_nce(a * 1e6, p * 1e-6, temperature=1e-3, reduction="none")
    np.testing.assert_allclose(base, scaled, rtol=1e-9)
    assert np.all(np.isfinite(base))
    ga, gp = losses.info_nce_grad(a, p, temperature=1e-3)
    assert np.all(np.isfinite(ga)) and np.all(np.isfinite(gp))
    # the length does not change the loss, so the gradient is orthogonal to each row
    np.testing.assert_allclose(np.einsum("ij,ij->i", ga, a), 0.0, atol=1e-8)


@pytest.mark.parametrize(
    ("args", "kwargs", "pattern"),
    [
        (([[1.0, 0.0]], [[1.0, 0.0]]), {}, "n ≥ 2"),
        (([[1.0, 0.0], [0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]), {}, "anchor row 1 is all zeros"),
        (([[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.0], [0.0, 1.0]]), {}, "positive row 0"),
        (([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]), {"temperature": 0.0}, "temperature"),
        (([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]), {"symmetric": "yes"}, "symmetric"),
        (([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), {}, r"\(2, 2\).*\(2, 3\)"),
    ],
)
def test_info_nce_rejects(args, kwargs, pattern):
    for fn in (losses.info_nce, losses.info_nce_grad):
        with pytest.raises(ValueError, match=pattern):
            fn(*args, **kwargs)


@pytest.mark.parametrize("case", cases_for("info_nce"), ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_info_nce_gradient_matches_numerical_grad(case, reduction):
    check_gradient(case, 2, reduction, rtol=1e-5, atol=1e-6)


def test_info_nce_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    a, p = rng.normal(size=(8, 5)), rng.normal(size=(8, 5))
    at = torch.tensor(a, requires_grad=True)
    pt = torch.tensor(p, requires_grad=True)
    fn = torch.nn.functional
    s = fn.normalize(at, dim=1) @ fn.normalize(pt, dim=1).T / 0.07
    labels = torch.arange(8)
    ref = 0.5 * (fn.cross_entropy(s, labels) + fn.cross_entropy(s.T, labels))
    ref.backward()
    assert losses.info_nce(a, p, temperature=0.07, symmetric=True) == pytest.approx(ref.item())
    ga, gp = losses.info_nce_grad(a, p, temperature=0.07, symmetric=True)
    np.testing.assert_allclose(ga, at.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gp, pt.grad.numpy(), rtol=1e-9, atol=1e-12)
