r"""The closing chapter's code: every loss on one page, and when MAE beats Huber.

* :func:`loss_slice` cuts each loss of :data:`losses.LOSSES` along one line: one input (a
  prediction, a logit, a probability, an embedding coordinate) moves while everything else stays
  fixed, and it returns the loss and the analytic gradient with respect to the moving input. The
  chapter loops over ``losses.LOSSES`` and draws one panel per loss from these slices.
* :func:`contamination_sweep` refits the housing line of chapter 1 with more and more luxury
  outliers, to show where Huber's bounded pull stops being enough and MAE's median wins.

Example:
    >>> s = loss_slice("huber")
    >>> s.variable
    'prediction ŷ (target y = 0)'
    >>> float(s.grad[-1]), float(s.loss[-1])   # at ŷ = 4: slope δ = 1, value 4 - ½
    (1.0, 3.5)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from losses import LOSSES, numerical_grad, softmax

from . import regression

__all__ = [
    "SLICES",
    "Slice",
    "contamination_sweep",
    "example_inputs",
    "gradient_check",
    "loss_slice",
]


@dataclass(frozen=True)
class _Spec:
    """How to cut one loss: the moving value ``t`` → the loss's arguments, and where it sits.

    ``where`` is ``(argument index, element index)`` of the moving input in the arguments (and,
    for the metric losses, in the tuple of gradients).
    """

    variable: str
    setting: str
    t: np.ndarray
    args: Callable[[float], tuple]
    where: tuple[int, tuple[int, ...]]
    kwargs: dict


def _regression(_name):
    return _Spec(
        "prediction ŷ (target y = 0)",
        "one example",
        np.linspace(-4, 4, 401),
        lambda t: ([0.0], [t]),
        (1, (0,)),
        {},
    )


SLICES: dict[str, _Spec] = {
    "mse": _regression("mse"),
    "mae": _regression("mae"),
    "huber": _Spec(
        "prediction ŷ (target y = 0)",
        "one example, δ = 1",
        np.linspace(-4, 4, 401),
        lambda t: ([0.0], [t]),
        (1, (0,)),
        {"delta": 1.0},
    ),
    "cross_entropy": _Spec(
        "logit of the true class",
        "3 classes, the other two logits at 0",
        np.linspace(-6, 6, 401),
        lambda t: ([0], [[t, 0.0, 0.0]]),
        (1, (0, 0)),
        {"from_logits": True},
    ),
    "binary_cross_entropy": _Spec(
        "logit z (label y = 1)",
        "one positive example",
        np.linspace(-6, 6, 401),
        lambda t: ([1.0], [t]),
        (1, (0,)),
        {"from_logits": True},
    ),
    "hinge": _Spec(
        "score f (label y = +1)",
        "one positive example, margin 1",
        np.linspace(-3, 3, 401),
        lambda t: ([1.0], [t]),
        (1, (0,)),
        {},
    ),
    "focal": _Spec(
        "logit z (label y = 1)",
        "one positive example, γ = 2, α = 0.25",
        np.linspace(-6, 6, 401),
        lambda t: ([1.0], [t]),
        (1, (0,)),
        {"from_logits": True},
    ),
    "dice": _Spec(
        "predicted probability of the object pixel",
        "a 4-pixel mask with 1 object pixel; background predicted 0",
        np.linspace(0, 1, 401),
        lambda t: ([1.0, 0.0, 0.0, 0.0], [t, 0.0, 0.0, 0.0]),
        (1, (0,)),
        {},
    ),
    "kl_divergence": _Spec(
        "logit of Q's first outcome (the other at 0)",
        "P = (0.7, 0.3), Q = softmax of the logits",
        np.linspace(-4, 6, 401),
        lambda t: ([0.7, 0.3], [t, 0.0]),
        (1, (0,)),
        {"from_logits": True},
    ),
    "contrastive": _Spec(
        "distance D between the pair (dissimilar, y = 0)",
        "margin 1; x₂ at the origin, x₁ moves along an axis",
        np.linspace(0, 2, 401),
        lambda t: ([0.0], [[t, 0.0]], [[0.0, 0.0]]),
        (1, (0, 0)),
        {},
    ),
    "triplet": _Spec(
        "distance d(a, n) of the negative (d(a, p) = 1)",
        "margin 1, Euclidean distances",
        np.linspace(0, 3, 401),
        lambda t: ([[0.0, 0.0]], [[1.0, 0.0]], [[t, 0.0]]),
        (2, (0, 0)),
        {},
    ),
    "quantile": _Spec(
        "prediction ŷ (target y = 0)",
        "one example, q = 0.9",
        np.linspace(-4, 4, 401),
        lambda t: ([0.0], [t]),
        (1, (0,)),
        {"q": 0.9},
    ),
    "tversky": _Spec(
        "predicted probability of the object pixel",
        "the dice mask; α = 0.3, β = 0.7",
        np.linspace(0, 1, 401),
        lambda t: ([1.0, 0.0, 0.0, 0.0], [t, 0.0, 0.0, 0.0]),
        (1, (0,)),
        {"alpha": 0.3, "beta": 0.7},
    ),
    "info_nce": _Spec(
        "height t of the first positive, at (1, t)",
        "2 pairs, τ = 0.5; anchors (1, 0) and (0, 1), the other positive at (0, 1)",
        np.linspace(-3, 3, 401),
        lambda t: ([[1.0, 0.0], [0.0, 1.0]], [[1.0, t], [0.0, 1.0]]),
        (1, (0, 1)),
        {"temperature": 0.5},
    ),
}


@dataclass(frozen=True)
class Slice:
    """One loss along one line: ``loss[k]`` and ``grad[k]`` (the derivative with respect to the
    moving input) at ``x[k]``."""

    name: str
    variable: str
    setting: str
    x: np.ndarray
    loss: np.ndarray
    grad: np.ndarray


def loss_slice(name: str) -> Slice:
    """The slice of loss ``name`` described in :data:`SLICES`, computed with ``losses.LOSSES``.

    The gradient is the analytic one (the ``*_grad`` function), read off at the moving input;
    for the metric losses it comes from the gradient of the moving embedding.

    Example:
        >>> s = loss_slice("hinge")
        >>> float(s.loss[0]), float(s.grad[0]), float(s.grad[-1])   # f = -3: 1 - (-3); beyond 1: 0
        (4.0, -1.0, 0.0)
    """
    spec = SLICES[name]
    fn, grad = LOSSES[name]
    arg_index, element = spec.where
    values, slopes = [], []
    for t in spec.t:
        args = spec.args(float(t))
        values.append(fn(*args, reduction="sum", **spec.kwargs))
        g = grad(*args, reduction="sum", **spec.kwargs)
        if isinstance(g, tuple):  # metric losses: one gradient per embedding (x1, x2 / a, p, n)
            g = g[arg_index - 1] if name == "contrastive" else g[arg_index]
        slopes.append(float(np.asarray(g)[element]))
    return Slice(name, spec.variable, spec.setting, spec.t, np.array(values), np.array(slopes))


@dataclass(frozen=True)
class Sweep:
    """Mean absolute slope error of each loss's line fit, per number of outliers."""

    n_outliers: tuple[int, ...]
    errors: dict[str, np.ndarray]
    robust_delta: np.ndarray


def contamination_sweep(
    n_outliers=(0, 4, 8, 16, 24),
    *,
    seeds=range(6),
    delta: float = 1.0,
    steps: int = 800,
) -> Sweep:
    """Fit the chapter-1 housing line with MSE, MAE and Huber as luxury outliers are added.

    All outliers sit above the line among the largest quarter of the houses (one-sided
    contamination), the hardest case for Huber: each outlier still pulls with force δ, and the
    pulls add up, while MAE's median fit ignores them until they are nearly half of the houses
    in their size range. Huber is fitted twice: with the fixed ``delta`` (key ``"huber"``) and
    with δ chosen from each data set by :func:`regression.fit_huber_robust` (key
    ``"huber_robust"``; the δ it chose, averaged over the seeds, is in ``robust_delta``).

    Example:
        >>> sweep = contamination_sweep((0, 8), seeds=range(2), steps=600)
        >>> bool(sweep.errors["mae"][1] < sweep.errors["huber"][1] < sweep.errors["mse"][1])
        True
    """
    names = ("mse", "mae", "huber")
    errors = {name: np.zeros(len(n_outliers)) for name in (*names, "huber_robust")}
    chosen = np.zeros(len(n_outliers))
    seeds = list(seeds)
    for j, k in enumerate(n_outliers):
        for seed in seeds:
            data = regression.housing_data(n_outliers=k, seed=seed)
            fits = {}
            for name in names:
                fits[name] = regression.fit_line(
                    data.size, data.price, name, delta=delta, steps=steps
                )
                errors[name][j] += abs(fits[name].slope - data.slope) / len(seeds)
            # fit_huber_robust's steps, reusing the MAE fit above as its pilot
            chosen_delta = regression.robust_delta(data.price - fits["mae"].predict(data.size))
            fit = regression.fit_line(
                data.size, data.price, "huber", delta=chosen_delta, steps=steps
            )
            errors["huber_robust"][j] += abs(fit.slope - data.slope) / len(seeds)
            chosen[j] += chosen_delta / len(seeds)
    return Sweep(tuple(n_outliers), errors, chosen)


# ------------------------------------------------------------------ every gradient, checked


def example_inputs(name: str, seed: int = 0) -> tuple[tuple, dict]:
    """Small random inputs for loss ``name``, away from its kinks: ``(args, kwargs)``.

    Example:
        >>> args, kwargs = example_inputs("huber")
        >>> [a.shape for a in args], kwargs
        ([(3, 4), (3, 4)], {'delta': 1.5})
    """
    rng = np.random.default_rng(seed)
    labels01 = (rng.random((3, 4)) < 0.5).astype(float)
    if name in ("mse", "mae", "huber"):
        y, p = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
        return (y, p), ({"delta": 1.5} if name == "huber" else {})
    if name == "cross_entropy":
        return (rng.integers(0, 3, 4), rng.normal(size=(4, 3))), {
            "from_logits": True,
            "label_smoothing": 0.1,
        }
    if name == "binary_cross_entropy":
        return (labels01, rng.normal(size=(3, 4))), {"from_logits": True, "pos_weight": 2.0}
    if name == "hinge":
        # scores kept at least 0.1 away from the margin y·f = 1, where the slope jumps
        y = 2 * labels01 - 1
        f = y * (1 + np.sign(rng.normal(size=(3, 4))) * rng.uniform(0.1, 2, (3, 4)))
        return (y, f), {}
    if name == "focal":
        return (labels01, rng.normal(size=(3, 4))), {"from_logits": True, "gamma": 2.0}
    if name == "dice":
        mask = (rng.random((2, 4, 4)) < 0.3).astype(float)
        return (mask, rng.uniform(0.05, 0.95, (2, 4, 4))), {"axis": (1, 2), "smooth": 1.0}
    if name == "kl_divergence":
        return (softmax(rng.normal(size=(3, 5))), rng.normal(size=(3, 5))), {"from_logits": True}
    if name == "contrastive":
        y = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
        return (y, rng.normal(size=(5, 3)), rng.normal(size=(5, 3))), {"margin": 2.0}
    if name == "triplet":
        return tuple(rng.normal(size=(5, 3)) for _ in range(3)), {"margin": 1.0}
    if name == "quantile":
        y = rng.normal(size=(3, 4))
        # residuals kept at least 0.1 away from 0, the kink
        r = np.sign(rng.normal(size=(3, 4))) * rng.uniform(0.1, 2, (3, 4))
        return (y, y + r), {"q": 0.9}
    if name == "tversky":
        mask = (rng.random((2, 4, 4)) < 0.3).astype(float)
        kwargs = {"alpha": 0.3, "beta": 0.7, "gamma": 0.75, "axis": (1, 2), "smooth": 1.0}
        return (mask, rng.uniform(0.05, 0.95, (2, 4, 4))), kwargs
    if name == "info_nce":
        return (rng.normal(size=(5, 3)), rng.normal(size=(5, 3))), {"temperature": 0.5}
    raise KeyError(f"no example inputs for {name!r}; choose from {sorted(LOSSES)}")


def gradient_check(name: str, seed: int = 0) -> float:
    """Largest difference between the analytic gradient of loss ``name`` (mean reduction) and
    :func:`losses.numerical_grad`, over every input the loss differentiates.

    Example:
        >>> gradient_check("mse") < 1e-8
        True
    """
    fn, grad = LOSSES[name]
    args, kwargs = example_inputs(name, seed)
    analytic = grad(*args, **kwargs)
    # the metric losses differentiate every embedding; the others only y_pred (argument 1)
    if isinstance(analytic, tuple):
        first = 1 if name == "contrastive" else 0
        positions = range(first, first + len(analytic))
    else:
        positions, analytic = [1], (analytic,)
    worst = 0.0
    for k, a in zip(positions, analytic, strict=True):

        def f(x, k=k):
            moved = list(args)
            moved[k] = x
            return fn(*moved, **kwargs)

        worst = max(worst, float(np.max(np.abs(a - numerical_grad(f, args[k])))))
    return worst
