r"""Regression losses (chapter 1): mean squared error, mean absolute error, Huber and quantile.

Each compares real-valued predictions :math:`\hat y` with targets :math:`y` element by
element through the residual :math:`r = \hat y - y`; they differ in how hard they punish a
large residual, and therefore in how much one outlier can steer the fit.

All functions take ``(y_true, y_pred, *, ..., reduction="mean")`` with two arrays of the same
shape, and each has a ``*_grad`` twin returning :math:`\partial L / \partial \hat y`.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_reduction,
    check_scalar,
    dot64,
    grad_scale,
    prepare_pair,
    reduce,
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
    yt, yp = prepare_pair(y_true, y_pred)
    r = yp - yt
    if reduction == "none":
        return np.square(r, out=r)
    total = sum_of_squares(r)
    return total / r.size if reduction == "mean" else total


def mse_grad(y_true, y_pred, *, reduction: str = "mean"):
    r"""Gradient of :func:`mse` with respect to ``y_pred``: :math:`2(\hat y_i - y_i)` (÷ n for the mean).

    It grows without bound with the residual, which is why one outlier can dominate a fit.

    Example:
        >>> mse_grad([0.0, 0.0], [1.0, 100.0], reduction="sum").tolist()
        [2.0, 200.0]
    """
    check_reduction(reduction)
    yt, yp = prepare_pair(y_true, y_pred)
    g = yp - yt
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
    yt, yp = prepare_pair(y_true, y_pred)
    r = yp - yt
    return reduce(np.abs(r, out=r), reduction)


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
    g = np.sign(yp - yt)
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
    yt, yp = prepare_pair(y_true, y_pred)
    a = yp - yt
    np.abs(a, out=a)
    # ½a² for a ≤ δ and δ(a - ½δ) beyond are both c·(a - ½c) = c·a - ½c² with c = min(a, δ)
    c = np.minimum(a, delta)
    if reduction == "none":
        a -= 0.5 * c
        a *= c
        return a
    total = dot64(c, a) - 0.5 * sum_of_squares(c)
    return total / a.size if reduction == "mean" else total


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
    yt, yp = prepare_pair(y_true, y_pred)
    g = yp - yt
    np.minimum(g, delta, out=g)  # clip(r, -δ, δ); two ufuncs are faster than np.clip
    np.maximum(g, -delta, out=g)
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
    yt, yp = prepare_pair(y_true, y_pred)
    r = yt - yp
    # max(q·r, (q-1)·r) = q·r - min(r, 0)
    per = q * r
    per -= np.minimum(r, 0.0, out=r)
    return reduce(per, reduction)


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
    s = np.sign(yp - yt)  # +1 over-prediction, -1 under, 0 exact
    # (1-q) for s = +1, -q for s = -1, 0 for s = 0: ½s + (½ - q)|s|
    g = 0.5 * s
    g += (0.5 - q) * np.abs(s)
    g *= grad_scale(reduction, g.size)
    return g.astype(yp.dtype, copy=False)
