"""Tests of losses.classification: cross_entropy, binary_cross_entropy, hinge, multiclass_hinge."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special
from sklearn.metrics import hinge_loss, log_loss

import losses
from tests._losses_helpers import cases_for, check_gradient

RNG = np.random.default_rng(7)
EPS64 = np.finfo(np.float64).eps


def _onehot(labels, c):
    return np.eye(c)[labels]


# ------------------------------------------------------------------ cross-entropy values


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_cross_entropy_labels_matches_sklearn_log_loss(n_classes):
    n = 20
    labels = RNG.integers(0, n_classes, n)
    probs = special.softmax(RNG.normal(size=(n, n_classes)), axis=1)
    ref = log_loss(labels, probs, labels=list(range(n_classes)))
    assert losses.cross_entropy(labels, probs) == pytest.approx(ref, rel=1e-10)
    assert losses.cross_entropy(labels, probs, reduction="sum") == pytest.approx(
        log_loss(labels, probs, labels=list(range(n_classes)), normalize=False), rel=1e-10
    )
    np.testing.assert_allclose(
        losses.cross_entropy(labels, probs, reduction="none"),
        -np.log(probs[np.arange(n), labels]),
        rtol=1e-12,
    )


def test_cross_entropy_from_logits_matches_sklearn_on_softmax():
    labels = RNG.integers(0, 4, 15)
    z = RNG.normal(size=(15, 4)) * 3
    ref = log_loss(labels, special.softmax(z, axis=1), labels=[0, 1, 2, 3])
    assert losses.cross_entropy(labels, z, from_logits=True) == pytest.approx(ref, rel=1e-10)


def test_cross_entropy_probability_targets_and_whole_float_labels():
    labels = np.array([0, 2, 1, 2])
    z = RNG.normal(size=(4, 3))
    by_label = losses.cross_entropy(labels, z, from_logits=True, reduction="none")
    by_onehot = losses.cross_entropy(_onehot(labels, 3), z, from_logits=True, reduction="none")
    by_float = losses.cross_entropy(labels.astype(float), z, from_logits=True, reduction="none")
    np.testing.assert_allclose(by_onehot, by_label, rtol=1e-12)
    np.testing.assert_allclose(by_float, by_label, rtol=1e-12)
    # soft targets by hand: -Σ t log softmax(z)
    t = special.softmax(RNG.normal(size=(4, 3)), axis=1)
    np.testing.assert_allclose(
        losses.cross_entropy(t, z, from_logits=True, reduction="none"),
        -(t * special.log_softmax(z, axis=1)).sum(axis=1),
        rtol=1e-12,
    )


@pytest.mark.parametrize("eps_ls", [0.0, 0.1, 0.5, 1.0])
def test_cross_entropy_label_smoothing_pytorch_formula(eps_ls):
    # PyTorch: loss = (1-ε)·nll + (ε/C)·Σ_c -log p_c  (target (1-ε)·onehot + ε/C)
    c = 4
    labels = RNG.integers(0, c, 6)
    z = RNG.normal(size=(6, c)) * 2
    logp = special.log_softmax(z, axis=1)
    nll = -logp[np.arange(6), labels]
    expected = (1 - eps_ls) * nll + eps_ls / c * (-logp.sum(axis=1))
    got = losses.cross_entropy(
        labels, z, from_logits=True, label_smoothing=eps_ls, reduction="none"
    )
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # probability targets are smoothed alike
    t = special.softmax(RNG.normal(size=(6, c)), axis=1)
    t_s = (1 - eps_ls) * t + eps_ls / c
    np.testing.assert_allclose(
        losses.cross_entropy(t, z, from_logits=True, label_smoothing=eps_ls, reduction="none"),
        -(t_s * logp).sum(axis=1),
        rtol=1e-12,
    )
    # and on the probability path
    p = special.softmax(z, axis=1)
    np.testing.assert_allclose(
        losses.cross_entropy(labels, p, label_smoothing=eps_ls, reduction="none"),
        expected,
        rtol=1e-9,
    )


def test_cross_entropy_zero_probability_is_clipped_like_sklearn():
    # a predicted 0 for the true class: clipped to eps = finfo(float64).eps, loss -log(eps) ≈ 36.04
    y = np.array([0, 1])
    p = np.array([[0.0, 1.0], [0.0, 1.0]])
    none = losses.cross_entropy(y, p, reduction="none")
    np.testing.assert_allclose(none, [-np.log(EPS64), -np.log(1 - EPS64)], rtol=1e-12)
    assert losses.cross_entropy(y, p) == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=1e-12)
    g = losses.cross_entropy_grad(y, p, reduction="sum")
    assert np.all(np.isfinite(g))
    # the gradient formula -y/ŷ at the clipped ŷ: large, finite, pushing the true class up
    assert g[0, 0] == pytest.approx(-1 / EPS64, rel=1e-9)
    assert g[0, 1] == 0.0


def test_cross_entropy_float32_clip_uses_float32_eps():
    p = np.array([[0.0, 1.0]], dtype=np.float32)
    out = losses.cross_entropy(np.array([0]), p, reduction="none")
    assert out.dtype == np.float32
    assert out[0] == pytest.approx(-np.log(np.finfo(np.float32).eps), rel=1e-5)


def test_cross_entropy_extreme_logits():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    labels = np.array([1, 0])
    with np.errstate(all="raise", under="ignore"):
        out = losses.cross_entropy(labels, z, from_logits=True, reduction="none")
        g = losses.cross_entropy_grad(labels, z, from_logits=True, reduction="sum")
    # row 0: logsumexp = 1e4, loss = 1e4 - (-1e4) = 2e4; row 1: lse = 1e4 + log 2, loss = 2e4 + log 2
    np.testing.assert_allclose(out, [2e4, 2e4 + np.log(2)], rtol=1e-12)
    np.testing.assert_allclose(g, [[1, -1, 0], [-1, 0.5, 0.5]], atol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_grad_closed_form_logits(reduction):
    # d/dz mean CE = (softmax(z) - onehot) / n
    n, c = 6, 5
    labels = RNG.integers(0, c, n)
    z = RNG.normal(size=(n, c))
    expected = special.softmax(z, axis=1) - _onehot(labels, c)
    if reduction == "mean":
        expected /= n
    got = losses.cross_entropy_grad(labels, z, from_logits=True, reduction=reduction)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-15)


def test_cross_entropy_grad_closed_form_probs():
    # d/dŷ Σ -t log ŷ = -t/ŷ
    t = special.softmax(RNG.normal(size=(3, 4)), axis=1)
    p = special.softmax(RNG.normal(size=(3, 4)), axis=1)
    got = losses.cross_entropy_grad(t, p, reduction="sum")
    np.testing.assert_allclose(got, -t / p, rtol=1e-10)


# ------------------------------------------------------------------ binary cross-entropy values


def test_bce_matches_sklearn_log_loss_hard_labels():
    y = RNG.integers(0, 2, 30)
    p = RNG.uniform(0.01, 0.99, 30)
    ref = log_loss(y, p, labels=[0, 1])  # 1-D y_proba is P(class 1)
    assert losses.binary_cross_entropy(y, p) == pytest.approx(ref, rel=1e-10)


def test_bce_soft_labels_and_logits_by_hand():
    y = RNG.uniform(0, 1, (4, 3))
    z = RNG.normal(size=(4, 3)) * 3
    p = special.expit(z)
    expected = -(y * np.log(p) + (1 - y) * np.log1p(-p))
    np.testing.assert_allclose(
        losses.binary_cross_entropy(y, p, reduction="none"), expected, rtol=1e-9
    )
    expected_logits = -(y * special.log_expit(z) + (1 - y) * special.log_expit(-z))
    np.testing.assert_allclose(
        losses.binary_cross_entropy(y, z, from_logits=True, reduction="none"),
        expected_logits,
        rtol=1e-12,
    )


@pytest.mark.parametrize("from_logits", [False, True])
def test_bce_pos_weight_by_hand(from_logits):
    y = RNG.uniform(0, 1, (5, 3))
    z = RNG.normal(size=(5, 3))
    log_p, log_1mp = special.log_expit(z), special.log_expit(-z)
    pred = z if from_logits else special.expit(z)
    for w in [2.0, np.array([0.5, 1.0, 4.0])]:  # scalar and per-column (broadcasts as PyTorch)
        expected = -(w * y * log_p + (1 - y) * log_1mp)  # -[w·y log ŷ + (1-y) log(1-ŷ)]
        got = losses.binary_cross_entropy(
            y, pred, from_logits=from_logits, pos_weight=w, reduction="none"
        )
        np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_bce_grad_closed_form_logits():
    y = RNG.uniform(0, 1, 10)
    z = RNG.normal(size=10) * 2
    g = losses.binary_cross_entropy_grad(y, z, from_logits=True, reduction="sum")
    np.testing.assert_allclose(g, special.expit(z) - y, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(
        losses.binary_cross_entropy_grad(y, z, from_logits=True), (special.expit(z) - y) / 10
    )
    # with pos_weight w: d/dz = σ(z)(w·y + 1 - y) - w·y
    w = 3.0
    g = losses.binary_cross_entropy_grad(y, z, from_logits=True, pos_weight=w, reduction="sum")
    np.testing.assert_allclose(g, special.expit(z) * (w * y + 1 - y) - w * y, rtol=1e-10)


@pytest.mark.parametrize("pos_weight", [None, 3.0])
def test_bce_extremes(pos_weight):
    z = np.array([1e4, -1e4, 1e4, -1e4])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    w = 1.0 if pos_weight is None else pos_weight
    with np.errstate(all="raise", under="ignore"):
        out = losses.binary_cross_entropy(
            y, z, from_logits=True, pos_weight=pos_weight, reduction="none"
        )
        g = losses.binary_cross_entropy_grad(
            y, z, from_logits=True, pos_weight=pos_weight, reduction="sum"
        )
    np.testing.assert_allclose(out, [0.0, 0.0, 1e4, w * 1e4], atol=1e-12)
    np.testing.assert_allclose(g, [0.0, 0.0, 1.0, -w], atol=1e-12)
    # probabilities exactly 0 and 1: clipped, so finite
    p = np.array([1.0, 0.0, 1.0, 0.0])
    with np.errstate(all="raise", under="ignore"):
        out = losses.binary_cross_entropy(y, p, pos_weight=pos_weight, reduction="none")
        g = losses.binary_cross_entropy_grad(y, p, pos_weight=pos_weight, reduction="sum")
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(g))
    np.testing.assert_allclose(out[2:], [-np.log(EPS64), -w * np.log(EPS64)], rtol=1e-9)
    assert out[0] < 1e-12 and out[1] < 1e-12
    # pointing the right way: lower the prediction for y=0, raise it for y=1
    assert g[2] > 0 and g[3] < 0


# ------------------------------------------------------------------ hinge values


def test_hinge_matches_sklearn():
    y = RNG.choice([-1, 1], 25)
    f = RNG.normal(size=25) * 2
    # sklearn's binary hinge_loss is mean(max(0, 1 - y·f)): the same thing for margin 1
    assert losses.hinge(y, f) == pytest.approx(hinge_loss(y, f), rel=1e-12)


def test_hinge_margin_by_hand():
    y = np.array([1, -1, 1, -1])
    f = np.array([3.0, 0.5, 1.0, -2.5])  # y·f = 3, -0.5, 1, 2.5
    np.testing.assert_allclose(losses.hinge(y, f, margin=2.0, reduction="none"), [0, 2.5, 1, 0])
    np.testing.assert_allclose(losses.hinge_grad(y, f, margin=2.0, reduction="sum"), [0, 1, -1, 0])


def test_hinge_gradient_at_margin_is_zero():
    y = np.array([1, -1, 1])
    f = np.array([1.0, -1.0, 0.0])  # y·f = 1 = margin (the kink) twice, then inside the margin
    g = losses.hinge_grad(y, f, reduction="sum")
    assert np.all(np.isfinite(g))
    np.testing.assert_array_equal(g, [0.0, 0.0, -1.0])
    np.testing.assert_array_equal(losses.hinge(y, f, reduction="none"), [0.0, 0.0, 1.0])


# ------------------------------------------------------------------ multiclass hinge values


def _weston_watkins(labels, scores, m=1.0):
    """Σ_{c≠y} max(0, m − (s_y − s_c)) per row: the other multiclass hinge, written out here."""
    scores = np.asarray(scores, dtype=float)
    rows = np.arange(len(labels))
    terms = np.maximum(0.0, m - (scores[rows, labels][:, None] - scores))
    terms[rows, labels] = 0.0
    return terms.sum(axis=1)


@pytest.mark.parametrize("n_classes", [3, 5])
def test_multiclass_hinge_matches_sklearn_crammer_singer(n_classes):
    # sklearn's hinge_loss with more than two classes is Crammer and Singer's, margin 1
    labels = RNG.integers(0, n_classes, 40)
    scores = RNG.normal(size=(40, n_classes)) * 2
    ref = hinge_loss(labels, scores, labels=list(range(n_classes)))
    assert losses.multiclass_hinge(labels, scores) == pytest.approx(ref, rel=1e-12)


def test_multiclass_hinge_by_hand():
    scores = np.array([[2.0, 1.5, -1.0], [0.0, 3.0, 1.0], [1.0, 0.5, 0.8], [0.2, 0.9, 0.1]])
    labels = np.array([0, 1, 0, 2])
    # margins s_y − max_{c≠y} s_c: 0.5, 2.0, 0.2, −0.8, so losses 1 − margin where below 1
    np.testing.assert_allclose(
        losses.multiclass_hinge(labels, scores, reduction="none"), [0.5, 0.0, 0.8, 1.8]
    )
    # −1 at the true class and +1 at the best wrong class, for the three rows inside the margin
    expected = [[-1, 1, 0], [0, 0, 0], [-1, 0, 1], [0, 1, -1]]
    np.testing.assert_array_equal(
        losses.multiclass_hinge_grad(labels, scores, reduction="sum"), expected
    )
    np.testing.assert_allclose(losses.multiclass_hinge_grad(labels, scores), np.divide(expected, 4))
    # with margin 2.5 the second row (margin 2) is inside too
    np.testing.assert_allclose(
        losses.multiclass_hinge(labels, scores, margin=2.5, reduction="none"), [2, 0.5, 2.3, 3.3]
    )


def test_multiclass_hinge_with_two_classes_is_the_binary_hinge_of_the_difference():
    labels = RNG.integers(0, 2, 30)
    scores = RNG.normal(size=(30, 2)) * 2
    y, f = 2 * labels - 1, scores[:, 1] - scores[:, 0]
    for m in (0.0, 1.0, 2.0):
        np.testing.assert_allclose(
            losses.multiclass_hinge(labels, scores, margin=m, reduction="none"),
            losses.hinge(y, f, margin=m, reduction="none"),
            rtol=1e-12,
        )
        g = losses.multiclass_hinge_grad(labels, scores, margin=m, reduction="sum")
        g_f = losses.hinge_grad(y, f, margin=m, reduction="sum")  # f = s_1 − s_0: chain rule
        np.testing.assert_allclose(g, np.stack([-g_f, g_f], axis=1), atol=0)


def test_multiclass_hinge_against_weston_watkins():
    labels = RNG.integers(0, 4, 200)
    scores = RNG.normal(size=(200, 4))
    cs = losses.multiclass_hinge(labels, scores, reduction="none")
    ww = _weston_watkins(labels, scores)
    # WW adds up every wrong class within the margin, CS keeps only the worst of them
    assert np.all(cs <= ww + 1e-12)
    rows = np.arange(200)
    # wrong classes within the margin (the true class itself, 1 − 0 > 0, is taken off)
    violators = (1.0 - (scores[rows, labels][:, None] - scores) > 0).sum(axis=1) - 1
    np.testing.assert_allclose(cs[violators <= 1], ww[violators <= 1], rtol=1e-12)
    assert np.all(cs[violators >= 2] < ww[violators >= 2])
    # both are zero for exactly the same samples: margin ≥ 1
    np.testing.assert_array_equal(cs == 0, ww == 0)
    assert (violators >= 2).any() and (violators <= 1).any()


def test_multiclass_hinge_ignores_a_shift_of_a_row():
    labels = RNG.integers(0, 3, 10)
    scores = RNG.normal(size=(10, 3))
    shifted = scores + RNG.normal(size=(10, 1)) * 5
    np.testing.assert_allclose(
        losses.multiclass_hinge(labels, shifted, reduction="none"),
        losses.multiclass_hinge(labels, scores, reduction="none"),
        rtol=1e-10,
        atol=1e-12,
    )


def test_multiclass_hinge_kink_and_ties():
    # margin exactly 1 (the kink): loss 0 and the subgradient 0
    scores = np.array([[2.0, 1.0, 0.5]])
    assert losses.multiclass_hinge([0], scores) == 0.0
    np.testing.assert_array_equal(losses.multiclass_hinge_grad([0], scores), [[0, 0, 0]])
    # all scores equal: the two wrong classes tie for the max and share the +1, which is what
    # central finite differences give at a tie of max(s_1, s_2)
    zero = np.zeros((1, 3))
    g = losses.multiclass_hinge_grad([0], zero, reduction="sum")
    np.testing.assert_array_equal(g, [[-1.0, 0.5, 0.5]])
    numeric = losses.numerical_grad(
        lambda s: losses.multiclass_hinge([0], s, reduction="sum"), zero
    )
    np.testing.assert_allclose(g, numeric, atol=1e-8)
    assert losses.multiclass_hinge([0], zero) == 1.0


# ------------------------------------------------------------------ gradients vs numerical


@pytest.mark.parametrize(
    "case",
    cases_for("cross_entropy", "binary_cross_entropy", "hinge", "multiclass_hinge"),
    ids=str,
)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@settings(max_examples=8, deadline=None, database=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1))
def test_gradient_matches_numerical_grad(case, reduction, seed):
    check_gradient(case, seed, reduction)


# ------------------------------------------------------------------ bad input

Z = np.array([[0.2, -1.0, 0.5], [1.0, 0.0, -0.3]])
P = special.softmax(Z, axis=1)


@pytest.mark.parametrize("fn", [losses.cross_entropy, losses.cross_entropy_grad])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "pattern"),
    [
        ([0, 3], Z, {"from_logits": True}, "y_true"),  # label ≥ C
        ([0, -1], Z, {"from_logits": True}, "y_true"),  # negative label
        ([0.0, 1.5], Z, {"from_logits": True}, "y_true"),  # non-integer float label
        ([0, 1], P * 0.9, {}, "y_pred"),  # rows do not sum to 1
        ([0, 1], P + [[0.3, -0.3, 0.0], [0.0, 0.0, 0.0]], {}, "y_pred"),  # outside [0, 1]
        ([0, 1], np.array([[1.2, -0.2, 0.0], [0.2, 0.3, 0.5]]), {}, "y_pred"),
        (P * 0.5, Z, {"from_logits": True}, "y_true"),  # probability targets not summing to 1
        (np.array([[1.5, -0.5, 0.0], P[1]]), Z, {"from_logits": True}, "y_true"),
        ([0, 1], Z, {"from_logits": True, "label_smoothing": -0.1}, "label_smoothing"),
        ([0, 1], Z, {"from_logits": True, "label_smoothing": 1.5}, "label_smoothing"),
    ],
)
def test_cross_entropy_rejects(fn, y_true, y_pred, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        fn(y_true, y_pred, **kwargs)


def test_cross_entropy_row_sum_tolerance():
    # float64: 1e-6; float32: 1e-4
    ok64 = np.array([[0.5, 0.5 + 5e-7]])
    bad64 = np.array([[0.5, 0.5 + 1e-5]])
    assert np.isfinite(losses.cross_entropy([0], ok64))
    with pytest.raises(ValueError, match="y_pred"):
        losses.cross_entropy([0], bad64)
    ok32 = np.array([[0.5, 0.50005]], dtype=np.float32)
    bad32 = np.array([[0.5, 0.501]], dtype=np.float32)
    assert np.isfinite(losses.cross_entropy([0], ok32))
    with pytest.raises(ValueError, match="y_pred"):
        losses.cross_entropy([0], bad32)


@pytest.mark.parametrize("fn", [losses.binary_cross_entropy, losses.binary_cross_entropy_grad])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "pattern"),
    [
        ([0.0, 1.5], [0.3, 0.6], {}, "y_true"),
        ([-0.1, 1.0], [0.3, 0.6], {}, "y_true"),
        ([0.0, 1.0], [0.3, 1.2], {}, "y_pred"),
        ([0.0, 1.0], [-0.3, 0.6], {}, "y_pred"),
        ([[0.0, 1.0]] * 3, [[0.3, 0.6]] * 3, {"pos_weight": np.ones(3)}, "pos_weight"),
        ([[0.0, 1.0]] * 3, [[0.3, 0.6]] * 3, {"pos_weight": np.ones((2, 2))}, "pos_weight"),
    ],
)
def test_bce_rejects(fn, y_true, y_pred, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        fn(y_true, y_pred, **kwargs)


@pytest.mark.parametrize("fn", [losses.hinge, losses.hinge_grad])
def test_hinge_zero_one_labels_suggest_2y_minus_1(fn):
    with pytest.raises(ValueError, match=r"y_true") as excinfo:
        fn([0, 1, 1, 0], [0.3, -0.2, 1.0, 2.0])
    assert re.search(r"2\s*\*\s*y(_true)?\s*-\s*1", str(excinfo.value))


@pytest.mark.parametrize("fn", [losses.hinge, losses.hinge_grad])
@pytest.mark.parametrize("y_true", [[1, 2], [0.5, -1], [-1, -2]])
def test_hinge_rejects_other_labels(fn, y_true):
    with pytest.raises(ValueError, match=r"y_true"):
        fn(y_true, [0.3, -0.2])


@pytest.mark.parametrize("fn", [losses.hinge, losses.hinge_grad])
def test_hinge_rejects_negative_margin(fn):
    with pytest.raises(ValueError, match="margin"):
        fn([1, -1], [0.3, -0.2], margin=-0.5)


@pytest.mark.parametrize("fn", [losses.multiclass_hinge, losses.multiclass_hinge_grad])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "message"),
    [
        ([0, 3], Z, {}, "y_true must hold integer class labels in [0, 3)"),
        ([0, -1], Z, {}, "index 1 holds -1"),
        ([0.0, 1.5], Z, {}, "index 1 holds 1.5"),
        (np.eye(3)[[0, 1]], Z, {}, "y_true has shape (2, 3) but y_pred has shape (2, 3)"),
        ([[0], [1]], Z, {}, "y_true has shape (2, 1) but y_pred has shape (2, 3)"),
        ([0, 1, 2], Z, {}, "y_true has shape (3,) but y_pred has shape (2, 3)"),
        ([0, 0], [[1.0], [2.0]], {}, "at least 2 columns"),
        ([0, 1], [0.3, -0.2], {}, "y_pred must be 2-D"),
        ([0, 1], Z, {"margin": -0.5}, "margin must be ≥ 0"),
    ],
)
def test_multiclass_hinge_rejects(fn, y_true, y_pred, kwargs, message):
    with pytest.raises(ValueError) as excinfo:
        fn(y_true, y_pred, **kwargs)
    assert message in str(excinfo.value)


# ------------------------------------------------------------------ optional: PyTorch cross-checks


def test_cross_entropy_label_smoothing_matches_pytorch():
    torch = pytest.importorskip("torch")
    labels = RNG.integers(0, 5, 8)
    z = RNG.normal(size=(8, 5)) * 2
    zt = torch.tensor(z, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(zt, torch.tensor(labels), label_smoothing=0.2)
    ref.backward()
    assert losses.cross_entropy(labels, z, from_logits=True, label_smoothing=0.2) == pytest.approx(
        ref.item(), rel=1e-10
    )
    np.testing.assert_allclose(
        losses.cross_entropy_grad(labels, z, from_logits=True, label_smoothing=0.2),
        zt.grad.numpy(),
        rtol=1e-8,
        atol=1e-14,
    )


def test_bce_pos_weight_matches_pytorch():
    torch = pytest.importorskip("torch")
    y = RNG.uniform(0, 1, (6, 3))
    z = RNG.normal(size=(6, 3)) * 2
    w = np.array([0.5, 2.0, 4.0])
    zt = torch.tensor(z, requires_grad=True)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(
        zt, torch.tensor(y), pos_weight=torch.tensor(w)
    )
    ref.backward()
    kw = {"from_logits": True, "pos_weight": w}
    assert losses.binary_cross_entropy(y, z, **kw) == pytest.approx(ref.item(), rel=1e-10)
    np.testing.assert_allclose(
        losses.binary_cross_entropy_grad(y, z, **kw), zt.grad.numpy(), rtol=1e-8, atol=1e-14
    )
