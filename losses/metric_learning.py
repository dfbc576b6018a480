r"""Metric-learning losses (chapter 5): contrastive loss on pairs, triplet loss on triplets, and
InfoNCE on a batch of pairs with in-batch negatives.

Both score *embeddings* by their Euclidean distances: contrastive loss asks similar pairs to be
close and dissimilar pairs to be at least a margin apart (absolute targets); triplet loss only
asks an anchor to be closer to its positive than to its negative by a margin (a relative
target).

Distances have a kink at zero (:math:`\|x\|` is not differentiable at :math:`x = 0`); the
gradients use the subgradient 0 for the distance term there, so they are always finite.
"""

from __future__ import annotations

import numpy as np

from ._numerics import logsumexp, softmax
from ._validation import (
    as_array,
    check_finite,
    check_labels,
    check_ndim,
    check_not_empty,
    check_reduction,
    check_same_shape,
    check_scalar,
    float_dtype,
    grad_scale,
    reduce,
)

__all__ = [
    "contrastive",
    "contrastive_grad",
    "triplet",
    "triplet_grad",
    "info_nce",
    "info_nce_grad",
]


def _embeddings(names_values):
    """Validate same-shaped (n, d) embeddings; return them in the first one's float dtype."""
    arrays = []
    for name, value in names_values:
        a = as_array(value, name)
        check_ndim(a, name, 2, "embeddings (n, d): one row per sample")
        check_not_empty(a, name)
        check_finite(a, name)
        arrays.append(a)
    first_name, first = names_values[0][0], arrays[0]
    for (name, _), a in zip(names_values[1:], arrays[1:], strict=True):
        check_same_shape(first, a, first_name, name)
    dtype = float_dtype(first)
    return [a.astype(dtype, copy=False) for a in arrays]


def _distance(diff: np.ndarray, squared: bool = False) -> np.ndarray:
    d2 = np.einsum("ij,ij->i", diff, diff)  # row-wise ‖diff‖² without a (n, d) temporary
    return d2 if squared else np.sqrt(d2)


# --------------------------------------------------------------------------- contrastive


def _contrastive_inputs(y_true, x1, x2, margin):
    margin = check_scalar(margin, "margin", low=0.0)
    x1, x2 = _embeddings([("x1", x1), ("x2", x2)])
    y = as_array(y_true, "y_true")
    if y.shape != (x1.shape[0],):
        raise ValueError(
            f"y_true has shape {y.shape} but x1 has shape {x1.shape}; y_true needs one 0/1 "
            f"label per pair, shape ({x1.shape[0]},)."
        )
    check_finite(y, "y_true")
    check_labels(y, "y_true", (0.0, 1.0), " (1 = similar pair, 0 = dissimilar pair)")
    return y.astype(x1.dtype, copy=False), x1, x2, margin


def contrastive(y_true, x1, x2, *, margin: float = 1.0, reduction: str = "mean"):
    r"""Contrastive loss on pairs of embeddings (Hadsell, Chopra and LeCun, 2006).

    .. math::

        \ell_i = y_i\,D_i^2 + (1 - y_i)\,\max(0,\; m - D_i)^2,\qquad D_i = \|x_{1,i} - x_{2,i}\|_2

    Similar pairs are pulled together (loss :math:`D^2`); dissimilar pairs are pushed apart until
    they are at least :math:`m` apart, and then left alone.

    Args:
        y_true: ``(n,)`` labels with **1 = similar pair**, 0 = dissimilar pair.
        x1, x2: ``(n, d)`` embeddings of the two members of each pair.
        margin: :math:`m` ≥ 0.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (shape ``(n,)``).

    Note:
        Hadsell et al. write the label the other way round (:math:`Y = 0` for similar pairs) and
        put a factor ½ in front of both terms; this package uses the now common 1 = similar and
        no ½ (so the gradients are twice theirs).

    References:
        Hadsell, R., Chopra, S. and LeCun, Y. (2006). Dimensionality reduction by learning an
        invariant mapping. *CVPR*.

    Example:
        >>> x1 = [[0.0, 0.0], [0.0, 0.0]]
        >>> x2 = [[3.0, 4.0], [0.3, 0.4]]            # distances 5 and 0.5
        >>> contrastive([1, 0], x1, x2, margin=1.0, reduction="none").tolist()   # 5², (1-.5)²
        [25.0, 0.25]
    """
    check_reduction(reduction)
    y, x1, x2, margin = _contrastive_inputs(y_true, x1, x2, margin)
    diff = x1 - x2
    d2 = _distance(diff, squared=True)
    hinge = np.maximum(margin - np.sqrt(d2), 0.0)
    per = y * d2 + (1 - y) * hinge * hinge
    return reduce(per.astype(x1.dtype, copy=False), reduction)


def contrastive_grad(y_true, x1, x2, *, margin: float = 1.0, reduction: str = "mean"):
    r"""Gradients of :func:`contrastive` with respect to ``x1`` and ``x2``.

    With :math:`\delta = x_1 - x_2` and :math:`D = \|\delta\|`:

    .. math::

        \frac{\partial \ell}{\partial x_1} = 2y\,\delta \;-\; 2(1-y)\max(0, m - D)\,\frac{\delta}{D},
        \qquad \frac{\partial \ell}{\partial x_2} = -\frac{\partial \ell}{\partial x_1}.

    At :math:`D = 0` the direction :math:`\delta/D` is undefined: a dissimilar pair that sits on
    top of itself gets the subgradient 0 (nothing says which way to push it apart; in practice
    any tiny difference breaks the tie). The similar-pair term :math:`2y\delta` is 0 there anyway.

    Returns:
        ``(d_x1, d_x2)``, each shaped like ``x1``.

    Example:
        >>> g1, g2 = contrastive_grad([0], [[0.0, 0.0]], [[0.3, 0.4]], reduction="sum")
        >>> g1.round(6).tolist(), g2.round(6).tolist()   # pushes the pair apart
        ([[0.6, 0.8]], [[-0.6, -0.8]])
    """
    check_reduction(reduction)
    y, x1, x2, margin = _contrastive_inputs(y_true, x1, x2, margin)
    diff = x1 - x2
    dist = _distance(diff)
    hinge = np.maximum(margin - dist, 0.0)
    coef = 2 * y
    # 2y·δ - 2(1-y)(m-D)₊·δ/D  ==  δ·[2y - 2(1-y)(m-D)₊/D], with 0 in place of 1/D at D = 0
    inv = np.divide(1.0, dist, out=np.zeros_like(dist), where=dist > 0)
    coef = (coef - 2 * (1 - y) * hinge * inv) * grad_scale(reduction, y.size)
    diff *= coef.astype(x1.dtype, copy=False)[:, None]  # diff is our own temporary: reuse it
    return diff, np.negative(diff)


# ------------------------------------------------------------------------------- triplet


def _triplet_inputs(anchor, positive, negative, margin):
    margin = check_scalar(margin, "margin", low=0.0)
    a, p, n = _embeddings([("anchor", anchor), ("positive", positive), ("negative", negative)])
    return a, p, n, margin


def triplet(
    anchor,
    positive,
    negative,
    *,
    margin: float = 1.0,
    squared: bool = False,
    reduction: str = "mean",
):
    r"""Triplet loss (Schroff, Kalenichenko and Philbin, 2015).

    .. math:: \ell_i = \max\big(0,\; D(a_i, p_i) - D(a_i, n_i) + m\big)

    The anchor should be closer to its positive (same identity) than to its negative (another
    identity) by at least the margin :math:`m`. Only the *difference* of distances matters,
    so the embedding is free to place each identity wherever it likes.

    Args:
        anchor, positive, negative: ``(n, d)`` embeddings.
        margin: :math:`m` ≥ 0.
        squared: use squared Euclidean distances :math:`\|a - p\|^2` (as FaceNet does) instead
            of Euclidean ones. The same margin means different things in the two variants: a
            margin tuned for one does not carry over to the other.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (shape ``(n,)``).

    A triplet is *easy* when :math:`D(a,n) > D(a,p) + m` (loss 0), *semi-hard* when
    :math:`D(a,p) < D(a,n) \le D(a,p) + m`, *hard* when :math:`D(a,n) \le D(a,p)`.

    References:
        Schroff, F., Kalenichenko, D. and Philbin, J. (2015). FaceNet: a unified embedding for
        face recognition and clustering. *CVPR*.

    Example:
        >>> a, p, n = [[0.0, 0.0]], [[3.0, 4.0]], [[0.0, 5.5]]   # D(a,p) = 5, D(a,n) = 5.5
        >>> triplet(a, p, n, margin=1.0)                         # 5 - 5.5 + 1
        0.5
    """
    check_reduction(reduction)
    a, p, n, margin = _triplet_inputs(anchor, positive, negative, margin)
    per = _distance(a - p, squared) - _distance(a - n, squared) + margin
    np.maximum(per, 0.0, out=per)
    return reduce(per.astype(a.dtype, copy=False), reduction)


def triplet_grad(
    anchor,
    positive,
    negative,
    *,
    margin: float = 1.0,
    squared: bool = False,
    reduction: str = "mean",
):
    r"""Gradients of :func:`triplet` with respect to the anchor, the positive and the negative.

    Where the loss is active (:math:`D(a,p) - D(a,n) + m > 0`), with unit vectors
    :math:`u_p = (a-p)/\|a-p\|` and :math:`u_n = (a-n)/\|a-n\|`:

    .. math::

        \frac{\partial\ell}{\partial a} = u_p - u_n,\quad
        \frac{\partial\ell}{\partial p} = -u_p,\quad
        \frac{\partial\ell}{\partial n} = u_n

    and with ``squared=True``: :math:`2(n - p)`, :math:`-2(a-p)`, :math:`2(a-n)`. Elsewhere 0,
    including exactly at the margin (the kink) and, for the distance term, at zero distance.

    Returns:
        ``(d_anchor, d_positive, d_negative)``, each shaped like ``anchor``.

    Example:
        >>> ga, gp, gn = triplet_grad([[0.0, 0.0]], [[3.0, 4.0]], [[0.0, 5.5]])
        >>> gp.round(6).tolist(), gn.round(6).tolist()   # positive pulled in, negative pushed out
        ([[0.6, 0.8]], [[0.0, -1.0]])
    """
    check_reduction(reduction)
    a, p, n, margin = _triplet_inputs(anchor, positive, negative, margin)
    dap, dan = a - p, a - n
    scale = grad_scale(reduction, a.shape[0])
    if squared:
        active = _distance(dap, True) - _distance(dan, True) + margin > 0
        cp = cn = 2.0 * scale * active
    else:
        dp, dn = _distance(dap), _distance(dan)
        active = dp - dn + margin > 0
        # u_p = (a-p)/D(a,p), with 0 in place of 1/D at D = 0 (the subgradient at the kink)
        cp = np.divide(scale * active, dp, out=np.zeros_like(dp), where=dp > 0)
        cn = np.divide(scale * active, dn, out=np.zeros_like(dn), where=dn > 0)
    # the differences are our own temporaries: scale them in place into the gradients
    dap *= -np.asarray(cp, dtype=a.dtype)[:, None]  # d/dp = -c_p (a - p)
    dan *= np.asarray(cn, dtype=a.dtype)[:, None]  # d/dn = c_n (a - n)
    d_anchor = dap + dan
    np.negative(d_anchor, out=d_anchor)  # d/da = c_p (a - p) - c_n (a - n)
    return d_anchor, dap, dan


# ------------------------------------------------------------------------------ info_nce


def _info_nce_inputs(anchor, positive, temperature, symmetric):
    temperature = check_scalar(temperature, "temperature", low=0.0, low_inclusive=False)
    if not isinstance(symmetric, bool | np.bool_):
        raise ValueError(f"symmetric must be True or False, got {symmetric!r}.")
    a, p = _embeddings([("anchor", anchor), ("positive", positive)])
    if a.shape[0] < 2:
        raise ValueError(
            f"anchor has {a.shape[0]} row; InfoNCE needs n ≥ 2 pairs, since the other rows of a "
            "batch are each anchor's negatives."
        )
    norms = []
    for name, x in (("anchor", a), ("positive", p)):
        norm = _row_norms(x)
        zero = np.flatnonzero(norm == 0)
        if zero.size:
            raise ValueError(
                f"{name} row {zero[0]} is all zeros: it has no direction to normalise "
                "(InfoNCE compares unit vectors)."
            )
        norms.append(norm)
    return a, p, norms[0], norms[1], temperature, bool(symmetric)


def _row_norms(x):
    """‖x_i‖ of each row in float64, scaled first so that tiny or huge rows do not under/overflow."""
    x = x.astype(np.float64, copy=False)
    scale = np.max(np.abs(x), axis=1)
    safe = np.where(scale > 0, scale, 1.0)
    unit = x / safe[:, None]
    return np.sqrt(np.einsum("ij,ij->i", unit, unit)) * scale


def _info_nce_logits(a, p, norm_a, norm_p, temperature):
    """Unit rows â, p̂ (float64) and the similarity logits S = â·p̂ᵀ/τ."""
    a_hat = a / norm_a[:, None]
    p_hat = p / norm_p[:, None]
    s = a_hat @ p_hat.T
    s /= temperature  # in place: S is the one (n, n) array
    return a_hat, p_hat, s


def _exp_rows_inplace(s):
    """Overwrite S (the caller's own array) with :math:`e^{S_{ij} - m_i}`, :math:`m_i = \\max_j S_{ij}`.

    Returns :math:`m` and :math:`\\sum_j e^{S_{ij} - m_i}`, each ``(n, 1)``: the log-sum-exp of
    row i is their :math:`m_i + \\log\\sum`, and the row's softmax is S divided by the sum. The
    same steps as :func:`~losses.logsumexp` and :func:`~losses.softmax`, without a second (n, n)
    array.
    """
    m = np.max(s, axis=1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    s -= m
    np.exp(s, out=s)
    return m, np.sum(s, axis=1, keepdims=True)


def info_nce(
    anchor,
    positive,
    *,
    temperature: float = 0.1,
    symmetric: bool = False,
    reduction: str = "mean",
):
    r"""InfoNCE (CPC; one direction of CLIP's loss), with in-batch negatives.

    Row :math:`i` of ``positive`` is the positive of row :math:`i` of ``anchor``; every other row
    of ``positive`` is one of its negatives. The rows are L2-normalised, and

    .. math::

        S_{ij} = \frac{\hat a_i \cdot \hat p_j}{\tau},\qquad
        \ell_i = -S_{ii} + \log\sum_{j} e^{S_{ij}}
               = -\log\frac{e^{S_{ii}}}{\sum_j e^{S_{ij}}}

    is the cross-entropy of row :math:`i` of :math:`S` with the label :math:`i`: a softmax
    classifier that must pick the true partner among the :math:`n` candidates of the batch.
    The temperature :math:`\tau` sharpens that softmax: the smaller it is, the more the
    gradient concentrates on the hardest negatives (those most similar to the anchor).

    Args:
        anchor, positive: ``(n, d)`` embeddings, :math:`n \ge 2`; no row may be all zeros.
        temperature: :math:`\tau` > 0 (stable down to 1e-3).
        symmetric: also score each column (each positive must pick its anchor among the
            anchors) and average the two directions, as CLIP does:
            :math:`\tfrac12\big(\ell_i + (-S_{ii} + \log\sum_j e^{S_{ji}})\big)`.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (shape ``(n,)``).

    Note:
        This is the NT-Xent loss of SimCLR restricted to anchor→positive pairs; SimCLR also
        treats the other augmented views in the same half of the batch as negatives. With
        :math:`n` pairs the loss of a random embedding is about :math:`\log n`, and
        :math:`\log n - \mathcal L` bounds the mutual information the embedding captures
        (van den Oord et al., 2018).

    References:
        van den Oord, A., Li, Y. and Vinyals, O. (2018). Representation learning with
        contrastive predictive coding. *arXiv:1807.03748*.
        Chen, T., Kornblith, S., Norouzi, M. and Hinton, G. (2020). A simple framework for
        contrastive learning of visual representations (SimCLR). *ICML*.
        Radford, A. et al. (2021). Learning transferable visual models from natural language
        supervision (CLIP). *ICML*.

    Example:
        >>> a = [[1.0, 0.0], [0.0, 1.0]]
        >>> p = [[2.0, 0.0], [0.0, 3.0]]          # each anchor's positive points its way
        >>> round(info_nce(a, p, temperature=1.0), 6)   # -1 + log(e + 1)
        0.313262
    """
    check_reduction(reduction)
    a, p, norm_a, norm_p, tau, symmetric = _info_nce_inputs(
        anchor, positive, temperature, symmetric
    )
    _, _, s = _info_nce_logits(a, p, norm_a, norm_p, tau)
    diag = np.diagonal(s).copy()
    lse_cols = logsumexp(s, axis=0) if symmetric else None
    m, total = _exp_rows_inplace(s)  # S is not needed afterwards
    per = (np.log(total) + m)[:, 0] - diag  # log Σ_j e^{S_ij} - S_ii
    if symmetric:
        per = 0.5 * (per + lse_cols - diag)
    return reduce(per.astype(a.dtype, copy=False), reduction)


def info_nce_grad(
    anchor,
    positive,
    *,
    temperature: float = 0.1,
    symmetric: bool = False,
    reduction: str = "mean",
):
    r"""Gradients of :func:`info_nce` with respect to ``anchor`` and ``positive``.

    With :math:`P = \operatorname{softmax}(S)` row by row, the summed loss has
    :math:`G = \partial\mathcal L/\partial S = P - I` (with ``symmetric``, the average of that
    and the column-wise softmax minus :math:`I`). Then, through :math:`S = \hat A\hat P^\top/\tau`,

    .. math::

        \frac{\partial\mathcal L}{\partial \hat A} = \frac{G\hat P}{\tau},\qquad
        \frac{\partial\mathcal L}{\partial \hat P} = \frac{G^\top\hat A}{\tau},

    and through the normalisation :math:`\hat x = x/\|x\|` of each row,
    :math:`\partial\mathcal L/\partial x = (g - \hat x\,(\hat x\cdot g))/\|x\|`: only the part of
    the gradient that turns the vector counts, since its length does not change the loss.

    Each anchor is pulled towards its positive with weight :math:`1 - P_{ii}` and pushed away
    from every negative :math:`j` with weight :math:`P_{ij}`: the negatives the softmax finds
    most similar push hardest, the more so the smaller :math:`\tau`.

    Returns:
        ``(d_anchor, d_positive)``, each shaped like ``anchor``.

    Example:
        >>> ga, gp = info_nce_grad([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]],
        ...                        temperature=1.0, reduction="sum")
        >>> ga.round(6).tolist()   # descent (-gradient) turns each anchor from the other positive
        [[0.0, 0.268941], [0.268941, 0.0]]
    """
    check_reduction(reduction)
    a, p, norm_a, norm_p, tau, symmetric = _info_nce_inputs(
        anchor, positive, temperature, symmetric
    )
    a_hat, p_hat, s = _info_nce_logits(a, p, norm_a, norm_p, tau)
    cols = softmax(s, axis=0) if symmetric else None
    g = s  # softmax(S) row by row, in place: S is not needed afterwards
    g /= _exp_rows_inplace(g)[1]
    if symmetric:
        g += cols
        g *= 0.5
    g[np.diag_indices_from(g)] -= 1.0
    g *= grad_scale(reduction, a.shape[0]) / tau
    d_a_hat = g @ p_hat
    d_p_hat = g.T @ a_hat
    out = []
    for grad, unit, norm in ((d_a_hat, a_hat, norm_a), (d_p_hat, p_hat, norm_p)):
        grad -= unit * np.einsum("ij,ij->i", unit, grad)[:, None]  # keep the turning part
        grad /= norm[:, None]
        out.append(grad.astype(a.dtype, copy=False))
    return out[0], out[1]
