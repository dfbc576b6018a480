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
* **Which loss is the more accurate, over many data sets?** :func:`fit_exact` finds each
  loss's exact minimiser (no step size, no stopping rule), :func:`slope_error` the error of
  its slope on one data set, :func:`mean_and_se` / :func:`ratio_and_se` summarise many.
* **How far do outliers move a robust scale?** :func:`contaminated_scales` (the MAD and the
  standard deviation as outliers are added), :func:`huber_efficiency` (what Huber's tuning
  constant costs on Gaussian noise).
* **Do two quantile lines make an honest prediction interval?** :func:`delivery_data` makes
  delivery times whose spread grows with the distance; :func:`fit_quantile_band` fits a low and
  a high quantile line, and :func:`coverage` / :func:`coverage_by_range` measure on fresh data
  how often the truth falls between them. :func:`conformalised_band` calibrates such a band on
  held-out data (conformalised quantile regression), and :func:`coverage_study` compares the two
  over many training sets.

Example:
    >>> data = housing_data(seed=0)
    >>> fits = {name: fit_line(data.size, data.price, name) for name in ("mse", "huber")}
    >>> abs(fits["huber"].slope - data.slope) < abs(fits["mse"].slope - data.slope)
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from losses import LOSSES

__all__ = [
    "Band",
    "CoverageStudy",
    "Deliveries",
    "Housing",
    "LineFit",
    "best_constant",
    "conformal_margin",
    "conformalised_band",
    "conformity_scores",
    "contaminated_scales",
    "coverage",
    "coverage_by_range",
    "coverage_study",
    "delivery_data",
    "fit_exact",
    "fit_huber_robust",
    "fit_huber_robust_exact",
    "fit_line",
    "fit_quantile_band",
    "guaranteed_coverage",
    "housing_data",
    "huber_efficiency",
    "huber_path",
    "mean_and_se",
    "per_sample",
    "quantile_band",
    "quantile_risk",
    "ratio_and_se",
    "robust_delta",
    "robust_scale",
    "skewed_sample",
    "slope_error",
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


# ------------------------------------------------------------------------ exact minimisers


def _quantile_line(x: np.ndarray, y: np.ndarray, q: float) -> tuple[float, float]:
    r"""The line minimising :math:`\sum_i \ell_q(y_i - a x_i - b)` exactly: (slope, intercept).

    For a fixed slope :math:`a` the best intercept is the :math:`q`-quantile of
    :math:`y_i - a x_i` (the best constant of :func:`best_constant`), so the problem shrinks to
    one variable: the profile :math:`f(a) = \min_b \sum_i \ell_q(y_i - a x_i - b)`, convex in
    :math:`a` because the loss is jointly convex in :math:`(a, b)`. A linear programme's
    optimum sits at a vertex, a line through two data points, so the best slope lies between the
    smallest and the largest slope of two points; those two are slopes between neighbours in
    :math:`x`. Golden-section search on that bracket then closes in on the minimiser of the
    convex profile to rounding precision.
    """
    order = np.argsort(x, kind="stable")
    dx, dy = np.diff(x[order]), np.diff(y[order])
    if not (dx > 0).any():
        raise ValueError("all x are equal: the slope is not determined.")
    slopes = dy[dx > 0] / dx[dx > 0]
    lo, hi = float(slopes.min()), float(slopes.max())
    kth = max(math.ceil(q * y.size) - 1, 0)  # the q-quantile: the (⌈qn⌉)-th smallest value

    def profile(a: float) -> tuple[float, float]:
        r = y - a * x
        b = float(np.partition(r, kth)[kth])
        return float(np.sum(np.maximum(q * (r - b), (q - 1) * (r - b)))), b

    g = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = hi - g * (hi - lo), lo + g * (hi - lo)
    fc, fd = profile(c)[0], profile(d)[0]
    while hi - lo > 1e-12 * max(1.0, abs(lo), abs(hi)):
        if fc <= fd:  # a minimiser lies in [lo, d]
            hi, d, fd = d, c, fc
            c = hi - g * (hi - lo)
            fc = profile(c)[0]
        else:  # a minimiser lies in [c, hi]
            lo, c, fc = c, d, fd
            d = lo + g * (hi - lo)
            fd = profile(d)[0]
    a = 0.5 * (lo + hi)
    return a, profile(a)[1]


def _huber_line(x: np.ndarray, y: np.ndarray, delta: float) -> tuple[float, float]:
    r"""The line minimising :math:`\sum_i \ell_\delta(y_i - a x_i - b)`, by iteratively
    reweighted least squares run to convergence.

    Huber's estimating equations :math:`\sum_i \operatorname{clip}(r_i, -\delta, \delta)\,
    (x_i, 1) = 0` are those of weighted least squares with weights
    :math:`w_i = \min(1, \delta/|r_i|)`; solving them again with the new residuals' weights
    lowers the loss at every step (Huber's loss is convex), and the loop stops when the line
    moves by less than 1e-12.
    """

    def weighted_line(w: np.ndarray) -> np.ndarray:
        # the 2 × 2 normal equations of weighted least squares for (slope, intercept)
        sw, sx, sy = w.sum(), w @ x, w @ y
        sxx, sxy = w @ (x * x), w @ (x * y)
        return np.linalg.solve([[sxx, sx], [sx, sw]], [sxy, sy])

    beta = weighted_line(np.ones_like(x))
    for _ in range(1000):
        r = y - (beta[0] * x + beta[1])
        new = weighted_line(np.minimum(1.0, delta / np.maximum(np.abs(r), 1e-300)))
        done = np.max(np.abs(new - beta)) < 1e-12 * max(1.0, float(np.max(np.abs(beta))))
        beta = new
        if done:
            break
    return float(beta[0]), float(beta[1])


def fit_exact(x, y, loss: str, *, delta: float = 1.0, q: float = 0.5) -> LineFit:
    r"""The line :math:`\hat y = a x + b` that minimises the mean loss exactly.

    Gradient descent stops after a fixed number of steps, and MAE's sign-valued gradient keeps
    it hopping around the minimum; to compare losses (not optimisers) over many data sets, this
    finds each minimiser itself: least squares for MSE, iteratively reweighted least squares for
    Huber (threshold ``delta``), and for MAE and the quantile loss (level ``q``; MAE is
    ``q = 0.5``) a golden-section search over the slope with the intercept profiled out. The
    result is a :class:`LineFit` with an empty ``history``.

    Example:
        >>> x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
        >>> fit = fit_exact(x, [1.0, 3.0, 5.0, 7.0, 30.0], "mae")   # the outlier is ignored
        >>> round(fit.slope, 9), round(fit.intercept, 9)
        (2.0, 1.0)
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    _params(loss, delta, q)  # refuses an unknown loss
    if loss == "mse":
        slope, intercept = (float(v) for v in np.polyfit(x, y, 1))
    elif loss == "huber":
        slope, intercept = _huber_line(x, y, delta)
    else:
        slope, intercept = _quantile_line(x, y, 0.5 if loss == "mae" else q)
    _, grads = per_sample(y, intercept + slope * x, loss, delta=delta, q=q)
    return LineFit(loss, slope, intercept, np.empty(0), grads)


def slope_error(
    loss: str, *, n_outliers: int = 4, seed: int = 0, delta: float | str = 1.0
) -> float:
    """The exact fit's slope minus the true slope on ``housing_data(n_outliers=..., seed=...)``.

    ``delta="data"`` chooses Huber's δ from the data set (:func:`fit_huber_robust_exact`).

    Example:
        >>> abs(slope_error("mse")) > 10 * abs(slope_error("huber", delta="data"))
        True
    """
    d = housing_data(n_outliers=n_outliers, seed=seed)
    if loss == "huber" and delta == "data":
        fit, _ = fit_huber_robust_exact(d.size, d.price)
    else:
        fit = fit_exact(d.size, d.price, loss, delta=float(delta))
    return fit.slope - d.slope


def mean_and_se(values) -> tuple[float, float]:
    """The mean of independent values and its standard error, ``std / sqrt(n)``.

    Example:
        >>> mean_and_se([1.0, 2.0, 3.0, 4.0])
        (2.5, 0.6455)
    """
    v = np.asarray(values, dtype=np.float64)
    return float(v.mean()), round(float(v.std(ddof=1) / np.sqrt(v.size)), 4)


def ratio_and_se(a, b) -> tuple[float, float]:
    r"""The ratio of means :math:`\bar a/\bar b` of paired values, and its standard error.

    The pairs come from the same data sets, so the two means are correlated; the delta method
    gives the standard error :math:`\operatorname{sd}(a_i - R\,b_i)/(\sqrt n\,\bar b)` with
    :math:`R = \bar a/\bar b`.

    Example:
        >>> ratio_and_se([2.0, 4.0, 6.0], [1.0, 2.0, 3.0])   # exactly twice, no scatter
        (2.0, 0.0)
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:  # paired values: one of each per data set
        raise ValueError(f"a and b must be paired: shapes {a.shape} and {b.shape}.")
    ratio = a.mean() / b.mean()
    se = np.std(a - ratio * b, ddof=1) / (np.sqrt(a.size) * b.mean())
    return round(float(ratio), 12), round(float(se), 12)


# ------------------------------------------------------------------------- choosing δ


def robust_scale(residuals) -> float:
    r"""A scale of the residuals that outliers cannot inflate: :math:`1.4826\,\mathrm{MAD}`.

    :math:`\mathrm{MAD} = \operatorname{median}_i |r_i - \operatorname{median}(r)|`; the factor
    1.4826 makes it estimate σ for Gaussian noise. Its breakdown point is one half: while fewer
    than half of the residuals are outliers, it stays bounded however far they lie (it still
    grows as outliers are added; :func:`contaminated_scales` measures by how much), whereas one
    outlier can carry the standard deviation as far as it likes.

    Example:
        >>> robust_scale([-1.0, -0.5, 0.0, 0.5, 1.0, 100.0])   # the 100 barely matters
        1.1119
    """
    r = np.asarray(residuals, dtype=np.float64)
    return round(float(1.4826 * np.median(np.abs(r - np.median(r)))), 4)


def robust_delta(residuals, *, k: float = 1.345) -> float:
    r"""Huber's usual δ: :math:`k` robust standard deviations of the residuals, :math:`k = 1.345`.

    With Gaussian noise of scale σ, δ = 1.345σ keeps 95 % of the efficiency of least squares
    (:func:`huber_efficiency`; the constant is the usual default of robust-regression software,
    not a number from Huber's 1964 paper, which introduced the loss): ordinary residuals stay in
    the quadratic zone, and anything much larger than the noise is treated as an outlier. The
    scale is :func:`robust_scale`, so the outliers do not set their own threshold.

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


def fit_huber_robust_exact(x, y, *, k: float = 1.345) -> tuple[LineFit, float]:
    """:func:`fit_huber_robust` with exact fits (:func:`fit_exact`): the pilot is the exact MAE
    line, and the Huber line is the exact minimiser for the δ chosen from its residuals.

    Returns the Huber fit and the δ it used.

    Example:
        >>> d = housing_data(seed=0)
        >>> fit, delta = fit_huber_robust_exact(d.size, d.price)
        >>> bool(0.1 < delta < 0.4), bool(abs(fit.slope - d.slope) < 0.1)
        (True, True)
    """
    pilot = fit_exact(x, y, "mae")
    delta = robust_delta(np.asarray(y, dtype=np.float64) - pilot.predict(x), k=k)
    return fit_exact(x, y, "huber", delta=delta), delta


def contaminated_scales(
    counts,
    *,
    n: int = 120,
    noise: float = 0.15,
    outliers: tuple[float, float] = (8.0, 15.0),
    farther: float = 100.0,
    n_sets: int = 200,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    r"""How the MAD scale and the standard deviation move as outliers replace ordinary residuals.

    Each of ``n_sets`` samples holds ``n`` Gaussian residuals of scale ``noise``; for each count
    :math:`k` in ``counts``, :math:`k` of them are replaced by outliers drawn uniformly from
    ``outliers`` (the luxury houses' range), and again by the same outliers ``farther`` times
    farther out. Returns the mean over the samples of :func:`robust_scale` and of the standard
    deviation, each for both outlier distances (keys ``"mad"``, ``"mad_far"``, ``"sd"``,
    ``"sd_far"``), as arrays in the order of ``counts``.

    While :math:`k < n/2`, the median and the median absolute deviation are both taken among
    the ordinary residuals (the outliers lie beyond them all), so the MAD depends on how many
    residuals are outliers, not on how far they are: ``mad_far`` equals ``mad``. It still
    grows with :math:`k`. From :math:`k = n/2` on, the outliers decide it.

    Example:
        >>> out = contaminated_scales([0, 12], n_sets=20)
        >>> bool(out["mad"][0] < out["mad"][1] == out["mad_far"][1] < 1.0 < out["sd"][1])
        True
    """
    counts = [int(k) for k in counts]
    if max(counts) > n:
        raise ValueError(f"at most n = {n} outliers, got {max(counts)}.")
    rng = np.random.default_rng(seed)
    out = {key: np.zeros(len(counts)) for key in ("mad", "mad_far", "sd", "sd_far")}
    for _ in range(n_sets):
        clean = rng.normal(0.0, noise, n)
        far = rng.uniform(*outliers, n)
        for j, k in enumerate(counts):
            for suffix, scale in (("", 1.0), ("_far", farther)):
                r = clean.copy()
                r[:k] = scale * far[:k]
                out["mad" + suffix][j] += robust_scale(r) / n_sets
                out["sd" + suffix][j] += float(np.std(r)) / n_sets
    return out


def huber_efficiency(k: float) -> float:
    r"""The asymptotic efficiency, at Gaussian noise, of Huber's estimate with δ = kσ, relative
    to the mean (MSE's estimate): the variance of the mean divided by that of Huber's.

    With :math:`\psi(z) = \operatorname{clip}(z, -k, k)` and :math:`Z` standard normal, an
    M-estimate's asymptotic variance is :math:`\mathbb E[\psi(Z)^2]/\mathbb E[\psi'(Z)]^2`
    (times :math:`\sigma^2/n`), and the mean's is 1, so the efficiency is

    .. math::
        \frac{(2\Phi(k) - 1)^2}{2\Phi(k) - 1 - 2k\varphi(k) + 2k^2\,(1 - \Phi(k))} .

    It tends to 1 (the mean) as :math:`k \to \infty` and to :math:`2/\pi` (the median) as
    :math:`k \to 0`.

    Example:
        >>> round(huber_efficiency(1.345), 3)
        0.95
    """
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}.")
    normal = NormalDist()
    inside = 2.0 * normal.cdf(k) - 1.0  # P(|Z| <= k) = E[psi'(Z)]
    second_moment = inside - 2.0 * k * normal.pdf(k) + 2.0 * k**2 * (1.0 - normal.cdf(k))
    return inside**2 / second_moment


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


# ------------------------------------------------------------ conformalised quantile regression


@dataclass(frozen=True)
class Band:
    """A prediction band: two fitted lines, each moved outwards by ``margin`` (0 for a plain
    quantile band; negative moves them inwards)."""

    lower: LineFit
    upper: LineFit
    margin: float = 0.0

    def predict(self, x) -> tuple[np.ndarray, np.ndarray]:
        """The band's lower and upper edges at ``x``."""
        return self.lower.predict(x) - self.margin, self.upper.predict(x) + self.margin


def quantile_band(x, y, *, alpha: float = 0.1) -> Band:
    r"""The exact quantile lines of levels :math:`\alpha/2` and :math:`1 - \alpha/2`
    (:func:`fit_exact`), a band of nominal coverage :math:`1 - \alpha`.

    Example:
        >>> d = delivery_data(seed=0)
        >>> lo, hi = quantile_band(d.distance, d.minutes).predict([0.0, 10.0])
        >>> bool(hi[1] - lo[1] > hi[0] - lo[0])   # wider at 10 km than next door
        True
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}.")
    return Band(
        fit_exact(x, y, "quantile", q=alpha / 2), fit_exact(x, y, "quantile", q=1 - alpha / 2)
    )


def conformity_scores(lower, upper, y) -> np.ndarray:
    r"""How far each target lies outside its band: :math:`E_i = \max(\mathrm{lo}_i - y_i,\
    y_i - \mathrm{hi}_i)`, negative for a target inside (minus its distance to the nearer edge).

    Example:
        >>> conformity_scores([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.25, 3.0, -0.5]).tolist()
        [-0.25, 2.0, 0.5]
    """
    lo, hi, y = (np.asarray(a, dtype=np.float64) for a in (lower, upper, y))
    if not lo.shape == hi.shape == y.shape:  # one band per target, never broadcast
        raise ValueError(f"shapes differ: lower {lo.shape}, upper {hi.shape}, y {y.shape}.")
    return np.maximum(lo - y, y - hi)


def _conformal_rank(n: int, alpha: float) -> int:
    r""":math:`\lceil (n + 1)(1 - \alpha) \rceil`, refused if it exceeds :math:`n`."""
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}.")
    # round away the float error of (n + 1)(1 − α) before the ceiling (11 · 0.8 = 8.800000000000001)
    m = math.ceil(round((n + 1) * (1.0 - alpha), 9))
    if m > n:
        raise ValueError(
            f"{n} calibration scores are too few for alpha = {alpha}: "
            f"need at least {math.ceil(round(1.0 / alpha, 9)) - 1}."
        )
    return m


def conformal_margin(scores, alpha: float) -> float:
    r"""The margin of conformalised quantile regression: the :math:`\lceil (n + 1)(1 - \alpha)
    \rceil`-th smallest of the :math:`n` calibration scores.

    A new target's score is as likely to take any rank among the :math:`n + 1` scores (the
    calibration points and the new point are exchangeable), so it is at most the
    :math:`m`-th smallest calibration score with probability at least :math:`m/(n + 1)`; the
    :math:`m` above is the smallest with :math:`m/(n + 1) \ge 1 - \alpha`. The :math:`n + 1`
    counts the new point: using :math:`\lceil n(1 - \alpha) \rceil` instead would fall short.

    Example:
        >>> conformal_margin(np.arange(1.0, 11.0), alpha=0.2)   # the ⌈11 · 0.8⌉ = 9th of 10
        9.0
    """
    s = np.sort(np.ravel(np.asarray(scores, dtype=np.float64)))
    return float(s[_conformal_rank(s.size, alpha) - 1])


def guaranteed_coverage(n_cal: int, alpha: float) -> float:
    r"""The coverage that :func:`conformal_margin` guarantees with ``n_cal`` calibration scores:
    :math:`m/(n + 1)` with :math:`m = \lceil (n + 1)(1 - \alpha) \rceil`, at least
    :math:`1 - \alpha` (and exactly the expected coverage when the scores have no ties).

    Example:
        >>> guaranteed_coverage(10, alpha=0.2)   # 9/11
        0.8181818181818182
    """
    return _conformal_rank(n_cal, alpha) / (n_cal + 1)


def conformalised_band(x, y, *, alpha: float = 0.1, n_fit: int | None = None) -> Band:
    r"""Conformalised quantile regression (Romano, Patterson and Candès, 2019).

    The first ``n_fit`` points (by default half) fit the quantile band (:func:`quantile_band`);
    the others, which the fit has not seen, calibrate it: their :func:`conformity_scores` give
    the margin (:func:`conformal_margin`) by which both edges move. If the points are
    exchangeable (drawn independently from one distribution, in random order), a new point
    falls inside the band with probability at least :math:`1 - \alpha`, for every sample size
    and whatever the fitted lines.

    Example:
        >>> d = delivery_data(seed=0)
        >>> band = conformalised_band(d.distance, d.minutes, alpha=0.1)
        >>> test = delivery_data(n=20_000, seed=1)
        >>> bool(coverage(*band.predict(test.distance), test.minutes) > 0.88)
        True
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n_fit = x.size // 2 if n_fit is None else int(n_fit)
    if not 2 <= n_fit < x.size:
        raise ValueError(f"n_fit must leave points on both sides: got {n_fit} of {x.size}.")
    band = quantile_band(x[:n_fit], y[:n_fit], alpha=alpha)
    scores = conformity_scores(*band.predict(x[n_fit:]), y[n_fit:])
    return Band(band.lower, band.upper, conformal_margin(scores, alpha))


@dataclass(frozen=True)
class CoverageStudy:
    """Coverage and mean width on fresh test data, one entry per training set, of the plain
    quantile band fitted on all the training points and of the conformalised band; ``guarantee``
    is the conformalised band's guaranteed coverage (:func:`guaranteed_coverage`)."""

    n_train: int
    alpha: float
    guarantee: float
    plain: np.ndarray
    conformal: np.ndarray
    plain_width: np.ndarray
    conformal_width: np.ndarray


def coverage_study(
    n_train: int,
    *,
    alpha: float = 0.1,
    repetitions: int = 300,
    n_test: int = 2000,
    seed: int = 0,
) -> CoverageStudy:
    """Both bands on ``repetitions`` fresh training sets of ``n_train`` deliveries, each tested
    on its own ``n_test`` fresh deliveries.

    The plain band (:func:`quantile_band`) fits its lines on all ``n_train`` points; the
    conformalised one (:func:`conformalised_band`) on half of them, and calibrates on the other
    half. Data sets come from :func:`delivery_data` with seeds drawn from ``seed``.

    Example:
        >>> s = coverage_study(40, repetitions=20)
        >>> s.plain.shape, bool(s.conformal.mean() > s.plain.mean())
        ((20,), True)
    """
    seeds = np.random.default_rng(seed).integers(0, 2**32, size=(repetitions, 2))
    cols = {key: np.empty(repetitions) for key in ("plain", "conf", "plain_w", "conf_w")}
    for i, (train_seed, test_seed) in enumerate(seeds):
        train = delivery_data(n=n_train, seed=int(train_seed))
        test = delivery_data(n=n_test, seed=int(test_seed))
        for key, band in (
            ("plain", quantile_band(train.distance, train.minutes, alpha=alpha)),
            ("conf", conformalised_band(train.distance, train.minutes, alpha=alpha)),
        ):
            lo, hi = band.predict(test.distance)
            cols[key][i] = coverage(lo, hi, test.minutes)
            cols[key + "_w"][i] = float(np.mean(hi - lo))
    guarantee = guaranteed_coverage(n_train - n_train // 2, alpha)
    return CoverageStudy(
        n_train, alpha, guarantee, cols["plain"], cols["conf"], cols["plain_w"], cols["conf_w"]
    )
