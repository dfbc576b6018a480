r"""Regression losses (chapter 1): mean squared error, mean absolute error, Huber and quantile.

Each compares real-valued predictions :math:`\hat y` with targets :math:`y` element by
element through the residual :math:`r = \hat y - y`; they differ in how hard they punish a
large residual, and therefore in how much one outlier can steer the fit.

All functions take ``(y_true, y_pred, *, ..., reduction="mean")`` with two arrays of the same
shape, and each has a ``*_grad`` twin returning :math:`\partial L / \partial \hat y`.

These losses are a few passes over memory each, so reading the inputs once more only to check
that they are finite would cost as much as a step of the formula: instead a sum the formula
computes anyway (or one sum of the residual) is checked, since NaN and inf reach it from either
input, and only a non-finite sum has the inputs searched for the culprit (``check_finite_pair``).
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_finite_pair,
    check_reduction,
    check_scalar,
    difference,
    dot64,
    grad_scale,
    prepare_pair,
    sum_of_squares,
)

__all__ = ["mse", "mse_grad", "mae", "mae_grad", "huber", "huber_grad", "quantile", "quantile_grad"]


def mse(y_true, y_pred, *, reduction: str = "mean"):
    r"""Mean squared error: :math:`\ell_i = (y_i - \hat y_i)^2`.

    Args:
        y_true: targets, any shape.
        y_pred: predictions, the same shape as ``y_true``.
        reduction: ``"mean"`` (a float), ``"sum"`` (a float) or ``"none"`` (an array shaped
            like ``y_pred``).

    Note:
        Some textbooks (Bishop's *Pattern Recognition and Machine Learning*) put a factor ½ in
        front so that the gradient is exactly the residual; this package, like scikit-learn
        and PyTorch, does not, so the gradient is :math:`2(\hat y - y)`.

    Example:
        >>> mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])   # (0 + 0 + 4) / 3
        1.3333333333333333
    """
    check_reduction(reduction)
    yt, yp = prepare_pair(y_true, y_pred, finite=False)
    r = difference(yp, yt)
    total = sum_of_squares(r)  # Σ (ŷ - y)²
    check_finite_pair(total, y_true, y_pred)
    if reduction == "none":
        return np.square(r, out=r)
    return total / r.size if reduction == "mean" else total


def mse_grad(y_true, y_pred, *, reduction: str = "mean"):
    r"""Gradient of :func:`mse` with respect to ``y_pred``: :math:`2(\hat y_i - y_i)` (÷ n for the mean).

    It grows without bound with the residual, which is why one outlier can dominate a fit.

    Example:
        >>> mse_grad([0.0, 0.0], [1.0, 100.0], reduction="sum").tolist()
        [2.0, 200.0]
    """
    check_reduction(reduction)
    yt, yp = prepare_pair(y_true, y_pred, finite=False)
    g = difference(yp, yt)
    check_finite_pair(g, y_true, y_pred)
    g *= 2.0 * grad_scale(reduction, g.size)
    return g


def mae(y_true, y_pred, *, reduction: str = "mean"):
    r"""Mean absolute error: :math:`\ell_i = |y_i - \hat y_i|`.

    Args:
        y_true: targets, any shape.
        y_pred: predictions, the same shape as ``y_true``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Example:
        >>> mae([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])   # (0 + 0 + 2) / 3
        0.6666666666666666
    """
    check_reduction(reduction)
    yt, yp = prepare_pair(y_true, y_pred, finite=False)
    r = difference(yp, yt)
    per = np.abs(r, out=r)
    total = float(np.sum(per, dtype=np.float64))
    check_finite_pair(total, y_true, y_pred)
    if reduction == "none":
        return per
    return total / per.size if reduction == "mean" else total


def mae_grad(y_true, y_pred, *, reduction: str = "mean"):
    r"""Gradient of :func:`mae`: :math:`\operatorname{sign}(\hat y_i - y_i)` (÷ n for the mean).

    Its size does not depend on how large the residual is. At zero residual :math:`|r|` has a
    kink; the subgradient 0 is returned there (a prediction that is exactly right stays put).

    Example:
        >>> mae_grad([0.0, 0.0, 0.0], [-3.0, 0.0, 100.0], reduction="sum").tolist()
        [-1.0, 0.0, 1.0]
    """
    check_reduction(reduction)
    yt, yp = prepare_pair(y_true, y_pred)
    # sign(ŷ - y) = [ŷ > y] - [ŷ < y], from two boolean arrays: no residual array needed
    g = np.subtract(yp > yt, yp < yt, dtype=yp.dtype)
    g *= grad_scale(reduction, g.size)
    return g


def huber(y_true, y_pred, *, delta: float = 1.0, reduction: str = "mean"):
    r"""Huber loss: quadratic for small residuals, linear for large ones.

    .. math::

        \ell_i = \begin{cases} \tfrac12 r_i^2 & |r_i| \le \delta \\
                               \delta\,(|r_i| - \tfrac12\delta) & |r_i| > \delta \end{cases}
        \qquad r_i = \hat y_i - y_i

    The ½ and the :math:`-\tfrac12\delta` make the two pieces meet with the same value
    (:math:`\tfrac12\delta^2`) and the same slope (:math:`\pm\delta`) at :math:`|r| = \delta`.

    Args:
        y_true: targets, any shape.
        y_pred: predictions, the same shape as ``y_true``.
        delta: where the quadratic piece hands over to the linear one (> 0).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Note:
        This is Huber's (1964) definition, also scipy's ``scipy.special.huber(delta, r)`` and
        PyTorch's ``HuberLoss(delta=...)``. PyTorch's ``SmoothL1Loss(beta)`` is the same curve
        divided by ``beta`` (slope ±1 in the tails), so the two agree only for δ = β = 1.

    References:
        Huber, P. J. (1964). Robust estimation of a location parameter. *Annals of
        Mathematical Statistics* 35(1), 73–101.

    Example:
        >>> huber([0.0, 0.0], [0.5, 3.0])   # (0.125 + (3 - 0.5)) / 2
        1.3125
        >>> huber([0.0], [3.0], delta=2.0, reduction="none").tolist()   # 2 * (3 - 1)
        [4.0]
    """
    check_reduction(reduction)
    delta = check_scalar(delta, "delta", low=0.0, low_inclusive=False)
    yt, yp = prepare_pair(y_true, y_pred, finite=False)
    r = difference(yp, yt)
    # ½r² for |r| ≤ δ and δ(|r| - ½δ) beyond are both ρ·r - ½ρ² with ρ = clip(r, -δ, δ)
    # (ρ is huber_grad's clipped residual; ρ and r share their sign, so ρ·r = |ρ|·|r|)
    rho = np.clip(r, -delta, delta)
    total = dot64(rho, r) - 0.5 * sum_of_squares(rho)
    check_finite_pair(total, y_true, y_pred)
    if reduction == "none":  # c·(|r| - ½c) with c = |ρ| = min(|r|, δ), in place
        np.abs(r, out=r)
        half_c = np.abs(rho, out=rho)
        half_c *= 0.5
        r -= half_c
        r *= half_c
        r *= 2.0  # 2·(½c)·(...): scaling by 2 is exact
        return r
    return total / r.size if reduction == "mean" else total


def huber_grad(y_true, y_pred, *, delta: float = 1.0, reduction: str = "mean"):
    r"""Gradient of :func:`huber`: the residual clipped to :math:`[-\delta, \delta]` (÷ n for the mean).

    .. math:: \frac{\partial \ell_i}{\partial \hat y_i} = \operatorname{clip}(r_i, -\delta, \delta)

    Equal to half MSE's gradient for small residuals, and never larger than δ in size, however
    far out an outlier lies. Differentiable everywhere, including at :math:`|r| = \delta`.

    Example:
        >>> huber_grad([0.0, 0.0, 0.0], [0.5, 3.0, -100.0], reduction="sum").tolist()
        [0.5, 1.0, -1.0]
    """
    check_reduction(reduction)
    delta = check_scalar(delta, "delta", low=0.0, low_inclusive=False)
    yt, yp = prepare_pair(y_true, y_pred, finite=False)
    g = difference(yp, yt)
    check_finite_pair(g, y_true, y_pred)
    np.clip(g, -delta, delta, out=g)  # clip(r, -δ, δ), in place
    g *= grad_scale(reduction, g.size)
    return g


def quantile(y_true, y_pred, *, q: float = 0.5, reduction: str = "mean"):
    r"""Quantile (pinball) loss: an asymmetric absolute error whose minimiser is the q-quantile.

    .. math::

        \ell_i = \max\big(q\,r_i,\; (q - 1)\,r_i\big), \qquad r_i = y_i - \hat y_i

    An under-prediction (:math:`r > 0`) costs :math:`q` per unit, an over-prediction
    :math:`1 - q`. The constant that minimises the mean loss over a sample is its
    :math:`q`-quantile, as the median minimises MAE: at :math:`q = \tfrac12` the loss is half
    the absolute error. Note the residual's sign: here :math:`r = y - \hat y`, the convention of
    Koenker and Bassett and of scikit-learn's ``mean_pinball_loss(alpha=q)``, which this matches.

    Args:
        y_true: targets, any shape.
        y_pred: predictions, the same shape as ``y_true``.
        q: the quantile, in [0, 1].
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (an array shaped like ``y_pred``).

    References:
        Koenker, R. and Bassett, G. (1978). Regression quantiles. *Econometrica* 46(1), 33–50.

    Example (under-predicting by 2 costs 0.9 · 2; over-predicting by 3 costs 0.1 · 3):
        >>> quantile([10.0, 10.0], [8.0, 13.0], q=0.9, reduction="none").round(6).tolist()
        [1.8, 0.3]
    """
    check_reduction(reduction)
    q = check_scalar(q, "q", low=0.0, high=1.0)
    yt, yp = prepare_pair(y_true, y_pred, finite=False)
    r = difference(yt, yp)
    with np.errstate(invalid="ignore"):  # inf + -inf: reported by check_finite_pair
        sum_r = float(np.sum(r, dtype=np.float64))
    check_finite_pair(sum_r, y_true, y_pred)
    # max(q·r, (q-1)·r) = q·r - min(r, 0)
    if reduction == "none":
        per = q * r
        per -= np.minimum(r, 0.0, out=r)
        return per
    # summed: Σℓ = q·Σr - Σ min(r, 0), with no second full-size array
    total = q * sum_r - float(np.sum(np.minimum(r, 0.0, out=r), dtype=np.float64))
    return total / r.size if reduction == "mean" else total


def quantile_grad(y_true, y_pred, *, q: float = 0.5, reduction: str = "mean"):
    r"""Gradient of :func:`quantile` with respect to ``y_pred`` (÷ n for the mean).

    .. math::

        \frac{\partial \ell_i}{\partial \hat y_i} = \begin{cases} -q & \hat y_i < y_i \\
        1 - q & \hat y_i > y_i \\ 0 & \hat y_i = y_i \ \text{(the subgradient at the kink)}
        \end{cases}

    Like MAE's, its size does not depend on how far off a prediction is; only its sign does,
    weighted :math:`q` against :math:`1-q`. Gradient descent therefore stops where a fraction
    :math:`q` of the targets lies below the prediction.

    Example:
        >>> quantile_grad([0.0, 0.0, 0.0], [-1.0, 0.0, 2.0], q=0.9, reduction="sum").round(6).tolist()
        [-0.9, 0.0, 0.1]
    """
    check_reduction(reduction)
    q = check_scalar(q, "q", low=0.0, high=1.0)
    yt, yp = prepare_pair(y_true, y_pred)
    # [ŷ > y] - q·[ŷ ≠ y]: 1 - q over, -q under, 0 exactly at the kink
    g = np.multiply(yp != yt, -q, dtype=yp.dtype)
    g += yp > yt
    g *= grad_scale(reduction, g.size)
    return g
