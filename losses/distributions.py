r"""Distribution matching (chapter 4): the Kullback–Leibler divergence.

:math:`D_{KL}(P\,\|\,Q)` measures what is lost, in nats, when :math:`Q` stands in for the true
distribution :math:`P`. It is not symmetric: swapping the arguments changes the value and, when
fitting :math:`Q`, the behaviour (mass-covering vs mode-seeking).
"""

from __future__ import annotations

import numpy as np

from ._numerics import log_softmax, softmax
from ._validation import (
    check_nonnegative,
    check_reduction,
    check_sums_to_one,
    grad_scale,
    prepare_pair,
    quiet_underflow,
    reduce,
)

__all__ = ["kl_divergence", "kl_divergence_grad"]


def _kl_inputs(y_true, y_pred, from_logits):
    """Validate P and Q; return them with the smallest entry of each (of Q: None for logits)."""
    p, q = prepare_pair(y_true, y_pred, "y_true", "y_pred")
    if p.ndim == 0:
        raise ValueError(
            "y_true and y_pred must be distributions along their last axis (at least 1-D), "
            "got single numbers."
        )
    p_min = check_nonnegative(p, "y_true")
    check_sums_to_one(p, "y_true", logits_hint=False)
    q_min = None
    if not from_logits:
        q_min = check_nonnegative(q, "y_pred")
        check_sums_to_one(q, "y_pred")
    return p, q, p_min, q_min


@quiet_underflow
def kl_divergence(y_true, y_pred, *, from_logits: bool = False, reduction: str = "mean"):
    r"""Kullback–Leibler divergence :math:`D_{KL}(P\,\|\,Q)` along the last axis.

    .. math:: D_{KL}(P\,\|\,Q) = \sum_x P(x)\,\log\frac{P(x)}{Q(x)}

    with the conventions :math:`0 \log(0/q) = 0` (outcomes :math:`P` never produces cost
    nothing) and :math:`p \log(p/0) = +\infty` for :math:`p > 0` (a :math:`Q` that rules out
    something that happens is infinitely wrong). Natural log: the result is in nats.

    Args:
        y_true: :math:`P`, the reference ("true", data) distribution: non-negative, summing
            to 1 along the last axis.
        y_pred: :math:`Q`, the approximation, same shape: probabilities (non-negative, summing
            to 1), or logits when ``from_logits=True`` (:math:`Q = \operatorname{softmax}`).
        from_logits: whether ``y_pred`` holds logits.
        reduction: ``"mean"`` over distributions (for 2-D input this is PyTorch's
            ``"batchmean"``), ``"sum"``, or ``"none"`` (shape without the last axis; a 1-D input
            gives shape ``()``).

    Note:
        No clipping: where :math:`Q = 0 < P` the value is ``inf``, on purpose.
        PyTorch's ``kl_div(input, target)`` takes the arguments the other way round, and
        ``input`` as *log*-probabilities of Q: ``kl_div(log(Q), P)`` is this ``kl_divergence(P, Q)``.

    References:
        Kullback, S. and Leibler, R. A. (1951). On information and sufficiency. *Annals of
        Mathematical Statistics* 22(1), 79–86.

    Example:
        >>> P, Q = [0.5, 0.5], [0.9, 0.1]
        >>> round(float(kl_divergence(P, Q)), 4), round(float(kl_divergence(Q, P)), 4)
        (0.5108, 0.3681)
    """
    check_reduction(reduction)
    p, q, p_min, q_min = _kl_inputs(y_true, y_pred, from_logits)
    if from_logits:
        # P·(log P - log softmax(z)), in place; log P is taken of 1 where P = 0, so that those
        # terms are 0·(0 - log Q) = 0
        log_q = log_softmax(q)
        terms = p + (p == 0) if p_min == 0 else p.copy()
        np.log(terms, out=terms)
        terms -= log_q
        terms *= p
    elif q_min > 0:
        # P log(P/Q): the ratio is set to 1 where P = 0, so those terms are 0·log 1 = 0
        terms = np.divide(p, q)
        if p_min == 0:
            terms += p == 0
        np.log(terms, out=terms)
        terms *= p
    else:
        pos = p > 0
        log_q = np.log(q, out=np.full_like(q, -np.inf), where=q > 0)
        log_p = np.log(p, out=np.zeros_like(p), where=pos)
        terms = np.multiply(p, log_p - log_q, out=np.zeros_like(p), where=pos)
    per = terms.sum(axis=-1)
    return reduce(np.asarray(per, dtype=q.dtype), reduction)


@quiet_underflow
def kl_divergence_grad(y_true, y_pred, *, from_logits: bool = False, reduction: str = "mean"):
    r"""Gradient of :func:`kl_divergence` with respect to ``y_pred``.

    With probabilities, :math:`\partial D/\partial Q(x) = -P(x)/Q(x)` (0 where :math:`P = 0`,
    and ``-inf`` where :math:`Q = 0 < P`). With logits,
    :math:`Q = \operatorname{softmax}(z)` and the gradient is :math:`Q - P`. Divided by the
    number of distributions for the mean.

    Example:
        >>> kl_divergence_grad([0.5, 0.5], [0.25, 0.75]).tolist()
        [-2.0, -0.6666666666666666]
    """
    check_reduction(reduction)
    p, q, _, q_min = _kl_inputs(y_true, y_pred, from_logits)
    scale = grad_scale(reduction, int(np.prod(p.shape[:-1])))  # per distribution (1 if 1-D)
    if from_logits:
        g = softmax(q)  # softmax(z)·ΣP - P, in place
        g *= p.sum(axis=-1, keepdims=True)
        g -= p
    elif q_min > 0:
        g = np.divide(p, q)
        g *= scale
        return np.subtract(0.0, g, out=g)  # -P/Q; as 0 - (...) so that P = 0 gives 0.0, not -0.0
    else:
        g = np.zeros_like(q)
        np.divide(-p, q, out=g, where=(p > 0) & (q > 0))
        g[(p > 0) & (q == 0)] = -np.inf
    g *= scale
    return g
