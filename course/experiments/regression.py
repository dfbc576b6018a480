r"""Chapter 1's experiments: what MSE, MAE and Huber estimate, and a line fitted through outliers.

Two questions, answered with the gradients of :mod:`losses.regression`:

* **Which constant does each loss pick?** The constant :math:`c` minimising
  :math:`\sum_i \ell(y_i - c)` is the mean for MSE, the median for MAE, and for Huber an
  M-estimate in between (:func:`best_constant`, :func:`huber_path`).
* **What do a few luxury houses do to a fitted price line?** :func:`housing_data` makes
  prices that grow linearly with size plus a handful of extreme outliers; :func:`fit_line` fits
  a line by gradient descent under each loss and records how large the per-house gradients are.

Example:
    >>> data = housing_data(seed=0)
    >>> fits = {name: fit_line(data.size, data.price, name) for name in ("mse", "huber")}
    >>> abs(fits["huber"].slope - data.slope) < abs(fits["mse"].slope - data.slope)
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from losses import LOSSES

__all__ = [
    "Housing",
    "LineFit",
    "best_constant",
    "fit_huber_robust",
    "fit_line",
    "housing_data",
    "huber_path",
    "per_sample",
    "robust_delta",
    "robust_scale",
    "skewed_sample",
]

REGRESSION_LOSSES = ("mse", "mae", "huber")


def _params(loss: str, delta: float) -> dict:
    if loss not in REGRESSION_LOSSES:
        raise ValueError(f"loss must be one of {REGRESSION_LOSSES}, got {loss!r}.")
    return {"delta": delta} if loss == "huber" else {}


def per_sample(y, pred, loss: str, *, delta: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    r"""Each sample's loss :math:`\ell_i` and gradient :math:`\partial\ell_i/\partial\hat y_i`.

    Example:
        >>> values, grads = per_sample([0.0, 0.0], [1.0, 100.0], "mse")
        >>> values.tolist(), grads.tolist()
        ([1.0, 10000.0], [2.0, 200.0])
    """
    fn, grad = LOSSES[loss]
    kw = _params(loss, delta)
    return fn(y, pred, reduction="none", **kw), grad(y, pred, reduction="sum", **kw)


# ------------------------------------------------------------------ constants and M-estimates


def skewed_sample(n: int = 41, n_outliers: int = 3, *, seed: int = 0) -> np.ndarray:
    """A right-skewed sample (gamma-distributed) with a few far outliers on the right.

    ``n`` is the total size; keep it odd so that the median is a single value.

    Example:
        >>> s = skewed_sample(seed=1)
        >>> s.shape, bool(np.mean(s) > np.median(s))
        ((41,), True)
    """
    rng = np.random.default_rng(seed)
    bulk = rng.gamma(shape=2.0, scale=1.0, size=n - n_outliers)
    outliers = rng.uniform(15.0, 25.0, size=n_outliers)
    return np.sort(np.concatenate([bulk, outliers]))


def best_constant(sample, loss: str, *, delta: float = 1.0, tol: float = 1e-10) -> float:
    r"""The constant :math:`c` that minimises :math:`\sum_i \ell(y_i, c)`, found from the gradient.

    Each of the three losses is convex in :math:`c`, so its summed gradient
    :math:`\sum_i \partial\ell/\partial c` is non-decreasing, negative left of the minimiser
    and positive right of it: bisection on its sign finds the minimiser. For MSE the answer
    is the mean, for MAE the median (any point between the two middle values for an even
    sample), for Huber the Huber M-estimate of location.

    Example:
        >>> s = [1.0, 2.0, 3.0, 4.0, 100.0]
        >>> best_constant(s, "mse"), best_constant(s, "mae")
        (22.0, 3.0)
    """
    y = np.asarray(sample, dtype=np.float64)
    kw = _params(loss, delta)
    grad = LOSSES[loss][1]
    lo, hi = float(y.min()), float(y.max())
    while hi - lo > tol * max(1.0, abs(lo), abs(hi)):
        mid = 0.5 * (lo + hi)
        slope = grad(y, np.full_like(y, mid), reduction="sum", **kw).sum()
        if slope > 0:
            hi = mid
        elif slope < 0:
            lo = mid
        else:
            return mid
    return round(0.5 * (lo + hi), 9)


def huber_path(sample, deltas) -> np.ndarray:
    """Huber's estimate of location for each δ in ``deltas``: near the median for small δ,
    the mean for δ larger than every residual.

    Example:
        >>> s = skewed_sample()
        >>> est = huber_path(s, [1e-3, 1e3])
        >>> bool(abs(est[0] - np.median(s)) < 0.01), bool(abs(est[1] - np.mean(s)) < 1e-6)
        (True, True)
    """
    return np.array([best_constant(sample, "huber", delta=float(d)) for d in deltas])


# ------------------------------------------------------------------------ the housing case


@dataclass(frozen=True)
class Housing:
    """House sizes (in 100 m²), prices (in $100k), which houses are luxury outliers, and the
    true line ``price = intercept + slope * size`` that the ordinary houses follow."""

    size: np.ndarray
    price: np.ndarray
    is_outlier: np.ndarray
    slope: float
    intercept: float


def housing_data(
    n: int = 120,
    n_outliers: int = 4,
    *,
    slope: float = 1.5,
    intercept: float = 0.5,
    noise: float = 0.15,
    seed: int = 0,
) -> Housing:
    """Prices linear in size with Gaussian noise, plus ``n_outliers`` luxury houses.

    The luxury houses are among the largest and cost $0.8M to $1.5M more than the line
    predicts (residuals of 8 to 15 in these units, against a noise of 0.15).

    Example:
        >>> d = housing_data(seed=0)
        >>> d.size.shape, int(d.is_outlier.sum())
        ((120,), 4)
    """
    rng = np.random.default_rng(seed)
    size = rng.uniform(0.5, 2.5, n)
    price = intercept + slope * size + rng.normal(0.0, noise, n)
    large = np.argsort(size)[-n // 4 :]
    chosen = rng.choice(large, size=n_outliers, replace=False)
    price[chosen] += rng.uniform(8.0, 15.0, n_outliers)
    is_outlier = np.zeros(n, dtype=bool)
    is_outlier[chosen] = True
    return Housing(size, price, is_outlier, slope, intercept)


@dataclass(frozen=True)
class LineFit:
    """A line fitted by gradient descent under one loss.

    ``history`` is the mean loss after each step; ``grads`` the per-sample gradients
    :math:`\\partial\\ell_i/\\partial\\hat y_i` at the fitted line.
    """

    loss: str
    slope: float
    intercept: float
    history: np.ndarray
    grads: np.ndarray

    def predict(self, x) -> np.ndarray:
        return self.intercept + self.slope * np.asarray(x, dtype=np.float64)


def fit_line(
    x,
    y,
    loss: str,
    *,
    delta: float = 1.0,
    steps: int = 3000,
    lr: float = 0.5,
    history: bool = True,
) -> LineFit:
    r"""Fit :math:`\hat y = a x + b` by gradient descent on the mean loss.

    The inputs are standardised first (:math:`u = (x - \bar x)/s_x`) so one step size suits
    every loss; the step decays as :math:`\eta_t = \eta/\sqrt{1 + t/100}`, which lets MAE's
    sign-valued gradient settle instead of bouncing. The chain rule turns the loss gradient
    :math:`g_i = \partial L/\partial\hat y_i` into :math:`\partial L/\partial w = \sum_i g_i u_i`
    and :math:`\partial L/\partial b = \sum_i g_i`. Both parameters start at 0.
    ``history=False`` skips recording the loss at every step (a fit that only needs its line
    runs about twice as fast); ``LineFit.history`` is then empty.

    Example:
        >>> x = np.array([0.0, 1.0, 2.0, 3.0])
        >>> fit = fit_line(x, 2 * x + 1, "mse")
        >>> round(fit.slope, 6), round(fit.intercept, 6)
        (2.0, 1.0)
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    fn, grad = LOSSES[loss]
    kw = _params(loss, delta)
    x_mean, x_std = x.mean(), x.std()
    u = (x - x_mean) / x_std
    w = b = 0.0
    losses_seen = np.empty(steps if history else 0)
    for t in range(steps):
        g = grad(y, w * u + b, reduction="mean", **kw)
        step = lr / np.sqrt(1.0 + t / 100.0)
        w -= step * float(g @ u)
        b -= step * float(g.sum())
        if history:
            losses_seen[t] = fn(y, w * u + b, **kw)
    slope = w / x_std
    intercept = b - slope * x_mean
    _, grads = per_sample(y, intercept + slope * x, loss, delta=delta)
    return LineFit(loss, float(slope), float(intercept), losses_seen, grads)


# ------------------------------------------------------------------------- choosing δ


def robust_scale(residuals) -> float:
    r"""A scale of the residuals that outliers cannot inflate: :math:`1.4826\,\mathrm{MAD}`.

    :math:`\mathrm{MAD} = \operatorname{median}_i |r_i - \operatorname{median}(r)|`; the factor
    1.4826 makes it estimate σ for Gaussian noise. Up to half of the residuals can be arbitrarily
    large without breaking it (the standard deviation breaks with a single one).

    Example:
        >>> robust_scale([-1.0, -0.5, 0.0, 0.5, 1.0, 100.0])   # the 100 barely matters
        1.1119
    """
    r = np.asarray(residuals, dtype=np.float64)
    return round(float(1.4826 * np.median(np.abs(r - np.median(r)))), 4)


def robust_delta(residuals, *, k: float = 1.345) -> float:
    r"""Huber's usual δ: :math:`k` robust standard deviations of the residuals, :math:`k = 1.345`.

    With Gaussian noise of scale σ, δ = 1.345σ keeps 95 % of the efficiency of least squares
    (Huber, 1964): ordinary residuals stay in the quadratic zone, and anything much larger than
    the noise is treated as an outlier. The scale is :func:`robust_scale`, so the outliers do not
    set their own threshold.

    Example:
        >>> robust_delta([-1.0, -0.5, 0.0, 0.5, 1.0, 100.0])
        1.4955
    """
    return round(k * robust_scale(residuals), 4)


def fit_huber_robust(x, y, *, k: float = 1.345, steps: int = 3000) -> tuple[LineFit, float]:
    r"""Huber with δ chosen from the data: a pilot MAE fit, then :func:`robust_delta` of its
    residuals (MAE's line is not pulled by the outliers, so its residuals show the noise).

    Returns the Huber fit and the δ it used.

    Example:
        >>> d = housing_data(seed=0)
        >>> fit, delta = fit_huber_robust(d.size, d.price)
        >>> bool(0.1 < delta < 0.4), bool(abs(fit.slope - d.slope) < 0.1)
        (True, True)
    """
    pilot = fit_line(x, y, "mae", steps=steps, history=False)
    delta = robust_delta(np.asarray(y, dtype=np.float64) - pilot.predict(x), k=k)
    return fit_line(x, y, "huber", delta=delta, steps=steps, history=False), delta
