r"""The closing chapter's code: every loss on one page, and when MAE beats Huber.

* :func:`loss_slice` cuts each loss of :data:`losses.LOSSES` along one line: one input (a
  prediction, a logit, a probability, an embedding coordinate) moves while everything else stays
  fixed, and it returns the loss and the analytic gradient with respect to the moving input. The
  chapter loops over ``losses.LOSSES`` and draws one panel per loss from these slices.
* :func:`contamination_sweep` refits the housing line of chapter 1 with more and more luxury
  outliers, to show where Huber's bounded pull stops being enough and MAE's median wins; it keeps
  every data set's error, so each mean comes with its standard error.
* :func:`clean_comparison` fits MSE and MAE exactly (:func:`ols_line`, :func:`lad_line`) to many
  outlier-free data sets, with Gaussian or Laplace noise, and compares MAE's error with MSE's
  against the large-sample value :func:`median_to_mean_error_ratio`.
* :func:`huber_efficiency` and :func:`huber_k_for_efficiency`: where the usual δ = 1.345σ comes
  from (the threshold that keeps 95 % of the mean's efficiency on Gaussian noise).

Example:
    >>> s = loss_slice("huber")
    >>> s.variable
    'prediction ŷ (target y = 0)'
    >>> float(s.grad[-1]), float(s.loss[-1])   # at ŷ = 4: slope δ = 1, value 4 - ½
    (1.0, 3.5)
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from losses import LOSSES, numerical_grad, softmax

from . import regression

__all__ = [
    "NOISE",
    "N_HOUSES",
    "SLICES",
    "CleanComparison",
    "Slice",
    "Sweep",
    "clean_comparison",
    "clean_data",
    "contamination_sweep",
    "example_inputs",
    "gradient_check",
    "huber_efficiency",
    "huber_k_for_efficiency",
    "lad_line",
    "loss_slice",
    "median_to_mean_error_ratio",
    "ols_line",
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
    "multiclass_hinge": _Spec(
        "score of the true class (the other two at 0)",
        "3 classes, margin 1",
        np.linspace(-3, 3, 401),
        lambda t: ([0], [[t, 0.0, 0.0]]),
        (1, (0, 0)),
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
    """Slope errors of each loss's line fit, per number of outliers and per data set.

    ``per_seed[name][j, s]`` is the absolute slope error of loss ``name`` with ``n_outliers[j]``
    outliers on data set (seed) ``s``; ``errors[name]`` is its mean over the data sets.
    """

    n_outliers: tuple[int, ...]
    errors: dict[str, np.ndarray]
    robust_delta: np.ndarray
    per_seed: dict[str, np.ndarray]

    def standard_error(self, name: str) -> np.ndarray:
        """The standard error of ``errors[name]`` at each level: its spread over the data sets."""
        return _standard_error(self.per_seed[name], axis=1)

    def difference(self, name: str, other: str) -> tuple[np.ndarray, np.ndarray]:
        """``errors[name] - errors[other]`` at each level, with its paired standard error (the
        two losses are fitted to the same data sets, so the difference is less noisy than
        either error)."""
        d = self.per_seed[name] - self.per_seed[other]
        return d.mean(axis=1), _standard_error(d, axis=1)

    def summary(self, name: str, j: int) -> str:
        """``errors[name][j]`` ± its standard error, for a table: ``"0.028 ± 0.004"``."""
        return f"{self.errors[name][j]:.3f} ± {self.standard_error(name)[j]:.3f}"

    def difference_summary(self, name: str, other: str, j: int) -> str:
        """The paired difference at level ``j`` ± its standard error: ``"-0.004 ± 0.003"``."""
        d, se = (v[j] for v in self.difference(name, other))
        d = round(float(d), 3) + 0.0  # no "-0.000"
        return f"{d:+.3f} ± {se:.3f}"


def _standard_error(values, axis=-1) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return values.std(axis=axis, ddof=1) / np.sqrt(values.shape[axis])


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
        >>> sweep.per_seed["mae"].shape   # (levels, data sets)
        (2, 2)
    """
    names = ("mse", "mae", "huber")
    seeds = list(seeds)
    per_seed = {name: np.zeros((len(n_outliers), len(seeds))) for name in (*names, "huber_robust")}
    chosen = np.zeros((len(n_outliers), len(seeds)))
    for j, k in enumerate(n_outliers):
        for s, seed in enumerate(seeds):
            data = regression.housing_data(n_outliers=k, seed=seed)
            fits = {}
            for name in names:
                fits[name] = regression.fit_line(
                    data.size, data.price, name, delta=delta, steps=steps, history=False
                )
                per_seed[name][j, s] = abs(fits[name].slope - data.slope)
            # fit_huber_robust's steps, reusing the MAE fit above as its pilot
            chosen[j, s] = regression.robust_delta(data.price - fits["mae"].predict(data.size))
            fit = regression.fit_line(
                data.size, data.price, "huber", delta=chosen[j, s], steps=steps, history=False
            )
            per_seed["huber_robust"][j, s] = abs(fit.slope - data.slope)
    errors = {name: e.mean(axis=1) for name, e in per_seed.items()}
    return Sweep(tuple(n_outliers), errors, chosen.mean(axis=1), per_seed)


# ------------------------------------------------------- clean data: which estimate is better


_HOUSING = inspect.signature(regression.housing_data).parameters
#: The noise level of chapter 1's housing data (the default of ``regression.housing_data``).
NOISE: float = _HOUSING["noise"].default
#: The number of houses in each of chapter 1's data sets; the outliers sit among the largest
#: quarter of them.
N_HOUSES: int = _HOUSING["n"].default


def _rows(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.atleast_2d(x).astype(np.float64), np.atleast_2d(y).astype(np.float64)
    if x.shape != y.shape:
        raise ValueError(f"x has shape {x.shape} but y has shape {y.shape}.")
    return x, y


def ols_line(x, y) -> tuple[np.ndarray, np.ndarray]:
    """The least-squares line (MSE's exact minimiser, :func:`regression.fit_exact`) of each row
    of ``x`` and ``y``: ``(slopes, intercepts)``, one per row.

    Example:
        >>> ols_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
        (array([2.]), array([1.]))
    """
    fits = [regression.fit_exact(a, b, "mse") for a, b in zip(*_rows(x, y), strict=True)]
    return np.array([f.slope for f in fits]), np.array([f.intercept for f in fits])


def lad_line(x, y) -> tuple[np.ndarray, np.ndarray]:
    r"""The least-absolute-deviations line (MAE's exact minimiser, :func:`regression.fit_exact`)
    of each row of ``x`` and ``y``: ``(slopes, intercepts)``, one per row. Gradient descent on
    MAE (chapter 1) only approaches this line: its sign-valued gradient never settles exactly.

    Example:
        >>> slope, intercept = lad_line([0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0, 3.0, 40.0])
        >>> round(float(slope[0]), 6), round(float(intercept[0]), 6) + 0.0   # the outlier is ignored
        (1.0, 0.0)
    """
    x, y = _rows(x, y)
    if any(np.unique(row).size < 2 for row in x):
        raise ValueError("every row of x needs at least two distinct values")
    fits = [regression.fit_exact(a, b, "mae") for a, b in zip(x, y, strict=True)]
    return np.array([f.slope for f in fits]), np.array([f.intercept for f in fits])


@dataclass(frozen=True)
class CleanComparison:
    """Exact MSE and MAE line fits on many outlier-free housing data sets.

    ``mse[s]`` and ``mae[s]`` are the absolute slope errors on data set ``s``.
    """

    noise: str
    sigma: float
    mse: np.ndarray
    mae: np.ndarray

    @property
    def ratio(self) -> float:
        """MAE's mean slope error over MSE's."""
        return float(self.mae.mean() / self.mse.mean())

    @property
    def ratio_se(self) -> float:
        r"""Standard error of :attr:`ratio` by the delta method, with the pairing of the two
        fits on each data set: :math:`\operatorname{se}(\bar a/\bar b)^2 \approx
        (\bar a/\bar b)^2\,\operatorname{var}(a/\bar a - b/\bar b)/n`."""
        a, b = self.mae / self.mae.mean(), self.mse / self.mse.mean()
        return float(self.ratio * _standard_error(a - b))

    @property
    def theory(self) -> float:
        """The large-sample ratio: :func:`median_to_mean_error_ratio` for this noise."""
        return median_to_mean_error_ratio(self.noise)

    def summary(self) -> str:
        """One paragraph of the numbers, for the notebook."""
        se = _standard_error
        return (
            f"{len(self.mse)} outlier-free data sets ({self.noise} noise, σ = {self.sigma:g}), "
            f"exact fits. Mean |slope error|: MSE {self.mse.mean():.4f} ± {se(self.mse):.4f}, "
            f"MAE {self.mae.mean():.4f} ± {se(self.mae):.4f}.\n"
            f"MAE's error is {self.ratio:.2f} ± {self.ratio_se:.2f} times MSE's "
            f"(large-sample theory: {self.theory:.3f}); MSE is closer on "
            f"{np.mean(self.mse < self.mae):.0%} of the data sets."
        )


def clean_data(noise: str = "gaussian", seed: int = 0) -> regression.Housing:
    """Chapter 1's housing data without outliers; ``noise`` is ``"gaussian"`` (exactly
    ``regression.housing_data(n_outliers=0, seed=seed)``) or ``"laplace"`` (the same houses,
    Laplace noise of the same standard deviation :data:`NOISE`: heavier tails).

    Example:
        >>> d = clean_data("laplace", seed=1)
        >>> d.size.shape, bool(d.is_outlier.any())
        ((120,), False)
    """
    data = regression.housing_data(n_outliers=0, noise=NOISE, seed=seed)
    if noise == "gaussian":
        return data
    if noise != "laplace":
        raise ValueError(f"noise must be 'gaussian' or 'laplace', not {noise!r}")
    rng = np.random.default_rng((seed, 1))
    # a Laplace law of scale b has standard deviation b·√2
    price = (
        data.intercept
        + data.slope * data.size
        + rng.laplace(0.0, NOISE / np.sqrt(2), data.size.size)
    )
    return replace(data, price=price)


def clean_comparison(noise: str = "gaussian", n_sets: int = 300) -> CleanComparison:
    """Fit MSE and MAE exactly (:func:`ols_line`, :func:`lad_line`) to ``n_sets`` outlier-free
    data sets (seeds 0, 1, ...; the contamination sweep's first row uses the first six).

    Example:
        >>> c = clean_comparison(n_sets=40)
        >>> bool(c.ratio > 1)   # Gaussian noise: the mean is the more efficient estimate
        True
    """
    sets = [clean_data(noise, seed) for seed in range(n_sets)]
    x = np.array([d.size for d in sets])
    y = np.array([d.price for d in sets])
    truth = np.array([d.slope for d in sets])
    return CleanComparison(
        noise, NOISE, np.abs(ols_line(x, y)[0] - truth), np.abs(lad_line(x, y)[0] - truth)
    )


def median_to_mean_error_ratio(noise: str) -> float:
    r"""How many times larger the median's (MAE's) error is than the mean's (MSE's), for large
    samples: :math:`\sqrt{\operatorname{var}(\text{median})/\operatorname{var}(\text{mean})}
    = 1/(2 f(0)\,\sigma)`, with :math:`f` the noise density and :math:`\sigma` its standard
    deviation. The same ratio holds for the slope of a line fitted by LAD against least squares.

    Example:
        >>> round(median_to_mean_error_ratio("gaussian"), 4)   # √(π/2)
        1.2533
        >>> round(median_to_mean_error_ratio("laplace"), 4)    # 1/√2
        0.7071
    """
    sigma = 1.0
    if noise == "gaussian":
        f0 = 1.0 / (sigma * math.sqrt(2 * math.pi))
    elif noise == "laplace":
        f0 = 1.0 / (2 * sigma / math.sqrt(2))  # scale b = σ/√2, density 1/(2b) at 0
    else:
        raise ValueError(f"noise must be 'gaussian' or 'laplace', not {noise!r}")
    return 1.0 / (2 * f0 * sigma)


# ----------------------------------------------------------------- where 1.345 comes from


#: Huber's efficiency at Gaussian noise lives with Huber, in chapter 1's experiments.
huber_efficiency = regression.huber_efficiency


def huber_k_for_efficiency(efficiency: float = 0.95) -> float:
    """The k (δ in noise standard deviations) whose :func:`huber_efficiency` is ``efficiency``
    (bisection: the efficiency grows with k).

    Example:
        >>> round(huber_k_for_efficiency(0.95), 3)
        1.345
    """
    if not 2 / math.pi < efficiency < 1:
        raise ValueError(f"efficiency must lie between 2/π and 1, not {efficiency}")
    lo, hi = 1e-9, 20.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if huber_efficiency(mid) < efficiency else (lo, mid)
    return (lo + hi) / 2


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
    if name == "multiclass_hinge":
        # margins s_y - max_{c≠y} s_c kept at least 0.1 away from 1, where the slope jumps
        labels = rng.integers(0, 3, 4)
        scores = rng.normal(size=(4, 3))
        rows = np.arange(4)
        true = scores[rows, labels]
        rival = np.where(np.eye(3, dtype=bool)[labels], -np.inf, scores).max(axis=1)
        near = np.abs(true - rival - 1) < 0.1
        scores[rows[near], labels[near]] += 0.3
        return (labels, scores), {}
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
