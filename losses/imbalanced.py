r"""Losses for imbalanced data (chapter 3): focal loss, soft Dice loss and the Tversky family.

Focal loss *reweights* binary cross-entropy so that the many easy examples stop dominating the
total; Dice loss *replaces* the per-pixel objective with an overlap score, which a prediction
of "all background" cannot game.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_labels,
    check_reduction,
    check_scalar,
    dot64,
    grad_scale,
    prepare_pair,
    quiet_underflow,
    reduce,
)

__all__ = ["focal", "focal_grad", "dice", "dice_grad", "tversky", "tversky_grad"]


# --------------------------------------------------------------------------------- focal


def _focal_inputs(y_true, y_pred, alpha, gamma, from_logits):
    gamma = check_scalar(gamma, "gamma", low=0.0)
    if alpha is not None:
        alpha = check_scalar(alpha, "alpha", low=0.0, high=1.0)
    yt, yp = prepare_pair(y_true, y_pred, pred_unit=None if from_logits else "probabilities")
    check_labels(yt, "y_true", (0.0, 1.0))
    return yt, yp, alpha, gamma


def _signed_alpha(yt, alpha, factor, out):
    """``factor``·s·α_t, written into ``out``.

    s = +1 for a positive and -1 for a negative; α_t = α for a positive and 1 - α for a negative
    (RetinaNet, torchvision). So s·α_t is α for y = 1 and -(1 - α) for y = 0: y - (1 - α).
    """
    if alpha is None:  # s = 2y - 1
        np.multiply(yt, 2.0 * factor, out=out)
        out -= factor
    else:
        np.subtract(yt, 1.0 - alpha, out=out)
        out *= factor
    return out


def _log_pt_terms(yt, yp, from_logits):
    """Return (log p_t, log(1 - p_t)), two new arrays (p_t is the probability of the true class).

    With logits, :math:`p_t = \\sigma(s z)` and :math:`1 - p_t = \\sigma(-s z)` with s = 2y - 1,
    both through log-sigmoid, :math:`\\log\\sigma(x) = \\min(x, 0) - \\log(1 + e^{-|x|})`, so that
    neither underflows to log(0); the two share :math:`\\log(1 + e^{-|x|})`.
    """
    if from_logits:
        zt = np.multiply(yt, 2.0, dtype=yp.dtype)
        zt -= 1.0
        zt *= yp  # s·z
        soft = np.abs(zt)
        np.negative(soft, out=soft)
        np.exp(soft, out=soft)
        np.log1p(soft, out=soft)  # log(1 + e^{-|s z|})
        log_pt = np.minimum(zt, 0)
        log_pt -= soft
        np.negative(zt, out=zt)
        log_1mpt = np.minimum(zt, 0, out=zt)
        log_1mpt -= soft
        return log_pt, log_1mpt
    pt = _clipped_pt(yt, yp)
    log_1mpt = np.negative(pt)
    np.log1p(log_1mpt, out=log_1mpt)
    return np.log(pt, out=pt), log_1mpt


def _clipped_pt(yt, yp):
    """p_t = p for y = 1 and 1 - p for y = 0, at p clipped into [eps, 1 - eps], in a new array."""
    eps = np.finfo(yp.dtype).eps
    pt = np.clip(yp, eps, 1 - eps)
    one_minus_y = np.subtract(1.0, yt, dtype=yp.dtype)
    pt -= one_minus_y  # |p - (1 - y)|: p for y = 1, |p - 1| = 1 - p (exactly) for y = 0
    return np.abs(pt, out=pt)


@quiet_underflow
def focal(
    y_true,
    y_pred,
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    reduction: str = "mean",
):
    r"""Binary focal loss (Lin et al., 2017): cross-entropy damped on easy examples.

    .. math::

        \ell_i = -\alpha_t\,(1 - p_t)^{\gamma}\,\log p_t,\qquad
        p_t = \begin{cases}\hat p & y = 1\\ 1 - \hat p & y = 0\end{cases},\quad
        \alpha_t = \begin{cases}\alpha & y = 1\\ 1 - \alpha & y = 0\end{cases}

    :math:`p_t` is the probability the model gives to the *true* class. The modulating factor
    :math:`(1-p_t)^\gamma` is near 0 for well-classified examples (:math:`p_t \to 1`), so they
    add almost nothing; :math:`\gamma = 0` and ``alpha=None`` give plain binary cross-entropy.

    Args:
        y_true: labels in {0, 1}, any shape.
        y_pred: predicted probabilities of the positive class, or logits, the same shape.
        alpha: weight of the positive class in [0, 1] (negatives get 1 - α), or ``None`` for no
            weighting. 0.25 is the paper's default; with γ = 2 it *down*-weights positives,
            because the modulating factor already favours the rare hard ones.
        gamma: focusing parameter γ ≥ 0.
        from_logits: whether ``y_pred`` holds logits.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Note:
        The study guide writes :math:`-\alpha(1-\hat y)^\gamma\log\hat y`, which is only the
        positive-class half; for a negative the roles of :math:`\hat p` and :math:`1-\hat p`
        swap. This matches torchvision's ``sigmoid_focal_loss``.

    References:
        Lin, T.-Y., Goyal, P., Girshick, R., He, K. and Dollár, P. (2017). Focal loss for dense
        object detection. *ICCV*.

    Example:
        >>> import numpy as np
        >>> ce = -np.log(0.9)                      # an easy positive, p_t = 0.9
        >>> fl = focal([1], [0.9], alpha=None, gamma=2.0)
        >>> round(float(fl / ce), 6)               # damped by (1 - 0.9)^2
        0.01
    """
    check_reduction(reduction)
    yt, yp, alpha, gamma = _focal_inputs(y_true, y_pred, alpha, gamma, from_logits)
    log_pt, log_1mpt = _log_pt_terms(yt, yp, from_logits)
    # -α_t (1 - p_t)^γ log p_t, with (1 - p_t)^γ = exp(γ log(1 - p_t)), in place
    per = np.multiply(log_1mpt, gamma, out=log_1mpt)
    np.exp(per, out=per)
    per *= log_pt
    if alpha is not None:
        alpha_t = np.multiply(yt, 2.0 * alpha - 1.0, out=log_pt)  # α for y = 1, 1 - α for y = 0
        alpha_t += 1.0 - alpha
        per *= alpha_t
    return reduce(np.negative(per, out=per), reduction)


@quiet_underflow
def focal_grad(
    y_true,
    y_pred,
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    reduction: str = "mean",
):
    r"""Gradient of :func:`focal` with respect to ``y_pred`` (probabilities or logits).

    Write :math:`q = p_t` and :math:`u = 1 - p_t`. With respect to :math:`p_t`,

    .. math:: \frac{\partial\ell}{\partial p_t} = \alpha_t\left[\gamma u^{\gamma-1}\log q - \frac{u^\gamma}{q}\right]

    and :math:`\partial p_t/\partial\hat p = s` with :math:`s = +1` for a positive and
    :math:`-1` for a negative. With logits, :math:`p_t = \sigma(s z)` and
    :math:`\partial p_t/\partial z = s\,q u`, which simplifies to

    .. math:: \frac{\partial\ell}{\partial z} = s\,\alpha_t\,u^{\gamma}\,(\gamma\, q\log q - u).

    For :math:`\gamma = 0`, :math:`\alpha_t = 1` this is :math:`\sigma(z) - y`, the gradient of
    binary cross-entropy. Divided by the number of elements for the mean.

    Example:
        >>> focal_grad([1, 0], [0.0, 0.0], alpha=None, gamma=0.0, from_logits=True,
        ...            reduction="sum").tolist()
        [-0.5, 0.5]
    """
    check_reduction(reduction)
    yt, yp, alpha, gamma = _focal_inputs(y_true, y_pred, alpha, gamma, from_logits)
    scale = grad_scale(reduction, yp.size)
    if from_logits:
        log_q, log_u = _log_pt_terms(yt, yp, from_logits)
        # s·α_t·u^γ·(γ q log q - u), q = exp(log q), u = exp(log u), in place
        g = np.exp(log_q)
        g *= gamma
        g *= log_q  # γ q log q
        g -= np.exp(log_u, out=log_q)  # - u
        u_gamma = np.multiply(log_u, gamma, out=log_u)
        g *= np.exp(u_gamma, out=u_gamma)
        g *= _signed_alpha(yt, alpha, scale, out=u_gamma)
        return g
    # s·α_t·[γ u^(γ-1) log q - u^γ / q], with u^(γ-1) = u^γ / u (u ≥ eps after clipping)
    q = _clipped_pt(yt, yp)
    g = np.log(q)  # log q
    u_gamma = np.negative(q)
    np.log1p(u_gamma, out=u_gamma)
    u_gamma *= gamma
    np.exp(u_gamma, out=u_gamma)  # u^γ = exp(γ log(1 - q))
    g *= u_gamma
    g *= gamma  # γ u^γ log q
    np.divide(u_gamma, q, out=u_gamma)  # u^γ / q
    g /= np.subtract(1.0, q, out=q)  # ÷ u = 1 - q
    g -= u_gamma
    g *= _signed_alpha(yt, alpha, scale, out=u_gamma)
    return g


# ---------------------------------------------------------------------------------- dice


def _dice_inputs(y_true, y_pred, smooth):
    smooth = check_scalar(smooth, "smooth", low=0.0)
    yt, yp = prepare_pair(y_true, y_pred, true_unit="mask values", pred_unit="probabilities")
    return yt, yp, smooth


def _mask_sums(yt, yp, axis):
    """Σ y·ŷ, Σ y and Σ ŷ over ``axis``, in float64, as broadcastable (keepdims) arrays."""
    sum_true = np.sum(yt, axis=axis, keepdims=True, dtype=np.float64)
    sum_pred = np.sum(yp, axis=axis, keepdims=True, dtype=np.float64)
    if axis is None:
        inter = np.array(dot64(yt, yp)).reshape(sum_true.shape)
        return inter, sum_true, sum_pred
    axes = sorted(a % yt.ndim for a in (axis if isinstance(axis, tuple) else (axis,)))
    if yt.dtype == np.float64 and axes == list(range(yt.ndim - len(axes), yt.ndim)):
        # the trailing axes (one mask per row): a row-wise dot product, no (n, H, W) temporary
        rows = int(np.prod(sum_true.shape))
        inter = np.einsum("ij,ij->i", yt.reshape(rows, -1), yp.reshape(rows, -1))
        return inter.reshape(sum_true.shape), sum_true, sum_pred
    inter = np.sum(yt * yp, axis=axis, keepdims=True, dtype=np.float64)
    return inter, sum_true, sum_pred


def _dice_sums(yt, yp, axis):
    """Σ y·ŷ and Σ y + Σ ŷ over ``axis``, in float64, kept as broadcastable (keepdims) arrays."""
    inter, sum_true, sum_pred = _mask_sums(yt, yp, axis)
    return inter, sum_true + sum_pred


def _squeeze(a, axis):
    return np.squeeze(a, axis=axis) if axis is not None else a.reshape(())


def dice(y_true, y_pred, *, smooth: float = 1e-6, axis=None, reduction: str = "mean"):
    r"""Soft Dice loss: one minus the soft overlap between a predicted and a true mask.

    .. math::

        L = 1 - \frac{2\sum_j y_j \hat y_j + s}{\sum_j y_j + \sum_j \hat y_j + s}

    With hard 0/1 masks the fraction is the Dice coefficient
    :math:`2|P\cap G| / (|P| + |G|)`, which equals the F1 score of the pixels and relates to
    IoU by :math:`D = 2J/(1+J)`. The study guide's version lost the fraction bar; this is the
    standard form (Milletari et al., 2016, who also square the terms in the denominator).

    Args:
        y_true: the true mask, values in [0, 1].
        y_pred: predicted probabilities in [0, 1], the same shape.
        smooth: :math:`s` ≥ 0, added to numerator and denominator; it keeps two empty masks
            from giving 0/0 and softens the loss on tiny objects.
        axis: the axes the sums run over, as in numpy. ``None``: one Dice for the whole arrays
            (result shape ``()``). For a batch of masks ``(n, H, W)`` use ``axis=(1, 2)`` to get
            one loss per mask, shape ``(n,)``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` over the per-mask losses.

    Two empty masks (nothing to find, nothing predicted) score a perfect 0, also with
    ``smooth=0``.

    References:
        Milletari, F., Navab, N. and Ahmadi, S.-A. (2016). V-Net. *3DV*.

    Example:
        >>> y = [[0, 1], [1, 1]]
        >>> p = [[0, 1], [0, 1]]
        >>> round(dice(y, p, smooth=0.0), 6)   # 1 - 2*2 / (3 + 2)
        0.2
    """
    check_reduction(reduction)
    yt, yp, smooth = _dice_inputs(y_true, y_pred, smooth)
    inter, total = _dice_sums(yt, yp, axis)
    denom = total + smooth
    empty = denom == 0  # both masks empty and smooth = 0: a perfect match, not 0/0
    coef = np.divide(2 * inter + smooth, denom, out=np.ones_like(denom), where=~empty)
    per = _squeeze(1.0 - coef, axis).astype(yp.dtype, copy=False)
    return reduce(per, reduction)


def dice_grad(y_true, y_pred, *, smooth: float = 1e-6, axis=None, reduction: str = "mean"):
    r"""Gradient of :func:`dice` with respect to ``y_pred``.

    With :math:`I = \sum y\hat y` and :math:`S = \sum y + \sum \hat y` over ``axis``,

    .. math::

        \frac{\partial L}{\partial \hat y_j} = \frac{(2I + s) - 2 y_j (S + s)}{(S + s)^2}.

    Every pixel of a mask is coupled to the others through :math:`I` and :math:`S`. For two
    empty masks this gives :math:`1/s` per element. With ``smooth=0`` and two empty masks the
    loss jumps from 0 to 1 as soon as any pixel is predicted, so no derivative exists; the
    subgradient 0 is returned there. Divided by the number of masks for the mean.

    Example:
        >>> dice_grad([0.0, 1.0], [0.0, 1.0], smooth=0.0).tolist()   # (2 - 2y(2)) / 4
        [0.5, -0.5]
    """
    check_reduction(reduction)
    yt, yp, smooth = _dice_inputs(y_true, y_pred, smooth)
    inter, total = _dice_sums(yt, yp, axis)
    denom = total + smooth
    empty = denom == 0
    inv = np.divide(1.0, denom, out=np.zeros_like(denom), where=~empty)  # 0: subgradient 0
    scale = grad_scale(reduction, int(np.prod(_squeeze(denom, axis).shape)))
    # ∂L/∂ŷ_j = (2I + s)/(S + s)² - 2 y_j/(S + s) = offset - slope·y_j: one pass over the mask
    offset = ((2 * inter + smooth) * inv * inv * scale).astype(yp.dtype)
    slope = (2 * inv * scale).astype(yp.dtype)
    g = yt * -slope
    g += offset
    return g


# ------------------------------------------------------------------------------- tversky


def _tversky_inputs(y_true, y_pred, alpha, beta, gamma, smooth):
    alpha = check_scalar(alpha, "alpha", low=0.0)
    beta = check_scalar(beta, "beta", low=0.0)
    gamma = check_scalar(gamma, "gamma", low=0.0, low_inclusive=False)
    yt, yp, smooth = _dice_inputs(y_true, y_pred, smooth)
    return yt, yp, alpha, beta, gamma, smooth


def _tversky_index(yt, yp, alpha, beta, smooth, axis):
    """TI over ``axis`` (keepdims), the denominator, and where it is 0 (TI taken as 1 there)."""
    tp, sum_true, sum_pred = _mask_sums(yt, yp, axis)
    # TP + α·FP + β·FN + s with FP = Σŷ - TP and FN = Σy - TP
    denom = (1.0 - alpha - beta) * tp + alpha * sum_pred + beta * sum_true + smooth
    empty = denom <= 0  # nothing to find, nothing predicted, no smoothing: a perfect match
    index = np.divide(tp + smooth, denom, out=np.ones_like(denom), where=~empty)
    return index, tp, denom, empty


def tversky(
    y_true,
    y_pred,
    *,
    alpha: float = 0.5,
    beta: float = 0.5,
    gamma: float = 1.0,
    smooth: float = 1e-6,
    axis=None,
    reduction: str = "mean",
):
    r"""Tversky loss, and with :math:`\gamma \ne 1` the focal Tversky loss.

    .. math::

        L = (1 - \mathrm{TI})^{\gamma}, \qquad
        \mathrm{TI} = \frac{TP + s}{TP + \alpha\,FP + \beta\,FN + s}

    with the soft counts :math:`TP = \sum y\hat y`, :math:`FP = \sum (1-y)\hat y` and
    :math:`FN = \sum y(1-\hat y)` over ``axis``. α prices false positives and β false negatives:
    raising β above α buys recall with precision, which is what a small object that must not be
    missed needs. With :math:`\alpha = \beta = \tfrac12` and :math:`s = 0` the index is the Dice
    coefficient :math:`2TP/(2TP + FP + FN)`, so the loss is :func:`dice`; :math:`\alpha = \beta = 1`
    gives the Jaccard index (IoU).

    Args:
        y_true: the true mask, values in [0, 1].
        y_pred: predicted probabilities in [0, 1], the same shape.
        alpha: weight of the false positives (≥ 0).
        beta: weight of the false negatives (≥ 0).
        gamma: the focal exponent (> 0); 1 is the plain Tversky loss. Values above 1 shrink the
            loss of masks that are already good (their :math:`1 - \mathrm{TI}` is small), so
            training concentrates on the poor ones.
        smooth: :math:`s` ≥ 0, as in :func:`dice`.
        axis: the axes the sums run over, as in :func:`dice` (``None``: one loss for the whole
            arrays; ``(1, 2)`` for a batch of masks ``(n, H, W)``).
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` over the per-mask losses.

    Two empty masks give 0, also with ``smooth=0``.

    Note:
        Abraham and Khan (2019) write the focal Tversky loss as :math:`(1 - \mathrm{TI})^{1/\gamma}`
        and recommend their :math:`\gamma = 4/3`; that is ``gamma=0.75`` here. This package's
        ``gamma`` is the exponent itself, as in focal loss.

    References:
        Salehi, S. S. M., Erdogmus, D. and Gholipour, A. (2017). Tversky loss function for image
        segmentation using 3D fully convolutional deep networks. *MLMI*.
        Abraham, N. and Khan, N. M. (2019). A novel focal Tversky loss function with improved
        attention U-Net for lesion segmentation. *ISBI*.

    Example:
        >>> y = [1.0, 1.0, 0.0, 0.0]
        >>> p = [1.0, 0.0, 1.0, 0.0]          # TP = 1, FP = 1, FN = 1
        >>> round(tversky(y, p, alpha=0.3, beta=0.7, smooth=0.0), 6)   # 1 - 1 / (1 + 0.3 + 0.7)
        0.5
    """
    check_reduction(reduction)
    yt, yp, alpha, beta, gamma, smooth = _tversky_inputs(y_true, y_pred, alpha, beta, gamma, smooth)
    index, _, _, _ = _tversky_index(yt, yp, alpha, beta, smooth, axis)
    per = np.maximum(1.0 - index, 0.0) ** gamma
    return reduce(_squeeze(per, axis).astype(yp.dtype, copy=False), reduction)


def tversky_grad(
    y_true,
    y_pred,
    *,
    alpha: float = 0.5,
    beta: float = 0.5,
    gamma: float = 1.0,
    smooth: float = 1e-6,
    axis=None,
    reduction: str = "mean",
):
    r"""Gradient of :func:`tversky` with respect to ``y_pred``.

    With :math:`N = TP + s` and :math:`D = TP + \alpha FP + \beta FN + s
    = (1-\alpha-\beta)\,TP + \alpha\sum\hat y + \beta\sum y + s`, so that
    :math:`\partial N/\partial\hat y_j = y_j` and
    :math:`\partial D/\partial\hat y_j = (1-\alpha-\beta)\,y_j + \alpha`:

    .. math::

        \frac{\partial\,\mathrm{TI}}{\partial\hat y_j}
            = \frac{y_j D - N\big((1-\alpha-\beta)\,y_j + \alpha\big)}{D^2},\qquad
        \frac{\partial L}{\partial\hat y_j}
            = -\gamma\,(1-\mathrm{TI})^{\gamma-1}\,\frac{\partial\,\mathrm{TI}}{\partial\hat y_j}.

    At a perfect mask (:math:`\mathrm{TI} = 1`) the factor :math:`(1-\mathrm{TI})^{\gamma-1}` is 1
    for :math:`\gamma = 1` and 0 for :math:`\gamma > 1`; for :math:`\gamma < 1` it would be
    infinite, and the subgradient 0 is returned there, as for two empty masks with ``smooth=0``
    (no derivative exists, as for :func:`dice`). Divided by the number of masks for
    the mean.

    Example:
        >>> tversky_grad([1.0, 0.0], [0.5, 0.5], smooth=0.0, reduction="sum").round(6).tolist()
        [-0.75, 0.25]
    """
    check_reduction(reduction)
    yt, yp, alpha, beta, gamma, smooth = _tversky_inputs(y_true, y_pred, alpha, beta, gamma, smooth)
    index, tp, denom, empty = _tversky_index(yt, yp, alpha, beta, smooth, axis)
    gap = np.maximum(1.0 - index, 0.0)
    # -γ(1-TI)^(γ-1) / D². At TI = 1, (1-TI)^(γ-1) is 1 for γ = 1 and 0 for γ > 1; for γ < 1
    # it is infinite, and the subgradient 0 is used, as where D = 0 (two empty masks).
    live = ~empty & ((gap > 0) | (gamma >= 1.0))
    safe_gap = np.where(gap > 0, gap, 1.0)
    power = np.where(gap > 0, safe_gap ** (gamma - 1.0), 1.0 if gamma == 1.0 else 0.0)
    safe_denom = np.where(live, denom, 1.0)
    factor = np.where(live, -gamma * power / (safe_denom * safe_denom), 0.0)
    factor *= grad_scale(reduction, int(np.prod(_squeeze(denom, axis).shape)))
    numer = tp + smooth
    # ∂TI/∂ŷ_j·D² = y_j (D - N(1-α-β)) - N·α: again offset + slope·y_j
    slope = (factor * (denom - numer * (1.0 - alpha - beta))).astype(yp.dtype)
    offset = (factor * -numer * alpha).astype(yp.dtype)
    g = yt * slope
    g += offset
    return g
