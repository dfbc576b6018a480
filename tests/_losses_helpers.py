"""Shared helpers for the tests of the `losses` package.

Plain functions imported by the ``test_losses_*`` modules (kept out of ``conftest.py`` on purpose).

Each loss gets a list of :class:`Case` objects: a named recipe that builds valid random inputs *away
from the kinks* (so that central finite differences are a fair reference for the analytic gradient).
The recipes use only numpy and scipy: they never call the package under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import special

import losses

# The contract's table, written out independently of the package.
DATA_ARGS = {
    "mse": ("y_true", "y_pred"),
    "mae": ("y_true", "y_pred"),
    "huber": ("y_true", "y_pred"),
    "cross_entropy": ("y_true", "y_pred"),
    "binary_cross_entropy": ("y_true", "y_pred"),
    "hinge": ("y_true", "y_pred"),
    "focal": ("y_true", "y_pred"),
    "dice": ("y_true", "y_pred"),
    "kl_divergence": ("y_true", "y_pred"),
    "contrastive": ("y_true", "x1", "x2"),
    "triplet": ("anchor", "positive", "negative"),
    # "More losses" of the contract
    "quantile": ("y_true", "y_pred"),
    "tversky": ("y_true", "y_pred"),
    "info_nce": ("anchor", "positive"),
    "multiclass_hinge": ("y_true", "y_pred"),
}
CONTRACT_PARAMS = {
    "mse": {},
    "mae": {},
    "huber": {"delta": 1.0},
    "cross_entropy": {"from_logits": False, "label_smoothing": 0.0},
    "binary_cross_entropy": {"from_logits": False, "pos_weight": None},
    "hinge": {"margin": 1.0},
    "focal": {"alpha": 0.25, "gamma": 2.0, "from_logits": False},
    "dice": {"smooth": 1e-6, "axis": None},
    "kl_divergence": {"from_logits": False},
    "contrastive": {"margin": 1.0},
    "triplet": {"margin": 1.0, "squared": False},
    "quantile": {"q": 0.5},
    "tversky": {"alpha": 0.5, "beta": 0.5, "gamma": 1.0, "smooth": 1e-6, "axis": None},
    "info_nce": {"temperature": 0.1, "symmetric": False},
    "multiclass_hinge": {"margin": 1.0},
}
NAMES = tuple(DATA_ARGS)
# Which data arguments the gradient function differentiates, in the order it returns them.
DIFF_ARGS = {name: (1,) for name in NAMES} | {
    "contrastive": (1, 2),
    "triplet": (0, 1, 2),
    "info_nce": (0, 1),
}
# The argument whose dtype decides the output dtype ("the first embedding's" for metric losses).
DTYPE_ARG = {name: 1 for name in NAMES} | {"contrastive": 1, "triplet": 0, "info_nce": 0}
REDUCTIONS = ("mean", "sum", "none")


def fns(name):
    """The loss and its gradient, looked up by attribute (not through LOSSES)."""
    return getattr(losses, name), getattr(losses, name + "_grad")


def grads_tuple(name, g):
    """Gradient result as a tuple, one entry per differentiated argument."""
    return tuple(g) if len(DIFF_ARGS[name]) > 1 else (g,)


# --------------------------------------------------------------------------------------------
# Random valid inputs away from kinks
# --------------------------------------------------------------------------------------------


def _signed(rng, low, high, size):
    """Magnitudes uniform in [low, high) with random signs."""
    return rng.choice([-1.0, 1.0], size=size) * rng.uniform(low, high, size=size)


def _units(rng, n, d):
    v = rng.normal(size=(n, d))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _softmax(z):
    return special.softmax(z, axis=-1)


@dataclass(frozen=True)
class Case:
    """A named input recipe for one loss: ``make(rng, dtype) -> (args, kwargs)``."""

    loss: str
    id: str
    make: Callable = field(repr=False)
    # finite-difference step: probability rows must keep summing to 1 within 1e-6 when perturbed
    eps: float = 1e-6

    def __str__(self):
        return f"{self.loss}-{self.id}"

    def build(self, seed=0, dtype=np.float64):
        rng = np.random.default_rng(seed)
        return self.make(rng, dtype)


def _regression(delta=None):
    def make(rng, dtype):
        y = rng.normal(size=(4, 3))
        if delta is None:  # MAE/MSE: keep |error| away from 0 (MAE's kink)
            r = _signed(rng, 0.2, 2.0, (4, 3))
        else:  # Huber: keep |error| away from delta (only for tidiness: it is C1 there)
            small = rng.uniform(0.1, 0.8, size=(4, 3)) * delta
            large = rng.uniform(1.2, 3.0, size=(4, 3)) * delta
            r = np.where(rng.random((4, 3)) < 0.5, small, large) * rng.choice([-1, 1], (4, 3))
        kwargs = {} if delta is None else {"delta": delta}
        return (y.astype(dtype), (y + r).astype(dtype)), kwargs

    return make


def _ce(targets, from_logits, label_smoothing=None, n=5, c=4):
    def make(rng, dtype):
        z = rng.normal(size=(n, c)) * 2.0
        # probabilities kept ≥ 0.1/C: finite differences are poor where -t/ŷ is steep
        y_pred = z if from_logits else 0.9 * _softmax(z) + 0.1 / c
        if targets == "labels":
            y_true = rng.integers(0, c, size=n)
        elif targets == "float-labels":
            y_true = rng.integers(0, c, size=n).astype(float)
        else:
            y_true = _softmax(rng.normal(size=(n, c))).astype(dtype)
        kwargs = {"from_logits": from_logits}
        if label_smoothing is not None:
            kwargs["label_smoothing"] = label_smoothing
        return (y_true, y_pred.astype(dtype)), kwargs

    return make


def _bce(hard, from_logits, pos_weight=None, shape=(6, 3)):
    def make(rng, dtype):
        if hard:
            y_true = rng.integers(0, 2, size=shape)
        else:
            y_true = rng.uniform(0, 1, size=shape).astype(dtype)
        if from_logits:
            y_pred = rng.normal(size=shape) * 3.0
        else:
            y_pred = rng.uniform(0.05, 0.95, size=shape)
        kwargs = {"from_logits": from_logits}
        if pos_weight == "scalar":
            kwargs["pos_weight"] = 2.5
        elif pos_weight == "per-class":  # shape (C,) against (n, C): broadcasts, as PyTorch
            kwargs["pos_weight"] = rng.uniform(0.5, 3.0, size=shape[-1])
        return (y_true, y_pred.astype(dtype)), kwargs

    return make


def _hinge(margin=None):
    def make(rng, dtype):
        m = 1.0 if margin is None else margin
        y = rng.choice([-1, 1], size=8)
        t = m + _signed(rng, 0.2, 2.0, 8)  # y * f, away from the margin
        kwargs = {} if margin is None else {"margin": margin}
        return (y, (t * y).astype(dtype)), kwargs

    return make


_DEFAULT = object()


def _focal(from_logits, alpha=_DEFAULT, gamma=None, shape=(5, 3)):
    def make(rng, dtype):
        y_true = rng.integers(0, 2, size=shape)
        if from_logits:
            y_pred = rng.normal(size=shape) * 2.0
        else:
            y_pred = rng.uniform(0.05, 0.95, size=shape)
        kwargs = {"from_logits": from_logits}
        if alpha is not _DEFAULT:
            kwargs["alpha"] = alpha
        if gamma is not None:
            kwargs["gamma"] = gamma
        return (y_true, y_pred.astype(dtype)), kwargs

    return make


def _dice(axis=_DEFAULT, smooth=None, soft=False, shape=(3, 4, 5)):
    def make(rng, dtype):
        if soft:
            y_true = rng.uniform(0, 1, size=shape).astype(dtype)
        else:
            y_true = rng.integers(0, 2, size=shape)
        y_pred = rng.uniform(0.05, 0.95, size=shape)
        kwargs = {}
        if axis is not _DEFAULT:
            kwargs["axis"] = axis
        if smooth is not None:
            kwargs["smooth"] = smooth
        return (y_true, y_pred.astype(dtype)), kwargs

    return make


def _kl(from_logits, shape=(4, 5), zeros_in_p=False):
    def make(rng, dtype):
        p = _softmax(rng.normal(size=shape))
        if zeros_in_p:
            p = np.where(rng.random(shape) < 0.3, 0.0, p)
            p[..., 0] = np.maximum(p[..., 0], 0.1)  # never an all-zero row
            p = p / p.sum(axis=-1, keepdims=True)
        z = rng.normal(size=shape) * 2.0
        # probabilities kept ≥ 0.1/C: finite differences are poor where -P/Q is steep
        q = z if from_logits else 0.9 * _softmax(z) + 0.1 / shape[-1]
        return (p.astype(dtype), q.astype(dtype)), {"from_logits": from_logits}

    return make


def _contrastive(margin=None, n=6, d=3):
    def make(rng, dtype):
        m = 1.0 if margin is None else margin
        y = rng.integers(0, 2, size=n)
        # distance away from 0 and from the margin
        dist = np.where(
            rng.random(n) < 0.5, rng.uniform(0.2, 0.8, n) * m, rng.uniform(1.2, 2.0, n) * m
        )
        x1 = rng.normal(size=(n, d))
        x2 = x1 + dist[:, None] * _units(rng, n, d)
        kwargs = {} if margin is None else {"margin": margin}
        return (y, x1.astype(dtype), x2.astype(dtype)), kwargs

    return make


def _triplet(margin=None, squared=None, n=6, d=3):
    def make(rng, dtype):
        m = 1.0 if margin is None else margin
        d_ap = rng.uniform(0.3, 2.0, n)
        s = _signed(rng, 0.2, 0.8, n) * m  # the loss before max(0, .) is -s: away from the kink
        if squared:
            d_an = np.sqrt(d_ap**2 + m + s)
        else:
            d_an = d_ap + m + s
        a = rng.normal(size=(n, d))
        p = a + d_ap[:, None] * _units(rng, n, d)
        neg = a + d_an[:, None] * _units(rng, n, d)
        kwargs = {}
        if margin is not None:
            kwargs["margin"] = margin
        if squared is not None:
            kwargs["squared"] = squared
        return (a.astype(dtype), p.astype(dtype), neg.astype(dtype)), kwargs

    return make


def _quantile(q=None):
    def make(rng, dtype):
        y = rng.normal(size=(4, 3))
        r = _signed(rng, 0.2, 2.0, (4, 3))  # away from the kink at r = 0
        kwargs = {} if q is None else {"q": q}
        return (y.astype(dtype), (y + r).astype(dtype)), kwargs

    return make


def _tversky(axis=_DEFAULT, soft=False, shape=(3, 4, 5), **params):
    def make(rng, dtype):
        (y_true, y_pred), kwargs = _dice(axis, None, soft, shape)(rng, dtype)
        return (y_true, y_pred), {**kwargs, **params}

    return make


def _info_nce(n=5, d=3, **params):
    def make(rng, dtype):
        a = rng.normal(size=(n, d))
        p = a + 0.5 * rng.normal(size=(n, d))
        return (a.astype(dtype), p.astype(dtype)), dict(params)

    return make


def _multiclass_hinge(margin=None, n=6, c=4):
    def make(rng, dtype):
        m = 1.0 if margin is None else margin
        labels = rng.integers(0, c, size=n)
        scores = rng.normal(size=(n, c)) * 2.0
        rows = np.arange(n)
        wrong = scores.copy()
        wrong[rows, labels] = -np.inf
        rival = wrong.argmax(axis=1)
        wrong[rows, rival] = -np.inf
        runner_up = wrong.max(axis=1)  # -inf with two classes
        # the best wrong score at least 0.2 clear of the next one: no tie, no kink of the max
        scores[rows, rival] = np.maximum(scores[rows, rival], runner_up + 0.2)
        # s_y - max_{c≠y} s_c = m + t, |t| in [0.2, 2): away from the hinge's kink
        scores[rows, labels] = scores[rows, rival] + m + _signed(rng, 0.2, 2.0, n)
        kwargs = {} if margin is None else {"margin": margin}
        return (labels, scores.astype(dtype)), kwargs

    return make


CASES = {
    "mse": [Case("mse", "default", _regression())],
    "mae": [Case("mae", "default", _regression())],
    "huber": [
        Case("huber", "delta=1", _regression(1.0)),
        Case("huber", "delta=0.3", _regression(0.3)),
        Case("huber", "delta=2.5", _regression(2.5)),
    ],
    "cross_entropy": [
        Case("cross_entropy", "labels-probs", _ce("labels", False), eps=1e-7),
        Case("cross_entropy", "labels-logits", _ce("labels", True)),
        Case("cross_entropy", "float-labels-logits", _ce("float-labels", True)),
        Case("cross_entropy", "ptargets-probs", _ce("probs", False), eps=1e-7),
        Case("cross_entropy", "ptargets-logits", _ce("probs", True)),
        Case("cross_entropy", "labels-logits-ls0.1", _ce("labels", True, 0.1)),
        Case("cross_entropy", "labels-probs-ls0.2", _ce("labels", False, 0.2), eps=1e-7),
        Case("cross_entropy", "ptargets-logits-ls0.3", _ce("probs", True, 0.3)),
    ],
    "binary_cross_entropy": [
        Case("binary_cross_entropy", "hard-probs", _bce(True, False)),
        Case("binary_cross_entropy", "soft-probs", _bce(False, False)),
        Case("binary_cross_entropy", "hard-logits", _bce(True, True)),
        Case("binary_cross_entropy", "soft-logits", _bce(False, True)),
        Case("binary_cross_entropy", "probs-posw", _bce(False, False, "scalar")),
        Case("binary_cross_entropy", "logits-posw", _bce(True, True, "scalar")),
        Case("binary_cross_entropy", "logits-posw-class", _bce(False, True, "per-class")),
        Case("binary_cross_entropy", "probs-posw-class", _bce(True, False, "per-class")),
    ],
    "hinge": [
        Case("hinge", "default", _hinge()),
        Case("hinge", "margin=2", _hinge(2.0)),
        Case("hinge", "margin=0", _hinge(0.0)),
    ],
    "focal": [
        Case("focal", "probs", _focal(False)),
        Case("focal", "logits", _focal(True)),
        Case("focal", "probs-noalpha", _focal(False, alpha=None)),
        Case("focal", "logits-noalpha-g0.5", _focal(True, alpha=None, gamma=0.5)),
        Case("focal", "probs-a0.7-g3", _focal(False, alpha=0.7, gamma=3.0)),
        Case("focal", "logits-g0", _focal(True, gamma=0.0)),
    ],
    "dice": [
        Case("dice", "default", _dice()),
        Case("dice", "batch", _dice(axis=(1, 2))),
        Case("dice", "soft-last-axis", _dice(axis=-1, soft=True)),
        Case("dice", "smooth=1", _dice(smooth=1.0, soft=True)),
    ],
    "kl_divergence": [
        Case("kl_divergence", "probs", _kl(False), eps=1e-7),
        Case("kl_divergence", "logits", _kl(True)),
        Case("kl_divergence", "1d-probs", _kl(False, shape=(6,)), eps=1e-7),
        Case("kl_divergence", "1d-logits", _kl(True, shape=(6,))),
        Case("kl_divergence", "p-zeros", _kl(False, zeros_in_p=True), eps=1e-7),
        Case("kl_divergence", "3d-logits", _kl(True, shape=(2, 3, 4))),
    ],
    "contrastive": [
        Case("contrastive", "default", _contrastive()),
        Case("contrastive", "margin=2", _contrastive(2.0)),
    ],
    "triplet": [
        Case("triplet", "default", _triplet()),
        Case("triplet", "squared", _triplet(squared=True)),
        Case("triplet", "margin=0.5", _triplet(0.5)),
    ],
    "quantile": [
        Case("quantile", "default", _quantile()),
        Case("quantile", "q=0.9", _quantile(0.9)),
        Case("quantile", "q=0.05", _quantile(0.05)),
    ],
    "tversky": [
        Case("tversky", "default", _tversky()),
        Case("tversky", "batch-a0.3-b0.7", _tversky(axis=(1, 2), alpha=0.3, beta=0.7)),
        Case("tversky", "focal-g0.75", _tversky(soft=True, gamma=0.75)),
        Case("tversky", "focal-g2-smooth", _tversky(axis=-1, gamma=2.0, smooth=1.0)),
    ],
    "info_nce": [
        Case("info_nce", "default", _info_nce()),
        Case("info_nce", "t=1", _info_nce(temperature=1.0)),
        Case("info_nce", "symmetric", _info_nce(symmetric=True, temperature=0.5)),
        Case("info_nce", "n=2", _info_nce(n=2, d=4, temperature=0.3)),
    ],
    "multiclass_hinge": [
        Case("multiclass_hinge", "default", _multiclass_hinge()),
        Case("multiclass_hinge", "margin=2", _multiclass_hinge(2.0)),
        Case("multiclass_hinge", "margin=0", _multiclass_hinge(0.0)),
        Case("multiclass_hinge", "2-classes", _multiclass_hinge(n=8, c=2)),
    ],
}
ALL_CASES = [c for name in NAMES for c in CASES[name]]
STANDARD = {name: CASES[name][0] for name in NAMES}


def cases_for(*names):
    return [c for name in names for c in CASES[name]]


# --------------------------------------------------------------------------------------------
# Gradient checks
# --------------------------------------------------------------------------------------------


def scalar_objective(name, args, kwargs, reduction, which):
    """f(z) = the reduced loss with data argument ``which`` replaced by z ("none": the sum)."""
    fn = getattr(losses, name)

    def f(z):
        a = list(args)
        a[which] = z
        if reduction == "none":
            return float(np.sum(fn(*a, **kwargs, reduction="none")))
        return fn(*a, **kwargs, reduction=reduction)

    return f


def check_gradient(case, seed, reduction, rtol=1e-5, atol=1e-7):
    """The analytic gradient equals losses.numerical_grad, for every differentiated argument."""
    name = case.loss
    args, kwargs = case.build(seed)
    _, grad = fns(name)
    analytic = grads_tuple(name, grad(*args, **kwargs, reduction=reduction))
    assert len(analytic) == len(DIFF_ARGS[name])
    for g, which in zip(analytic, DIFF_ARGS[name], strict=True):
        f = scalar_objective(name, args, kwargs, reduction, which)
        x = np.asarray(args[which], dtype=np.float64)
        numeric = losses.numerical_grad(f, x, eps=case.eps)
        assert g.shape == x.shape
        np.testing.assert_allclose(
            g, numeric, rtol=rtol, atol=atol, err_msg=f"{case} d/d{DATA_ARGS[name][which]}"
        )


def num_losses(name, args, kwargs):
    """How many unreduced losses there are (what "mean" divides by)."""
    fn, _ = fns(name)
    return np.asarray(fn(*args, **kwargs, reduction="none")).size


def assert_value_error(excinfo_value, *needles):
    """Every needle (plain substring, case-insensitive) appears in the error message."""
    msg = str(excinfo_value)
    for needle in needles:
        assert needle.lower() in msg.lower(), f"{needle!r} not in error message {msg!r}"
