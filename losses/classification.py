r"""Classification losses (chapter 2): cross-entropy, binary cross-entropy, hinge and
multiclass hinge.

Cross-entropy and binary cross-entropy score predicted *probabilities* (or logits, with
``from_logits=True``) against the labels; hinge scores raw *margins* and stops caring once a
sample is on the right side by at least the margin; the multiclass hinge (Crammer and Singer)
does the same with the margin between the true class's score and the best other score.

Probability inputs are clipped into :math:`[\epsilon, 1-\epsilon]` with
:math:`\epsilon` = ``np.finfo(dtype).eps`` (scikit-learn's ``log_loss`` default), so a predicted 0
for the true class gives a large but finite loss. Logit inputs go through log-sum-exp and
log-sigmoid forms that stay finite for logits of size 1e4.
"""

from __future__ import annotations

import numpy as np

from ._numerics import log_softmax, logsumexp, sigmoid, softmax
from ._validation import (
    as_array,
    check_finite,
    check_labels,
    check_ndim,
    check_not_empty,
    check_reduction,
    check_same_shape,
    check_scalar,
    check_sums_to_one,
    check_unit_interval,
    dot64,
    float_dtype,
    grad_scale,
    prepare_pair,
    quiet_underflow,
    reduce,
)

__all__ = [
    "cross_entropy",
    "cross_entropy_grad",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "hinge",
    "hinge_grad",
    "multiclass_hinge",
    "multiclass_hinge_grad",
]


def _clip_eps(p: np.ndarray) -> np.ndarray:
    eps = np.finfo(p.dtype).eps
    return np.clip(p, eps, 1 - eps)


# ----------------------------------------------------------------------------- cross-entropy


def _class_labels(yt, n_classes):
    """``yt`` (shape ``(n,)``) as integer labels in ``[0, n_classes)``; whole-valued floats are
    accepted, anything else is a ValueError naming the first bad index."""
    bad = (yt < 0) | (yt >= n_classes)
    if np.issubdtype(yt.dtype, np.floating):
        bad |= np.mod(yt, 1) != 0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"y_true must hold integer class labels in [0, {n_classes}) for y_pred with "
            f"{n_classes} columns, but index {i} holds {yt[i].item()!r}."
        )
    return yt.astype(np.intp)


def _ce_inputs(y_true, y_pred, from_logits, label_smoothing):
    """Validate cross-entropy inputs; return (targets (n, C) or labels (n,), y_pred, eps)."""
    yp = as_array(y_pred, "y_pred")
    check_ndim(yp, "y_pred", 2, "(n, C): one row of class scores per sample")
    check_not_empty(yp, "y_pred")
    check_finite(yp, "y_pred")
    yp = yp.astype(float_dtype(yp), copy=False)
    n, n_classes = yp.shape
    eps = check_scalar(label_smoothing, "label_smoothing", low=0.0, high=1.0)

    yt = as_array(y_true, "y_true")
    check_finite(yt, "y_true")
    if yt.ndim == 1:
        if yt.shape[0] != n:
            raise ValueError(
                f"y_true has shape {yt.shape} but y_pred has shape {yp.shape}; class labels "
                "need one entry per row of y_pred."
            )
        target = _class_labels(yt, n_classes)
    elif yt.ndim == 2:
        check_same_shape(yt, yp, "y_true", "y_pred")
        check_unit_interval(yt, "y_true", "target probabilities")
        check_sums_to_one(yt, "y_true", logits_hint=False)
        target = yt.astype(yp.dtype, copy=False)
    else:
        raise ValueError(
            f"y_true must be class labels of shape (n,) or target probabilities of shape "
            f"(n, C), got shape {yt.shape}."
        )
    if not from_logits:
        check_unit_interval(yp, "y_pred")
        check_sums_to_one(yp, "y_pred")
    return target, yp, eps


def _dense_targets(target, shape, dtype, eps):
    """Targets as an (n, C) array with PyTorch's label smoothing (1-ε)·t + ε/C applied."""
    n_classes = shape[1]
    if target.ndim == 1:
        t = np.full(shape, eps / n_classes, dtype=dtype)
        t[np.arange(shape[0]), target] += 1.0 - eps
        return t
    return target * (1.0 - eps) + eps / n_classes if eps else target


@quiet_underflow
def cross_entropy(
    y_true,
    y_pred,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
):
    r"""Cross-entropy between target classes and predicted class probabilities.

    .. math:: \ell_i = -\sum_{c=1}^{C} t_{ic} \log \hat p_{ic}

    where :math:`t_i` is the one-hot vector of the label (or the given target distribution) and
    :math:`\hat p_i` the predicted probabilities, or :math:`\operatorname{softmax}(z_i)` of the
    logits when ``from_logits=True`` (computed as :math:`z_{ic} - \log\sum_k e^{z_{ik}}`, which
    never overflows).

    Args:
        y_true: integer class labels ``(n,)`` in ``[0, C)`` (whole-valued floats accepted), or
            target probabilities ``(n, C)`` whose rows sum to 1.
        y_pred: ``(n, C)`` predicted probabilities (rows summing to 1) or logits.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: ε in [0, 1]; targets become :math:`(1-\varepsilon)\,t + \varepsilon/C`,
            as in PyTorch's ``CrossEntropyLoss``, for labels and probability targets alike.
        reduction: ``"mean"`` (over samples), ``"sum"`` or ``"none"`` (shape ``(n,)``).

    Note:
        With probabilities, :math:`\hat p` is clipped into :math:`[\epsilon, 1-\epsilon]`
        (``np.finfo(dtype).eps``) before the log, as scikit-learn's ``log_loss`` does.

    Example:
        >>> import numpy as np
        >>> round(cross_entropy([0, 1], [[0.8, 0.2], [0.4, 0.6]]), 6)   # -(ln .8 + ln .6)/2
        0.366985
        >>> cross_entropy([0], [[1000.0, 0.0]], from_logits=True)     # softmax would overflow
        0.0
    """
    check_reduction(reduction)
    target, yp, eps = _ce_inputs(y_true, y_pred, from_logits, label_smoothing)
    n, n_classes = yp.shape
    if target.ndim == 1 and from_logits:
        # -log softmax(z)_y = logsumexp(z) - z_y: no (n, C) log-probabilities needed
        lse = logsumexp(yp, axis=1)
        per = lse - (1.0 - eps) * yp[np.arange(n), target]
        if eps:
            per -= eps / n_classes * yp.sum(axis=1)
    elif target.ndim == 1:
        per = -(1.0 - eps) * np.log(_clip_eps(yp[np.arange(n), target]))
        if eps:
            per -= eps / n_classes * np.log(_clip_eps(yp)).sum(axis=1)
    else:
        logp = log_softmax(yp) if from_logits else np.log(_clip_eps(yp))
        t = _dense_targets(target, yp.shape, yp.dtype, eps)
        per = -np.einsum("ij,ij->i", t, logp)
    return reduce(per.astype(yp.dtype, copy=False), reduction)


@quiet_underflow
def cross_entropy_grad(
    y_true,
    y_pred,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
):
    r"""Gradient of :func:`cross_entropy` with respect to ``y_pred``.

    With logits it is the famous :math:`\operatorname{softmax}(z_i) - t_i` (÷ n for the mean):
    from :math:`\ell = -\sum_c t_c z_c + (\sum_c t_c)\log\sum_k e^{z_k}` and
    :math:`\partial/\partial z_c \log\sum_k e^{z_k} = \operatorname{softmax}(z)_c`.
    With probabilities it is :math:`-t_{ic} / \hat p_{ic}`, evaluated at the clipped
    :math:`\hat p` (treating each entry as a free variable).

    Example:
        >>> cross_entropy_grad([0], [[0.0, 0.0]], from_logits=True).tolist()
        [[-0.5, 0.5]]
    """
    check_reduction(reduction)
    target, yp, eps = _ce_inputs(y_true, y_pred, from_logits, label_smoothing)
    n, n_classes = yp.shape
    scale = grad_scale(reduction, n)
    if target.ndim == 1 and from_logits:
        # softmax(z) - t with t = ε/C everywhere plus 1 - ε at the label (rows of t sum to 1)
        g = softmax(yp)
        if eps:
            g -= eps / n_classes
        g[np.arange(n), target] -= 1.0 - eps
    elif target.ndim == 1:
        rows = np.arange(n)
        p_label = _clip_eps(yp[rows, target])
        if eps:
            g = (-eps / n_classes) / _clip_eps(yp)
            g[rows, target] -= (1.0 - eps) / p_label
        else:  # -t/ŷ is zero but at the label (t = 1): clip and divide only those n entries
            g = np.zeros_like(yp)
            g[rows, target] = -1.0 / p_label
    else:
        t = _dense_targets(target, yp.shape, yp.dtype, eps)
        # softmax(z)·Σt - t; Σt = 1 up to the validated tolerance, kept for an exact gradient
        g = softmax(yp) * t.sum(axis=1, keepdims=True) - t if from_logits else -t / _clip_eps(yp)
    g *= scale
    return g.astype(yp.dtype, copy=False)


# ---------------------------------------------------------------------- binary cross-entropy


def _bce_inputs(y_true, y_pred, from_logits, pos_weight):
    yt, yp = prepare_pair(
        y_true, y_pred, true_unit="targets", pred_unit=None if from_logits else "probabilities"
    )
    w = None
    if pos_weight is not None:
        w = as_array(pos_weight, "pos_weight")
        try:
            ok = np.broadcast_shapes(w.shape, yp.shape) == yp.shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(
                f"pos_weight has shape {w.shape}, which does not broadcast to y_pred's shape "
                f"{yp.shape}; give a scalar or one weight per column (shape ({yp.shape[-1]},))."
            )
        check_finite(w, "pos_weight")
        if w.size and w.min() < 0:
            raise ValueError("pos_weight must be ≥ 0 (it multiplies the positive term).")
        w = w.astype(yp.dtype, copy=False)
    return yt, yp, w


@quiet_underflow
def binary_cross_entropy(
    y_true, y_pred, *, from_logits: bool = False, pos_weight=None, reduction: str = "mean"
):
    r"""Binary cross-entropy, elementwise: one independent yes/no probability per entry.

    .. math:: \ell_i = -\left[w\, y_i \log \hat p_i + (1 - y_i)\log(1 - \hat p_i)\right]

    with :math:`\hat p = \sigma(z)` when ``from_logits=True``, computed as
    :math:`w\,y\,\operatorname{softplus}(-z) + (1-y)\operatorname{softplus}(z)` through
    :func:`~losses.log_sigmoid`, finite for any finite logit.

    Args:
        y_true: targets in [0, 1] (0/1 labels, or soft targets), any shape.
        y_pred: probabilities in [0, 1], or logits, the same shape.
        from_logits: whether ``y_pred`` holds logits.
        pos_weight: :math:`w`, weight of the positive term: a scalar, or an array that
            broadcasts to ``y_pred``'s shape (one per label column), as PyTorch's
            ``BCEWithLogitsLoss(pos_weight=...)``. ``None`` means 1.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (shape of ``y_pred``).

    Use it for two-class problems and for multi-label problems, where each label is its own
    yes/no question; for mutually exclusive classes use :func:`cross_entropy`.

    Example:
        >>> round(binary_cross_entropy([1, 0], [0.9, 0.2]), 6)   # -(ln .9 + ln .8) / 2
        0.164252
        >>> binary_cross_entropy([1.0], [-1e4], from_logits=True)   # finite, not inf
        10000.0
    """
    check_reduction(reduction)
    yt, yp, w = _bce_inputs(y_true, y_pred, from_logits, pos_weight)
    if from_logits:
        # softplus(-z) = -log σ(z) and softplus(z) = -log(1 - σ(z)) = softplus(-z) + z, with
        # softplus(-z) = max(-z, 0) + log1p(e^{-|z|}); then
        #   ℓ = w·y·softplus(-z) + (1 - y)·softplus(z) = softplus(-z)·(w·y + 1 - y) + (1 - y)·z,
        # which for w = 1 is log1p(e^{-|z|}) + max(z, 0) - y·z.
        sp = np.abs(yp)
        np.negative(sp, out=sp)
        np.exp(sp, out=sp)
        np.log1p(sp, out=sp)
        if w is None:
            if reduction != "none":
                total = float(np.sum(sp, dtype=np.float64))
                np.maximum(yp, 0, out=sp)  # the buffer is summed: reuse it for max(z, 0)
                total += float(np.sum(sp, dtype=np.float64)) - dot64(yt, yp)
                return total / yp.size if reduction == "mean" else total
            sp += np.maximum(yp, 0)
            sp -= yt * yp
            return sp
        sp += np.maximum(-yp, 0)
        per = sp * (w * yt + 1 - yt) + (1 - yt) * yp
        return reduce(per.astype(yp.dtype, copy=False), reduction)
    # -[w·y·log p + (1 - y)·log(1 - p)] at the clipped p, in two buffers
    eps = np.finfo(yp.dtype).eps
    log_p = np.clip(yp, eps, 1 - eps)
    log_1mp = np.negative(log_p)
    np.log(log_p, out=log_p)
    np.log1p(log_1mp, out=log_1mp)  # log1p(-p) = log(1 - p)
    if w is None and reduction != "none":
        total = dot64(yt, log_p)
        total += dot64(np.subtract(1, yt, out=log_p), log_1mp)  # the buffer now holds 1 - y
        return -total / yp.size if reduction == "mean" else -total
    log_p *= yt
    if w is not None:
        log_p *= w
    log_1mp *= 1 - yt
    log_p += log_1mp
    return reduce(np.negative(log_p, out=log_p), reduction)


@quiet_underflow
def binary_cross_entropy_grad(
    y_true, y_pred, *, from_logits: bool = False, pos_weight=None, reduction: str = "mean"
):
    r"""Gradient of :func:`binary_cross_entropy` with respect to ``y_pred``.

    With logits and no weight it is :math:`\sigma(z) - y`; with a weight
    :math:`\sigma(z)\,(w y + 1 - y) - w y`. With probabilities it is
    :math:`-w y/\hat p + (1-y)/(1-\hat p)` at the clipped :math:`\hat p`. Divided by the number of
    elements for the mean.

    Example:
        >>> binary_cross_entropy_grad([1.0, 0.0], [0.0, 0.0], from_logits=True,
        ...                           reduction="sum").tolist()
        [-0.5, 0.5]
    """
    check_reduction(reduction)
    yt, yp, w = _bce_inputs(y_true, y_pred, from_logits, pos_weight)
    if from_logits and w is None:
        g = sigmoid(yp)
        g -= yt
        g *= grad_scale(reduction, yp.size)
        return g
    if from_logits:
        wy = w * yt
        g = sigmoid(yp) * (wy + 1 - yt) - wy
    else:
        # (1 - y)/(1 - p) - w·y/p at the clipped p, in two buffers; 1 - clip(p, ε, 1 - ε)
        # is clip(1 - p, ε, 1 - ε) exactly (rounding of 1 - p is monotone)
        eps = np.finfo(yp.dtype).eps
        g = 1 - yt
        buf = np.subtract(1, yp, dtype=yp.dtype)
        g /= np.clip(buf, eps, 1 - eps, out=buf)
        np.clip(yp, eps, 1 - eps, out=buf)
        g -= np.divide(yt if w is None else w * yt, buf, out=buf)  # w·y/p
    g *= grad_scale(reduction, yp.size)
    return g.astype(yp.dtype, copy=False)


# --------------------------------------------------------------------------------- hinge


def _hinge_inputs(y_true, y_pred, margin):
    margin = check_scalar(margin, "margin", low=0.0)
    yt, yp = prepare_pair(y_true, y_pred)
    if not ((yt == 1) | (yt == -1)).all():  # boolean temporaries only
        zero_one = ((yt == 0) | (yt == 1)).all()
        hint = " Your labels look like 0/1: convert them with 2*y - 1." if zero_one else ""
        check_labels(yt, "y_true", (-1.0, 1.0), hint)
    return yt, yp, margin


def hinge(y_true, y_pred, *, margin: float = 1.0, reduction: str = "mean"):
    r"""Hinge loss: :math:`\ell_i = \max(0,\; m - y_i \hat y_i)` with labels :math:`y_i \in \{-1, +1\}`.

    Zero once a sample is on the correct side with a margin of at least :math:`m`; linear in
    the shortfall otherwise. The loss of (soft-margin) support vector machines.

    Args:
        y_true: labels in {-1, +1} (0/1 labels are refused, with a hint to use ``2*y - 1``).
        y_pred: raw scores :math:`f(x)`, the same shape (not probabilities).
        margin: :math:`m` ≥ 0, 1 in the SVM formulation.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    References:
        Cortes, C. and Vapnik, V. (1995). Support-vector networks. *Machine Learning* 20(3).

    Example:
        >>> hinge([1, -1, 1], [2.0, -0.5, -1.0], reduction="none").tolist()
        [0.0, 0.5, 2.0]
    """
    check_reduction(reduction)
    yt, yp, margin = _hinge_inputs(y_true, y_pred, margin)
    per = yt * yp
    np.subtract(margin, per, out=per)  # m - y·ŷ, in place
    np.maximum(per, 0, out=per)
    return reduce(per, reduction)


def hinge_grad(y_true, y_pred, *, margin: float = 1.0, reduction: str = "mean"):
    r"""Subgradient of :func:`hinge`: :math:`-y_i` where :math:`y_i\hat y_i < m`, else 0.

    At exactly :math:`y_i \hat y_i = m` (the kink) the subgradient 0 is used. Divided by the
    number of elements for the mean.

    Example:
        >>> hinge_grad([1, -1, 1], [2.0, -0.5, 1.0], reduction="sum").tolist()
        [0.0, 1.0, 0.0]
    """
    check_reduction(reduction)
    yt, yp, margin = _hinge_inputs(y_true, y_pred, margin)
    g = yt * yp
    active = g < margin
    # -y·[y·ŷ < m], in place; as 0 - (...) so that inactive entries are 0.0, not -0.0
    np.multiply(yt, active, out=g)
    g *= grad_scale(reduction, g.size)
    return np.subtract(0.0, g, out=g)


# ---------------------------------------------------------------------- multiclass hinge


def _multiclass_hinge_inputs(y_true, y_pred, margin):
    """Validate multiclass hinge inputs; return (labels (n,) as intp, scores (n, C), margin)."""
    margin = check_scalar(margin, "margin", low=0.0)
    yp = as_array(y_pred, "y_pred")
    check_not_empty(yp, "y_pred")
    check_ndim(yp, "y_pred", 2, "(n, C): one row of class scores per sample")
    check_finite(yp, "y_pred")
    yp = yp.astype(float_dtype(yp), copy=False)
    n, n_classes = yp.shape
    if n_classes < 2:
        raise ValueError(
            f"y_pred has shape {yp.shape}: the multiclass hinge compares the true class's score "
            "with the other classes' scores, so it needs at least 2 columns (classes)."
        )
    yt = as_array(y_true, "y_true")
    check_finite(yt, "y_true")
    # labels are one integer per row of y_pred: a one-hot (n, C) or a column (n, 1) is refused
    if yt.shape != (n,):
        raise ValueError(
            f"y_true has shape {yt.shape} but y_pred has shape {yp.shape}; the multiclass hinge "
            f"needs one integer class label per row of y_pred, shape ({n},)."
        )
    return _class_labels(yt, n_classes), yp, margin


def _true_and_rival(labels, scores):
    """Each row's true-class score s_y and its best other score max_{c≠y} s_c (the rival)."""
    rows = np.arange(scores.shape[0])
    true = scores[rows, labels]
    others = scores.copy()
    others[rows, labels] = -np.inf  # the true class cannot be its own rival
    rival = others.max(axis=1)
    return true, rival, others


def multiclass_hinge(y_true, y_pred, *, margin: float = 1.0, reduction: str = "mean"):
    r"""Multiclass hinge loss of Crammer and Singer: the true class must beat every other by a margin.

    .. math::

        \ell_i = \max\bigl(0,\; m - (s_{i,y_i} - \max_{c \ne y_i} s_{ic})\bigr)

    with :math:`s_i` the row of raw class scores of sample :math:`i` (not probabilities) and
    :math:`y_i` its label. :math:`s_{i,y_i} - \max_{c \ne y_i} s_{ic}` is the sample's
    *multiclass margin*: positive when the true class has the highest score, and the loss is
    exactly zero once it reaches :math:`m`. With two classes it is the binary :func:`hinge` on the
    score difference :math:`f = s_1 - s_0` with labels :math:`\pm 1`.

    Args:
        y_true: integer class labels ``(n,)`` in ``[0, C)`` (whole-valued floats accepted).
        y_pred: ``(n, C)`` raw class scores, ``C`` ≥ 2.
        margin: :math:`m` ≥ 0, 1 in the SVM formulation.
        reduction: ``"mean"`` (over samples), ``"sum"`` or ``"none"`` (shape ``(n,)``).

    Note:
        Two multiclass hinges are in use. This one (Crammer and Singer, 2001; scikit-learn's
        ``hinge_loss`` for more than two classes, ``LinearSVC(multi_class="crammer_singer")``)
        charges only the best-scoring wrong class. Weston and Watkins (1999) charge every wrong
        class that comes within the margin,
        :math:`\sum_{c \ne y_i} \max(0, m - (s_{i,y_i} - s_{ic}))`, which is larger whenever two or
        more wrong classes are within the margin; PyTorch's ``MultiMarginLoss`` is that sum
        divided by :math:`C`. Both are zero for exactly the same samples: those whose margin is
        at least :math:`m`.

    References:
        Crammer, K. and Singer, Y. (2001). On the algorithmic implementation of multiclass
        kernel-based vector machines. *Journal of Machine Learning Research* 2.
        Weston, J. and Watkins, C. (1999). Support vector machines for multi-class pattern
        recognition. *ESANN*.

    Example:
        >>> scores = [[2.0, 1.5, -1.0], [0.0, 3.0, 1.0], [1.0, 0.5, 0.8]]
        >>> multiclass_hinge([0, 1, 0], scores, reduction="none").tolist()  # margins .5, 2, .2
        [0.5, 0.0, 0.8]
    """
    check_reduction(reduction)
    labels, yp, margin = _multiclass_hinge_inputs(y_true, y_pred, margin)
    true, rival, _ = _true_and_rival(labels, yp)
    per = np.subtract(margin, true, dtype=yp.dtype)
    per += rival  # m - (s_y - max_{c≠y} s_c)
    np.maximum(per, 0, out=per)
    return reduce(per, reduction)


def multiclass_hinge_grad(y_true, y_pred, *, margin: float = 1.0, reduction: str = "mean"):
    r"""Subgradient of :func:`multiclass_hinge` with respect to the scores ``y_pred``.

    For a sample inside the margin (:math:`s_{y} - \max_{c \ne y} s_c < m`) it is :math:`-1`
    at the true class and :math:`+1` at the best-scoring wrong class; every other entry, and
    every entry of a sample whose margin is at least :math:`m`, is 0 (the subgradient 0 at the
    kink, where the margin equals :math:`m`). When several wrong classes tie for the highest
    score, the :math:`+1` is shared equally among them (a valid subgradient, and the one central
    finite differences see). Divided by the number of samples for the mean.

    Example:
        >>> multiclass_hinge_grad([0, 1], [[2.0, 1.5, -1.0], [0.0, 3.0, 1.0]],
        ...                       reduction="sum").tolist()
        [[-1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    """
    check_reduction(reduction)
    labels, yp, margin = _multiclass_hinge_inputs(y_true, y_pred, margin)
    true, rival, others = _true_and_rival(labels, yp)
    active = true - rival < margin  # inside the margin: the loss is m - s_y + max_{c≠y} s_c
    # +1 on the rival (shared among ties), -1 on the true class, for the active rows only
    top = (others == rival[:, None]) & active[:, None]
    g = top.astype(yp.dtype)
    g /= np.maximum(top.sum(axis=1, keepdims=True), 1).astype(yp.dtype)
    g[np.arange(yp.shape[0]), labels] = np.where(active, -1.0, 0.0)  # 0.0, not -0.0
    g *= grad_scale(reduction, yp.shape[0])
    return g
