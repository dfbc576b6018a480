r"""Chapter 1's experiments: what MSE, MAE, Huber and the quantile loss estimate, a line fitted
through outliers, and a prediction interval from two quantile lines.

Three questions, answered with the gradients of :mod:`losses.regression`:

* **Which constant does each loss pick?** The constant :math:`c` minimising
  :math:`\sum_i \ell(y_i - c)` is the mean for MSE, the median for MAE, for Huber an
  M-estimate in between, and for the quantile (pinball) loss the :math:`q`-quantile
  (:func:`best_constant`, :func:`huber_path`, :func:`quantile_risk`).
* **What do a few luxury houses do to a fitted price line?** :func:`housing_data` makes
  prices that grow linearly with size plus a handful of extreme outliers; :func:`fit_line` fits
  a line by gradient descent under each loss and records how large the per-house gradients are.
* **Do two quantile lines make an honest prediction interval?** :func:`delivery_data` makes
  delivery times whose spread grows with the distance; :func:`fit_quantile_band` fits a low and
  a high quantile line, and :func:`coverage` / :func:`coverage_by_range` measure on fresh data
  how often the truth falls between them.

Example:
    >>> data = housing_data(seed=0)
    >>> fits = {name: fit_line(data.size, data.price, name) for name in ("mse", "huber")}
    >>> abs(fits["huber"].slope - data.slope) < abs(fits["mse"].slope - data.slope)
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from losses import LOSSES

__all__ = [
    "Deliveries",
    "Housing",
    "LineFit",
    "best_constant",
    "coverage",
    "coverage_by_range",
    "delivery_data",
    "fit_huber_robust",
    "fit_line",
    "fit_quantile_band",
    "housing_data",
    "huber_path",
    "per_sample",
    "quantile_risk",
    "robust_delta",
    "robust_scale",
    "skewed_sample",
]

REGRESSION_LOSSES = ("mse", "mae", "huber", "quantile")


def _params(loss: str, delta: float, q: float = 0.5) -> dict:
    if loss not in REGRESSION_LOSSES:
        raise ValueError(f"loss must be one of {REGRESSION_LOSSES}, got {loss!r}.")
    if loss == "huber":
        return {"delta": delta}
    if loss == "quantile":
        return {"q": q}
    return {}


def per_sample(
    y, pred, loss: str, *, delta: float = 1.0, q: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    r"""Each sample's loss :math:`\ell_i` and gradient :math:`\partial\ell_i/\partial\hat y_i`.

    ``delta`` is Huber's threshold, ``q`` the quantile loss's level; each is used only by its loss.

    Example:
        >>> values, grads = per_sample([0.0, 0.0], [1.0, 100.0], "mse")
        >>> values.tolist(), grads.tolist()
        ([1.0, 10000.0], [2.0, 200.0])
        >>> per_sample([0.0, 0.0], [-2.0, 1.0], "quantile", q=0.9)[1].round(6).tolist()
        [-0.9, 0.1]
    """
    fn, grad = LOSSES[loss]
    kw = _params(loss, delta, q)
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


def best_constant(
    sample, loss: str, *, delta: float = 1.0, q: float = 0.5, tol: float = 1e-10
) -> float:
    r"""The constant :math:`c` that minimises :math:`\sum_i \ell(y_i, c)`, found from the gradient.

    Each of the four losses is convex in :math:`c`, so its summed gradient
    :math:`\sum_i \partial\ell/\partial c` is non-decreasing, negative left of the minimiser
    and positive right of it: bisection on its sign finds the minimiser. For MSE the answer
    is the mean, for MAE the median (any point between the two middle values for an even
    sample), for Huber (threshold ``delta``) the Huber M-estimate of location, and for the
    quantile loss (level ``q``) the :math:`q`-quantile: the sample value with
    :math:`\lceil qn \rceil - 1` values below it when :math:`qn` is not a whole number (else any
    point between two neighbouring values minimises).

    Example:
        >>> s = [1.0, 2.0, 3.0, 4.0, 100.0]
        >>> best_constant(s, "mse"), best_constant(s, "mae")
        (22.0, 3.0)
        >>> best_constant(s, "quantile", q=0.3), best_constant(s, "quantile", q=0.5)
        (2.0, 3.0)
    """
    y = np.asarray(sample, dtype=np.float64)
    kw = _params(loss, delta, q)
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


def quantile_risk(sample, constants, q: float) -> np.ndarray:
    r"""The mean quantile loss :math:`\frac1n\sum_i \ell_q(y_i - c)` of each constant :math:`c`.

    A sum of tilted V's, one per sample value: a convex, piecewise-linear curve whose lowest
    point is the :math:`q`-quantile of the sample (:func:`best_constant`).

    Example:
        >>> quantile_risk([0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0], q=0.4).round(4).tolist()
        [0.6, 0.45, 0.55]
    """
    y = np.asarray(sample, dtype=np.float64)
    c = np.asarray(constants, dtype=np.float64)
    # one row per constant: every sample value against the same prediction c
    targets = np.broadcast_to(y, (c.size, y.size))
    preds = np.broadcast_to(c[:, None], (c.size, y.size))
    return LOSSES["quantile"][0](targets, preds, q=q, reduction="none").mean(axis=1)


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
    q: float = 0.5,
    steps: int = 3000,
    lr: float = 0.5,
    history: bool = True,
    start: tuple[float, float] = (0.0, 0.0),
) -> LineFit:
    r"""Fit :math:`\hat y = a x + b` by gradient descent on the mean loss.

    The inputs are standardised first (:math:`u = (x - \bar x)/s_x`) so one step size suits
    every loss; the step decays as :math:`\eta_t = \eta/\sqrt{1 + t/100}`, which lets MAE's
    sign-valued gradient settle instead of bouncing. The chain rule turns the loss gradient
    :math:`g_i = \partial L/\partial\hat y_i` into :math:`\partial L/\partial w = \sum_i g_i u_i`
    and :math:`\partial L/\partial b = \sum_i g_i`. ``delta`` is Huber's threshold, ``q`` the
    quantile loss's level. The line starts at ``start = (slope, intercept)``, by default 0 and 0.
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
    kw = _params(loss, delta, q)
    x_mean, x_std = x.mean(), x.std()
    u = (x - x_mean) / x_std
    # a x + b = w u + (b + a x̄): the same line in standardised coordinates
    w = float(start[0]) * x_std
    b = float(start[1]) + float(start[0]) * x_mean
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
    _, grads = per_sample(y, intercept + slope * x, loss, delta=delta, q=q)
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


# ------------------------------------------------------- prediction intervals from quantiles


@dataclass(frozen=True)
class Deliveries:
    """Delivery distances (km) and times (minutes) whose spread grows with the distance.

    The times follow ``minutes = intercept + slope * distance + (noise0 + noise_slope *
    distance) * ε`` with ε standard normal, so the noise scale is linear in the distance.
    """

    distance: np.ndarray
    minutes: np.ndarray
    intercept: float
    slope: float
    noise0: float
    noise_slope: float

    def quantile_line(self, q: float) -> tuple[float, float]:
        r"""The true :math:`q`-quantile of the time at each distance, a line: (slope, intercept).

        With :math:`z_q` the standard normal quantile, it is
        :math:`(\mathrm{intercept} + z_q\,\mathrm{noise0}) + (\mathrm{slope} +
        z_q\,\mathrm{noise\_slope})\cdot\mathrm{distance}`: a noise scale linear in the distance
        gives quantiles linear in the distance, with slopes that fan out.
        """
        z = NormalDist().inv_cdf(q)
        return self.slope + z * self.noise_slope, self.intercept + z * self.noise0


def delivery_data(
    n: int = 500,
    *,
    intercept: float = 10.0,
    slope: float = 3.0,
    noise0: float = 1.0,
    noise_slope: float = 0.8,
    max_distance: float = 10.0,
    seed: int = 0,
) -> Deliveries:
    """``n`` deliveries at distances uniform in [0, ``max_distance``] km (heteroscedastic noise).

    By default a delivery takes 10 minutes plus 3 per km, give or take a standard deviation of
    1 minute plus 0.8 per km: 1 minute next door, 9 minutes at 10 km.

    Example:
        >>> d = delivery_data(seed=0)
        >>> d.distance.shape, [round(v, 3) for v in d.quantile_line(0.5)]
        ((500,), [3.0, 10.0])
    """
    rng = np.random.default_rng(seed)
    distance = rng.uniform(0.0, max_distance, n)
    scale = noise0 + noise_slope * distance
    minutes = intercept + slope * distance + scale * rng.normal(0.0, 1.0, n)
    return Deliveries(distance, minutes, intercept, slope, noise0, noise_slope)


def fit_quantile_band(
    x, y, *, lower: float = 0.05, upper: float = 0.95, steps: int = 3000, lr: float = 2.0
) -> tuple[LineFit, LineFit]:
    r"""Two quantile lines, levels ``lower`` and ``upper``, fitted by :func:`fit_line`.

    Between them lies a prediction interval of nominal coverage ``upper - lower``. Both descents
    start from the least-squares line. The quantile loss's gradient is :math:`-q` or
    :math:`1 - q` per point whatever the scale of ``y``, so from a start far below the data a
    low quantile line would climb at only :math:`q` per unit step; from the middle of the data
    each line moves the way its loss pulls hardest (the low one down, by :math:`1 - q`, the high
    one up, by :math:`q`). The sign-valued gradient also tolerates a larger step than MSE's
    (``lr = 2``): its size never grows with the residual.

    Example:
        >>> d = delivery_data(seed=0)
        >>> low, high = fit_quantile_band(d.distance, d.minutes, steps=500)
        >>> bool(low.slope < 3.0 < high.slope)   # the band widens with the distance
        True
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if not 0.0 < lower < upper < 1.0:
        raise ValueError(f"need 0 < lower < upper < 1, got lower={lower}, upper={upper}.")
    start = tuple(float(v) for v in np.polyfit(x, y, 1))  # (slope, intercept)
    kw = {"steps": steps, "lr": lr, "history": False, "start": start}
    return (
        fit_line(x, y, "quantile", q=lower, **kw),
        fit_line(x, y, "quantile", q=upper, **kw),
    )


def coverage(lower, upper, y) -> float:
    """The fraction of targets ``y`` with ``lower <= y <= upper`` (arrays of the same shape).

    Example:
        >>> coverage([0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0], [0.5, 1.0, 2.0, -1.0])
        0.5
    """
    lo, hi, y = (np.asarray(a, dtype=np.float64) for a in (lower, upper, y))
    # the shapes must agree: broadcasting a column against a row would count the wrong pairs
    if not lo.shape == hi.shape == y.shape:
        raise ValueError(f"shapes differ: lower {lo.shape}, upper {hi.shape}, y {y.shape}.")
    return float(np.mean((lo <= y) & (y <= hi)))


def coverage_by_range(lower, upper, x, y, edges) -> np.ndarray:
    """:func:`coverage` within each range ``edges[k] <= x < edges[k + 1]`` (the last one closed).

    Example:
        >>> x = np.array([0.0, 1.0, 2.0, 3.0])
        >>> coverage_by_range(np.zeros(4), np.ones(4), x, [0.5, 2.0, 0.5, 0.5], [0, 2, 3]).tolist()
        [0.5, 1.0]
    """
    x = np.asarray(x, dtype=np.float64)
    lo, hi, y = (np.asarray(a, dtype=np.float64) for a in (lower, upper, y))
    edges = np.asarray(edges, dtype=np.float64)
    bins = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, edges.size - 2)
    out = []
    for k in range(edges.size - 1):
        inside = bins == k
        if not inside.any():
            raise ValueError(f"no x in the range [{edges[k]:g}, {edges[k + 1]:g}].")
        out.append(coverage(lo[inside], hi[inside], y[inside]))
    return np.array(out)
