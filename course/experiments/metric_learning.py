r"""Chapter 5's experiments: learning a 2-D embedding with contrastive, triplet and InfoNCE loss.

Two kinds of code, all built on :func:`losses.contrastive`, :func:`losses.triplet` and
:func:`losses.info_nce` and their gradients:

* **Geometry, for the figures.** :func:`contrastive_profile` (loss and its slope against the
  distance, for similar and dissimilar pairs), :func:`triplet_profile` (loss against
  :math:`d(a,p) - d(a,n)`, with the easy / semi-hard / hard regions), :func:`classify_triplets`,
  the forces (negative gradients) on points of a 2-D configuration, :func:`triplet_forces`
  and :func:`contrastive_forces`, and the softmax weights with which InfoNCE pulls an anchor
  to its positive and pushes it from each negative, :func:`info_nce_weights`. Two checks on the
  chapter's InfoNCE: its gradient by the three steps of the derivation,
  :func:`info_nce_grad_steps`, and SimCLR's variant with negatives from both views,
  :func:`nt_xent`.
* **An experiment.** :func:`make_identities` makes clustered data in 20 dimensions where only a
  3-dimensional subspace tells the identities apart; :func:`train_embedding` learns a linear map
  :math:`W` (20 → 2) by mini-batch gradient descent with contrastive loss, triplet loss
  (random or semi-hard negatives) or InfoNCE (in-batch negatives), recording the loss and the
  held-out recall@1 against the number of steps and of samples seen; :func:`baselines` gives
  recall@1 in the raw 20-D space and after the random projection every run starts from;
  :func:`speed_comparison` repeats the training over seeds to test the claim that triplet loss
  trains faster (and to set InfoNCE beside the two); :func:`tune_info_nce` is the grid search
  that chose InfoNCE's temperature and step sizes, and :func:`temperature_sweep` retrains
  InfoNCE over temperatures, step sizes and seeds.

Embeddings are **not normalised** for contrastive and triplet loss (no projection onto the unit
circle): in 2-D the circle is too cramped for 8 identities, and recall@1 does not depend on the
scale. Distances are Euclidean (not squared) throughout, and the margin is 1 for both losses.
InfoNCE normalises inside the loss (it only sees directions), so its natural retrieval is by
cosine similarity, :func:`cosine_recall_at_1`.

Example:
    >>> data = make_identities(seed=0)
    >>> run = train_embedding(data, "triplet", mining="semi-hard", seed=0)
    >>> bool(run.recall_test[-1] > baselines(data, seed=0).random_test + 0.3)
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from losses import (
    contrastive,
    contrastive_grad,
    info_nce,
    info_nce_grad,
    softmax,
    triplet,
    triplet_grad,
)

__all__ = [
    "INFO_NCE_LR",
    "INFO_NCE_TEMPERATURE",
    "METHODS",
    "Baselines",
    "ContrastiveProfile",
    "Identities",
    "InfoNCETuning",
    "InfoNCEWeights",
    "SpeedComparison",
    "TemperatureSweep",
    "TrainingRun",
    "TripletProfile",
    "baselines",
    "batch_gradient",
    "classify_triplets",
    "contrastive_forces",
    "contrastive_profile",
    "cosine_recall_at_1",
    "info_nce_grad_steps",
    "info_nce_weights",
    "init_projection",
    "make_identities",
    "mine_negatives",
    "nt_xent",
    "recall_at_1",
    "sample_batch",
    "speed_comparison",
    "temperature_sweep",
    "train_embedding",
    "triplet_forces",
    "triplet_profile",
    "tune_info_nce",
]

#: The three training set-ups compared in the chapter: (loss, mining).
METHODS = (("contrastive", None), ("triplet", "random"), ("triplet", "semi-hard"))


# ------------------------------------------------------------------------ geometry helpers


@dataclass(frozen=True)
class ContrastiveProfile:
    """Contrastive loss and its slope :math:`\\partial\\ell/\\partial D` against the distance D."""

    distance: np.ndarray
    loss_similar: np.ndarray
    loss_dissimilar: np.ndarray
    slope_similar: np.ndarray
    slope_dissimilar: np.ndarray
    margin: float


def contrastive_profile(distance, *, margin: float = 1.0) -> ContrastiveProfile:
    r"""Contrastive loss of a similar and of a dissimilar pair as a function of their distance.

    The pair is placed on a line, :math:`x_1 = 0` and :math:`x_2 = D`, and scored with
    :func:`losses.contrastive`; the slope :math:`\partial\ell/\partial D` is the gradient
    with respect to :math:`x_2` from :func:`losses.contrastive_grad` (for :math:`D > 0`,
    moving :math:`x_2` right increases :math:`D` one for one). Similar pairs: :math:`D^2`,
    slope :math:`2D`. Dissimilar pairs: :math:`\max(0, m - D)^2`, slope
    :math:`-2\max(0, m - D)`: zero beyond the margin.

    Example:
        >>> prof = contrastive_profile([0.5, 2.0], margin=1.0)
        >>> prof.loss_similar.tolist(), prof.loss_dissimilar.tolist()
        ([0.25, 4.0], [0.25, 0.0])
        >>> prof.slope_similar.tolist(), prof.slope_dissimilar.tolist()
        ([1.0, 4.0], [-1.0, 0.0])
    """
    d = np.asarray(distance, dtype=np.float64).reshape(-1)
    x1 = np.zeros((d.size, 1))
    x2 = d[:, None]
    out = {}
    for name, y in (("similar", np.ones(d.size)), ("dissimilar", np.zeros(d.size))):
        out["loss_" + name] = contrastive(y, x1, x2, margin=margin, reduction="none")
        out["slope_" + name] = contrastive_grad(y, x1, x2, margin=margin, reduction="none")[1][:, 0]
    return ContrastiveProfile(distance=d, margin=float(margin), **out)


@dataclass(frozen=True)
class TripletProfile:
    """Triplet loss against :math:`\\delta = d(a,p) - d(a,n)`, with each δ's category.

    ``regions`` maps each category to its interval of δ: easy :math:`\\delta < -m`, semi-hard
    :math:`-m \\le \\delta < 0`, hard :math:`\\delta \\ge 0`.
    """

    delta: np.ndarray
    loss: np.ndarray
    category: np.ndarray
    regions: dict
    margin: float


def triplet_profile(delta, *, margin: float = 1.0) -> TripletProfile:
    r"""Triplet loss :math:`\max(0, \delta + m)` against :math:`\delta = d(a,p) - d(a,n)`.

    Each δ is realised by a triplet on a line (:func:`losses.triplet` scores it):
    :math:`a = 0`, the negative at distance :math:`c` to the left and the positive at distance
    :math:`c + \delta` to the right, with :math:`c` large enough that this is non-negative.

    Example:
        >>> prof = triplet_profile([-2.0, -0.5, 0.5], margin=1.0)
        >>> prof.loss.tolist(), prof.category.tolist()
        ([0.0, 0.5, 1.5], ['easy', 'semi-hard', 'hard'])
    """
    delta = np.asarray(delta, dtype=np.float64).reshape(-1)
    c = float(np.max(np.abs(delta), initial=0.0)) + 1.0
    a = np.zeros((delta.size, 1))
    p = (c + delta)[:, None]
    n = np.full((delta.size, 1), -c)
    loss = triplet(a, p, n, margin=margin, reduction="none")
    regions = {
        "easy": (-np.inf, -float(margin)),
        "semi-hard": (-float(margin), 0.0),
        "hard": (0.0, np.inf),
    }
    return TripletProfile(delta, loss, classify_triplets(a, p, n, margin=margin), regions, margin)


def classify_triplets(anchor, positive, negative, *, margin: float = 1.0) -> np.ndarray:
    r"""Label each triplet ``"easy"``, ``"semi-hard"`` or ``"hard"`` (FaceNet's terms).

    With :math:`D_p = d(a, p)` and :math:`D_n = d(a, n)` (Euclidean):

    * easy: :math:`D_n > D_p + m` (loss 0, no gradient);
    * semi-hard: :math:`D_p < D_n \le D_p + m` (the negative is farther than the positive,
      but inside the margin: a positive loss below :math:`m`);
    * hard: :math:`D_n \le D_p` (the negative is at least as close as the positive).

    Example:
        >>> a, p = [[0.0, 0.0]], [[3.0, 0.0]]                  # D_p = 3
        >>> classify_triplets(a, p, [[3.0, 4.0]], margin=1.0).tolist()   # D_n = 5 > 3 + 1
        ['easy']
        >>> classify_triplets(a, p, [[0.0, 3.5]], margin=1.0).tolist()   # 3 < 3.5 <= 4
        ['semi-hard']
    """
    a, p, n = (np.asarray(v, dtype=np.float64) for v in (anchor, positive, negative))
    if not a.shape == p.shape == n.shape or a.ndim != 2:
        # explicit: a broadcast (d,) negative against (n, d) anchors would silently mean
        # "the same negative for every anchor"
        raise ValueError(
            f"anchor, positive and negative must all be (n, d), got {a.shape}, {p.shape}, {n.shape}."
        )
    dp = np.linalg.norm(a - p, axis=1)
    dn = np.linalg.norm(a - n, axis=1)
    return np.where(dn > dp + margin, "easy", np.where(dn > dp, "semi-hard", "hard"))


def triplet_forces(anchor, positive, negative, *, margin: float = 1.0, squared: bool = False):
    r"""The forces on each point of each triplet: minus its gradient, :math:`-\partial\ell/\partial x`.

    A gradient-descent step moves every point along its force. From :func:`losses.triplet_grad`
    (per triplet, not averaged): the positive is pulled towards the anchor, the negative pushed
    away from it, and the anchor feels both (:math:`u_n - u_p` with unit vectors pointing from
    the positive and the negative to the anchor). All three are 0 for an easy triplet.

    Returns:
        ``(f_anchor, f_positive, f_negative)``, each ``(n, d)``.

    Example:
        >>> fa, fp, fn = triplet_forces([[0.0, 0.0]], [[3.0, 0.0]], [[0.0, 3.5]])
        >>> fp.tolist(), fn.tolist()         # positive pulled left, negative pushed up
        ([[-1.0, 0.0]], [[0.0, 1.0]])
    """
    g = triplet_grad(anchor, positive, negative, margin=margin, squared=squared, reduction="sum")
    return tuple(0.0 - gi for gi in g)  # 0 - g, not -g: no -0.0 in the printed forces


def contrastive_forces(y, x1, x2, *, margin: float = 1.0):
    r"""The forces :math:`-\partial\ell/\partial x` on both members of each pair (from
    :func:`losses.contrastive_grad`, per pair): similar pairs attract with a force growing like
    :math:`2D`; dissimilar pairs repel with :math:`2\max(0, m - D)`, nothing beyond the margin.

    Example:
        >>> f1, f2 = contrastive_forces([1, 0], [[0.0, 0.0], [0.0, 0.0]], [[2.0, 0.0], [0.5, 0.0]])
        >>> f1.tolist(), f2.tolist()
        ([[4.0, 0.0], [-1.0, 0.0]], [[-4.0, 0.0], [1.0, 0.0]])
    """
    g1, g2 = contrastive_grad(y, x1, x2, margin=margin, reduction="sum")
    return 0.0 - g1, 0.0 - g2


@dataclass(frozen=True)
class InfoNCEWeights:
    r"""How InfoNCE spreads one anchor's gradient over its candidates (see :func:`info_nce_weights`).

    ``p_positive`` is :math:`P_{ii}`, ``p_negatives[j]`` is :math:`P_{ij}` for each negative
    (softmax over all candidates, so they sum to 1 with ``p_positive``), ``loss`` is
    :math:`\ell_i = -\log P_{ii}`.
    """

    temperature: float
    cos_positive: float
    cos_negatives: np.ndarray
    p_positive: float
    p_negatives: np.ndarray
    loss: float

    @property
    def pull(self) -> float:
        r"""The weight :math:`1 - P_{ii}` of the pull towards the positive."""
        return 1.0 - self.p_positive

    @property
    def push_shares(self) -> np.ndarray:
        r"""Each negative's share of the total push, :math:`P_{ij} / \sum_k P_{ik}`."""
        return self.p_negatives / self.p_negatives.sum()

    @property
    def hardest_share(self) -> float:
        """The share of the push that goes to the negative most similar to the anchor."""
        return float(self.push_shares[np.argmax(self.cos_negatives)])

    @property
    def effective_negatives(self) -> float:
        r"""How many negatives effectively push: :math:`\exp` of the entropy of the push shares.

        Equal to the number of negatives when they all push alike (large :math:`\tau`), and
        close to 1 when one negative takes the whole push (small :math:`\tau`).
        """
        q = self.push_shares[self.push_shares > 0]
        return float(np.exp(-np.sum(q * np.log(q))))


def info_nce_weights(cos_positive: float, cos_negatives, temperature: float) -> InfoNCEWeights:
    r"""The softmax weights of one InfoNCE row: one anchor, its positive and its negatives.

    With unit vectors, the row's logits are the cosine similarities divided by :math:`\tau`,
    :math:`S_{ij} = \cos(a_i, p_j)/\tau`, and :math:`P_{ij} = \operatorname{softmax}_j S_{ij}`.
    The anchor's gradient (before its normalisation) is
    :math:`\frac1\tau\big(\sum_{j\ne i} P_{ij}\,\hat p_j - (1 - P_{ii})\,\hat p_i\big)`: it is
    pulled towards its positive with weight :math:`1 - P_{ii}` and pushed from negative
    :math:`j` with weight :math:`P_{ij}`. A small :math:`\tau` sharpens the softmax, so the
    push concentrates on the negatives most similar to the anchor (the hard ones).

    Example:
        >>> w = info_nce_weights(0.5, [0.9, 0.0, -0.5], temperature=0.1)
        >>> round(w.pull, 3), w.p_negatives.round(3).tolist()   # the 0.9 negative takes it all
        (0.982, [0.982, 0.0, 0.0])
        >>> round(info_nce_weights(0.5, [0.9, 0.0, -0.5], temperature=10.0).hardest_share, 2)
        0.36
    """
    cos_negatives = np.asarray(cos_negatives, dtype=np.float64).reshape(-1)
    logits = np.concatenate([[float(cos_positive)], cos_negatives]) / float(temperature)
    p = softmax(logits)
    return InfoNCEWeights(
        temperature=float(temperature),
        cos_positive=float(cos_positive),
        cos_negatives=cos_negatives,
        p_positive=float(p[0]),
        p_negatives=p[1:],
        loss=float(-np.log(p[0])),
    )


def info_nce_grad_steps(anchor, positive, temperature: float, *, reduction: str = "mean"):
    r"""InfoNCE's gradient by the chapter's three steps, written out (a check on the derivation).

    1. softmax: :math:`G = \partial(\sum_i \ell_i)/\partial S = P - I`, with :math:`P` the row
       softmax of :math:`S = \hat A\hat P^\top/\tau`;
    2. similarities: :math:`\partial L/\partial\hat A = c\,G\hat P/\tau` and
       :math:`\partial L/\partial\hat P = c\,G^\top\hat A/\tau`, where :math:`c = 1/n` for the
       mean :math:`\mathcal L = \frac1n\sum_i\ell_i` (``reduction="mean"``) and :math:`c = 1`
       for the sum (``"sum"``);
    3. normalisation: :math:`\partial L/\partial x = (g - (\hat x\cdot g)\,\hat x)/\lVert x\rVert`
       for each row.

    It does not call :func:`losses.info_nce_grad`, so the two can be compared.

    Returns:
        ``(d_anchor, d_positive)``, each of shape ``(n, d)``.

    Example:
        >>> a = np.array([[1.0, 0.0], [0.0, 2.0]]); p = np.array([[1.0, 1.0], [-1.0, 1.0]])
        >>> ga, gp = info_nce_grad_steps(a, p, 0.5)
        >>> bool(np.allclose(ga, info_nce_grad(a, p, temperature=0.5)[0]))
        True
    """
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}.")
    a = np.asarray(anchor, dtype=np.float64)
    p = np.asarray(positive, dtype=np.float64)
    norm_a = np.linalg.norm(a, axis=1, keepdims=True)
    norm_p = np.linalg.norm(p, axis=1, keepdims=True)
    a_hat, p_hat = a / norm_a, p / norm_p
    n = a.shape[0]
    G = softmax(a_hat @ p_hat.T / temperature, axis=1) - np.eye(n)  # step 1
    c = 1.0 / n if reduction == "mean" else 1.0
    g_a, g_p = c * G @ p_hat / temperature, c * G.T @ a_hat / temperature  # step 2

    def through_norm(g, x_hat, norm):  # step 3
        return (g - np.sum(x_hat * g, axis=1, keepdims=True) * x_hat) / norm

    return through_norm(g_a, a_hat, norm_a), through_norm(g_p, p_hat, norm_p)


def nt_xent(anchor, positive, temperature: float, *, same_view_negatives: bool = True) -> float:
    r"""SimCLR's NT-Xent loss of :math:`n` pairs (two views of :math:`n` images), for comparison.

    The :math:`2n` views :math:`z_1, \dots, z_{2n}` (the anchors, then the positives) are scaled
    to unit length; every view is an anchor, its partner view is its positive, and the
    candidates are **all other** :math:`2n - 1` views, so each anchor has :math:`2n - 2`
    negatives, from both views (Chen et al., 2020):

    .. math:: \ell_k = -\log\frac{e^{\hat z_k\cdot\hat z_{k'}/\tau}}
              {\sum_{m \ne k} e^{\hat z_k\cdot\hat z_m/\tau}},\qquad
              L = \frac{1}{2n}\sum_{k=1}^{2n}\ell_k .

    :func:`losses.info_nce` takes the candidates from the other view only (:math:`n - 1`
    negatives, :math:`n` terms in the denominator). With ``same_view_negatives=False`` the
    same-view candidates are left out here too, and NT-Xent becomes the symmetric InfoNCE,
    ``losses.info_nce(..., symmetric=True)`` (CLIP's).

    Example:
        >>> a = np.array([[1.0, 0.0], [0.0, 1.0]]); p = np.array([[1.0, 0.2], [0.1, 1.0]])
        >>> round(nt_xent(a, p, 1.0, same_view_negatives=False), 6) == round(
        ...     float(info_nce(a, p, temperature=1.0, symmetric=True)), 6)
        True
    """
    a = np.asarray(anchor, dtype=np.float64)
    p = np.asarray(positive, dtype=np.float64)
    if a.ndim != 2 or a.shape != p.shape:
        raise ValueError(f"anchor and positive must both be (n, d), got {a.shape} and {p.shape}.")
    n = a.shape[0]
    z = np.concatenate([a, p])
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    s = z @ z.T / temperature  # (2n, 2n)
    partner = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
    view = np.repeat([0, 1], n)
    left_out = np.eye(2 * n, dtype=bool)  # a view is never its own candidate
    if not same_view_negatives:
        left_out |= view[:, None] == view[None, :]
    s_cand = np.where(left_out, -np.inf, s)
    m = s_cand.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(s_cand - m).sum(axis=1))
    return float(np.mean(lse - s[np.arange(2 * n), partner]))


# ------------------------------------------------------------------------------------ data


@dataclass(frozen=True)
class Identities:
    """Clustered samples of several identities, split three ways.

    ``x_train, y_train``: samples of the training identities; ``x_test, y_test``: other samples
    of the same identities (held out); ``x_new, y_new``: samples of identities never seen in
    training (as a face-recognition system meets new people). ``basis`` is the ``(dim, k)``
    orthonormal basis of the informative subspace.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_new: np.ndarray
    y_new: np.ndarray
    basis: np.ndarray


def make_identities(
    n_classes: int = 8,
    n_new_classes: int = 4,
    *,
    per_class_train: int = 30,
    per_class_test: int = 15,
    dim: int = 20,
    n_informative: int = 3,
    center_std: float = 1.5,
    within_std: float = 0.4,
    noise_std: float = 1.0,
    seed: int = 0,
) -> Identities:
    r"""Identities that differ only in a few directions of a higher-dimensional space.

    Each identity :math:`k` has a centre :math:`c_k \sim \mathcal N(0, s_c^2 I)` in a
    ``n_informative``-dimensional subspace; a sample is its centre plus within-identity noise
    (std ``within_std``) in that subspace, plus pure noise (std ``noise_std``) in the other
    ``dim - n_informative`` directions, which carry no information about the identity. The whole
    space is then rotated by a random orthogonal matrix, so the informative directions are not
    coordinate axes: a projection has to *learn* them. Identities ``0 .. n_classes-1`` are for
    training; ``n_classes ..`` are the new ones.

    Example:
        >>> d = make_identities(seed=0)
        >>> d.x_train.shape, d.x_test.shape, d.x_new.shape, sorted(set(d.y_new.tolist()))
        ((240, 20), (120, 20), (60, 20), [8, 9, 10, 11])
    """
    rng = np.random.default_rng(seed)
    rotation, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    centres = rng.normal(0.0, center_std, (n_classes + n_new_classes, n_informative))

    def draw(classes, per_class):
        y = np.repeat(np.asarray(classes), per_class)
        informative = centres[y] + rng.normal(0.0, within_std, (y.size, n_informative))
        noise = rng.normal(0.0, noise_std, (y.size, dim - n_informative))
        return np.hstack([informative, noise]) @ rotation.T, y

    x_train, y_train = draw(range(n_classes), per_class_train)
    x_test, y_test = draw(range(n_classes), per_class_test)
    x_new, y_new = draw(range(n_classes, n_classes + n_new_classes), per_class_test)
    return Identities(x_train, y_train, x_test, y_test, x_new, y_new, rotation[:, :n_informative])


# ----------------------------------------------------------------------------- retrieval


def _pairwise_distances(e: np.ndarray) -> np.ndarray:
    sq = np.einsum("ij,ij->i", e, e)
    d2 = sq[:, None] + sq[None, :] - 2.0 * e @ e.T
    return np.sqrt(np.maximum(d2, 0.0))  # rounding can make a 0 slightly negative


def recall_at_1(embeddings, labels) -> float:
    r"""Recall@1: the fraction of points whose nearest other point has the same label.

    Each point queries all the *other* points of the set (itself excluded), so this is
    leave-one-out 1-nearest-neighbour accuracy, the usual retrieval metric for held-out
    identities.

    Example:
        >>> e = [[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [0.3, 0.0]]
        >>> recall_at_1(e, [0, 0, 1, 1])   # 0 and 1 find each other, 2 finds 3; 3 finds 1: wrong
        0.75
    """
    e = np.asarray(embeddings, dtype=np.float64)
    y = np.asarray(labels)
    if e.ndim != 2 or y.shape != (e.shape[0],):
        raise ValueError(
            f"embeddings must be (n, d) with one label each, got {e.shape} and {y.shape}."
        )
    d = _pairwise_distances(e)
    np.fill_diagonal(d, np.inf)
    return float(np.mean(y[np.argmin(d, axis=1)] == y))


def cosine_recall_at_1(embeddings, labels) -> float:
    r"""Recall@1 by cosine similarity: :func:`recall_at_1` of the rows scaled to unit length.

    On unit vectors :math:`\|\hat x - \hat y\|^2 = 2 - 2\cos(x, y)`, so the nearest neighbour on
    the unit sphere is the most cosine-similar point: the retrieval that suits a loss which, like
    InfoNCE, only sees directions. A zero row has no direction; it stays at the origin.

    Example:
        >>> e = [[1.0, 0.0], [5.0, 0.5], [0.0, 1.0], [0.0, 9.0]]
        >>> recall_at_1(e, [0, 0, 1, 1]), cosine_recall_at_1(e, [0, 0, 1, 1])
        (0.5, 1.0)
    """
    e = np.asarray(embeddings, dtype=np.float64)
    if e.ndim != 2:
        raise ValueError(f"embeddings must be (n, d), got shape {e.shape}.")
    norm = np.linalg.norm(e, axis=1, keepdims=True)
    return recall_at_1(np.divide(e, norm, out=np.zeros_like(e), where=norm > 0), labels)


def init_projection(dim: int, seed: int = 0, embed_dim: int = 2) -> np.ndarray:
    r"""The random starting projection :math:`W_0 \in \mathbb R^{k \times d}` (:math:`k` =
    ``embed_dim``, 2 in the chapter), entries :math:`\mathcal N(0, 1/d)` (so an embedding has
    roughly the scale of one input coordinate).

    Every training run with the same seed starts from it, and it is the "random projection"
    baseline. A 3-D start extends the 2-D one by a third row (the first two rows are the same).

    Example:
        >>> init_projection(20, seed=0).shape
        (2, 20)
        >>> bool(np.array_equal(init_projection(20, seed=0, embed_dim=3)[:2], init_projection(20)))
        True
    """
    return np.random.default_rng([seed, 0]).normal(0.0, 1.0 / np.sqrt(dim), (embed_dim, dim))


@dataclass(frozen=True)
class Baselines:
    """Recall@1 without learning: in the raw input space and after the random projection
    :math:`W_0`, on held-out samples (``*_test``) and on new identities (``*_new``)."""

    raw_test: float
    raw_new: float
    random_test: float
    random_new: float


def baselines(data: Identities, seed: int = 0) -> Baselines:
    """Recall@1 of the raw inputs and of the random 2-D projection every run starts from.

    Example:
        >>> b = baselines(make_identities(seed=0))
        >>> bool(b.raw_test > b.random_test)
        True
    """
    w0 = init_projection(data.x_train.shape[1], seed)
    return Baselines(
        raw_test=recall_at_1(data.x_test, data.y_test),
        raw_new=recall_at_1(data.x_new, data.y_new),
        random_test=recall_at_1(data.x_test @ w0.T, data.y_test),
        random_new=recall_at_1(data.x_new @ w0.T, data.y_new),
    )


# ------------------------------------------------------------------------ batches and mining


def sample_batch(rng, labels, classes_per_batch: int = 4, per_class: int = 4) -> np.ndarray:
    """Indices of a mini-batch: ``per_class`` samples from each of ``classes_per_batch``
    identities drawn at random (the "P×K" batches that in-batch mining needs, as in FaceNet).

    Example:
        >>> idx = sample_batch(np.random.default_rng(0), np.repeat(np.arange(8), 30))
        >>> idx.shape, np.unique(np.repeat(np.arange(8), 30)[idx]).size
        ((16,), 4)
    """
    labels = np.asarray(labels)
    groups = {c: np.flatnonzero(labels == c) for c in np.unique(labels).tolist()}
    return _draw_batch(rng, groups, classes_per_batch, per_class)


def _draw_batch(rng, groups: dict, classes_per_batch: int, per_class: int) -> np.ndarray:
    keys = list(groups)
    classes = rng.choice(len(keys), size=classes_per_batch, replace=False)
    return np.concatenate(
        [rng.choice(groups[keys[c]], size=per_class, replace=False) for c in classes]
    )


def mine_negatives(
    embeddings,
    labels,
    anchors,
    positives,
    *,
    margin: float = 1.0,
    strategy: str = "semi-hard",
    rng=None,
) -> np.ndarray:
    r"""Choose one negative (an index into the batch) for each anchor–positive pair.

    * ``"random"``: any sample of another identity, uniformly (``rng`` required).
    * ``"semi-hard"`` (FaceNet): a negative farther from the anchor than the positive but
      inside the margin, :math:`D_p < D_n \le D_p + m`; of those, the closest to the anchor
      (the hardest semi-hard one, as in TensorFlow Addons' ``TripletSemiHardLoss``). If there
      is none: the hard negative closest to the semi-hard band (the largest :math:`D_n \le
      D_p`); if every negative is easy, the closest one (its loss is 0 either way).

    The very hardest negatives (smallest :math:`D_n`) are avoided on purpose: FaceNet reports
    that they lead to bad local minima early in training (a collapsed embedding).

    Example:
        >>> e = np.array([[0.0], [1.0], [1.5], [-0.5], [5.0]])   # anchor 0, positive 1 (D_p = 1)
        >>> mine_negatives(e, [0, 0, 1, 1, 1], [0], [1], margin=1.0).tolist()   # 1.5 is semi-hard
        [2]
    """
    e = np.asarray(embeddings, dtype=np.float64)
    labels = np.asarray(labels)
    anchors, positives = np.asarray(anchors), np.asarray(positives)
    other = labels[anchors][:, None] != labels[None, :]  # (pairs, batch): candidate negatives
    if not other.any(axis=1).all():
        raise ValueError("every anchor needs at least one sample of another identity in the batch.")
    if strategy == "random":
        if rng is None:
            raise ValueError("strategy='random' needs an rng.")
        # a uniform choice among the candidates: the argmax of random keys on them
        keys = np.where(other, rng.random(other.shape), -1.0)
        return np.argmax(keys, axis=1)
    if strategy != "semi-hard":
        raise ValueError(f"strategy must be 'random' or 'semi-hard', got {strategy!r}.")
    d = _pairwise_distances(e)[anchors]  # (pairs, batch)
    dp = d[np.arange(anchors.size), positives][:, None]
    semi = other & (d > dp) & (d <= dp + margin)
    hard = other & (d <= dp)
    closest_semi = np.argmin(np.where(semi, d, np.inf), axis=1)
    least_hard = np.argmax(np.where(hard, d, -np.inf), axis=1)
    closest = np.argmin(np.where(other, d, np.inf), axis=1)
    return np.where(semi.any(axis=1), closest_semi, np.where(hard.any(axis=1), least_hard, closest))


def _positive_pairs(labels: np.ndarray, ordered: bool):
    """All pairs (i, j), i != j, of the same identity; i < j unless ordered."""
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    if not ordered:
        same = np.triu(same)
    return np.nonzero(same)


# -------------------------------------------------------------------------------- training


@dataclass(frozen=True)
class TrainingRun:
    """One embedding trained by mini-batch gradient descent.

    Per step: ``loss`` (mean over the step's tuples), ``active`` (the fraction of tuples with a
    non-zero loss, i.e. that produce gradient; always 1 for InfoNCE, whose terms are never 0).
    Per evaluation (every ``eval_every`` steps, and at step 0): ``eval_steps``, ``samples_seen``
    (batch samples embedded so far), ``tuples_seen`` (pairs, triplets or InfoNCE rows scored so
    far), ``recall_test`` and ``recall_new``, measured by ``retrieval``: ``"euclidean"``
    (:func:`recall_at_1` of :math:`Wx`) or ``"cosine"`` (:func:`cosine_recall_at_1`).
    ``w0`` and ``w`` are the projections before and after; :meth:`embed` applies ``w``.
    ``temperature`` is InfoNCE's :math:`\tau` (None for the other losses).
    """

    loss_name: str
    mining: str | None
    w0: np.ndarray
    w: np.ndarray
    loss: np.ndarray
    active: np.ndarray
    eval_steps: np.ndarray
    samples_seen: np.ndarray
    tuples_seen: np.ndarray
    recall_test: np.ndarray
    recall_new: np.ndarray
    retrieval: str = "euclidean"
    temperature: float | None = None

    @property
    def label(self) -> str:
        if self.loss_name == "info_nce":
            return f"InfoNCE (τ = {self.temperature:g})"
        return self.loss_name if self.mining is None else f"{self.loss_name} ({self.mining})"

    def embed(self, x, *, before: bool = False) -> np.ndarray:
        """Embeddings :math:`W x` of the rows of ``x`` (with :math:`W_0` if ``before``)."""
        return np.asarray(x, dtype=np.float64) @ (self.w0 if before else self.w).T

    def steps_to(self, target: float, which: str = "test") -> float:
        """The first evaluated step at which recall@1 reached ``target`` (``inf`` if never)."""
        recall = self.recall_test if which == "test" else self.recall_new
        hit = np.flatnonzero(recall >= target)
        return float(self.eval_steps[hit[0]]) if hit.size else float("inf")


#: Step sizes per (loss, mining), each tuned the same way: from {0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1},
#: the one with the highest held-out recall@1 averaged over a 200-step run (so it rewards both
#: speed and the final value), averaged over seeds 100-109 (seeds the chapter does not report).
#: Contrastive loss tolerates smaller steps: its similar-pair gradient grows with the distance,
#: and from 0.3 on it diverges.
DEFAULT_LR = {("contrastive", None): 0.1, ("triplet", "random"): 0.2, ("triplet", "semi-hard"): 0.2}

#: InfoNCE's step size for each temperature, tuned as :data:`DEFAULT_LR` (same grid, seeds and
#: criterion, with recall@1 by cosine similarity, the retrieval InfoNCE is made for) by
#: :func:`tune_info_nce`; :data:`INFO_NCE_TEMPERATURE` is the temperature whose best step size
#: scored highest.
INFO_NCE_LR = {0.05: 0.03, 0.1: 0.03, 0.2: 0.2, 0.5: 0.1, 1.0: 0.5}
INFO_NCE_TEMPERATURE = 1.0


def batch_gradient(
    w,
    xb,
    yb,
    loss: str,
    *,
    mining: str | None = None,
    margin: float = 1.0,
    rng=None,
    temperature: float | None = None,
):
    r"""One step's work: the tuples of a batch, their losses, and :math:`\partial L/\partial W`.

    ``L`` is the mean loss over the batch's tuples (see :func:`train_embedding` for how they are
    formed; ``rng`` draws the dissimilar pairs or the random negatives). For ``"info_nce"`` the
    rows of the batch come in pairs, rows ``2k`` and ``2k + 1`` of one identity (anchor and
    positive), and every other pair's positive is a negative. The gradient of ``L``
    with respect to each embedding :math:`e_b = W x_b` comes from :func:`losses.contrastive_grad`,
    :func:`losses.triplet_grad` or :func:`losses.info_nce_grad`; a sample in several tuples
    collects the sum of its gradients (``np.add.at``). The chain rule through the linear map then
    gives

    .. math:: \frac{\partial L}{\partial W} = \sum_b \frac{\partial L}{\partial e_b}\,x_b^\top
              \quad(\text{in matrix form } G^\top X_b,\ G \text{ the stacked } \partial L/\partial e_b).

    The negatives are mined with the current embeddings and then held fixed: the gradient is
    that of the loss of the chosen triplets (as in FaceNet), not of the choice.

    Returns:
        ``(per_tuple_loss, grad_w)``: shapes ``(n_tuples,)`` and ``w.shape``.

    Example:
        >>> w = np.array([[1.0, 0.0]])                       # a 2-D input embedded in 1-D
        >>> xb = np.array([[0.0, 5.0], [0.5, 5.0]])           # one similar pair, D = 0.5
        >>> per, g = batch_gradient(w, xb, np.array([0, 0]), "contrastive")
        >>> per.tolist(), g.tolist()                          # D², and 2D pulling them together
        ([0.25], [[0.5, 0.0]])
    """
    e = xb @ w.T  # (B, k) embeddings
    de = np.zeros_like(e)  # dL/de_b, summed over the tuples each sample is in
    if loss == "contrastive":
        pi, pj = _positive_pairs(yb, ordered=False)
        ni, nj = np.nonzero(np.triu(yb[:, None] != yb[None, :]))
        if ni.size:
            pick = rng.choice(ni.size, size=min(pi.size, ni.size), replace=False)
            ni, nj = ni[pick], nj[pick]
        i, j = np.concatenate([pi, ni]), np.concatenate([pj, nj])
        sim = np.concatenate([np.ones(pi.size), np.zeros(ni.size)])
        per = contrastive(sim, e[i], e[j], margin=margin, reduction="none")
        g1, g2 = contrastive_grad(sim, e[i], e[j], margin=margin)
        np.add.at(de, i, g1)
        np.add.at(de, j, g2)
    elif loss == "triplet":
        a, p = _positive_pairs(yb, ordered=True)
        n = mine_negatives(e, yb, a, p, margin=margin, strategy=mining, rng=rng)
        per = triplet(e[a], e[p], e[n], margin=margin, reduction="none")
        ga, gp, gn = triplet_grad(e[a], e[p], e[n], margin=margin)
        np.add.at(de, a, ga)
        np.add.at(de, p, gp)
        np.add.at(de, n, gn)
    elif loss == "info_nce":
        if yb.size % 2 or np.any(yb[0::2] != yb[1::2]):
            raise ValueError(
                "info_nce needs the batch in pairs: rows 2k and 2k+1 of one identity "
                "(anchor, positive)."
            )
        tau = INFO_NCE_TEMPERATURE if temperature is None else temperature
        per = info_nce(e[0::2], e[1::2], temperature=tau, reduction="none")
        de[0::2], de[1::2] = info_nce_grad(e[0::2], e[1::2], temperature=tau)
    else:
        raise ValueError(f"loss must be 'contrastive', 'triplet' or 'info_nce', got {loss!r}.")
    # chain rule through e_b = W x_b:  dL/dW = sum_b dL/de_b x_b^T
    return per, de.T @ xb


def train_embedding(
    data: Identities,
    loss: str,
    *,
    mining: str | None = "random",
    steps: int = 200,
    lr: float | None = None,
    margin: float = 1.0,
    temperature: float | None = None,
    classes_per_batch: int | None = None,
    per_class: int | None = None,
    embed_dim: int = 2,
    retrieval: str | None = None,
    eval_every: int = 5,
    seed: int = 0,
) -> TrainingRun:
    r"""Learn :math:`W` (2 × d) so that the embeddings :math:`e = W x` suit retrieval.

    Every step draws a P×K batch (:func:`sample_batch`: 4 identities × 4 samples = 16 samples),
    embeds it, and scores tuples formed inside the batch:

    * ``"contrastive"``: every similar pair of the batch (4 · C(4, 2) = 24) and as many
      dissimilar pairs drawn at random from the batch's 96: 48 pairs, half similar.
    * ``"triplet"``: every ordered anchor–positive pair (4 · 4 · 3 = 48), each with one negative
      chosen by ``mining`` (:func:`mine_negatives`): 48 triplets.

    So these methods see the same batches (the batch stream depends only on ``seed``), embed 16
    samples and score 48 tuples per step: the budget is equal in steps, in samples and in
    tuples. :func:`batch_gradient` turns a batch into :math:`\partial L/\partial W` (the chain rule
    through :math:`e_b = W x_b`: :math:`\partial L/\partial W = \sum_b (\partial L/\partial e_b)
    x_b^\top`), and :math:`W \leftarrow W - \eta\,\partial L/\partial W`, starting from
    :func:`init_projection`. ``lr=None`` takes the step size of :data:`DEFAULT_LR`.

    * ``"info_nce"`` (temperature ``temperature``, default :data:`INFO_NCE_TEMPERATURE`; step
      size :data:`INFO_NCE_LR`): the batch is read as pairs, samples 2k and 2k+1 of one identity,
      and each anchor's negatives are the other pairs' positives (in-batch negatives). By
      default a batch is one pair from each of 8 identities (8 × 2 = 16 samples, the same
      number as above, so no negative shares the anchor's identity); with
      ``classes_per_batch=4, per_class=4`` it is the P×K batch above read as 8 pairs, and each
      anchor meets a sample of its own identity among its negatives (a *false negative*).
      Retrieval is by cosine similarity unless ``retrieval="euclidean"``.

    ``embed_dim`` is the dimension of the embedding (2 in the chapter).

    Example:
        >>> run = train_embedding(make_identities(seed=0), "contrastive", seed=0)
        >>> run.label, run.eval_steps[:3].tolist(), int(run.samples_seen[1]), int(run.tuples_seen[1])
        ('contrastive', [0, 5, 10], 80, 240)
    """
    x, y = data.x_train, data.y_train
    if loss in ("contrastive", "info_nce"):
        mining = None
    elif loss == "triplet":
        if mining not in ("random", "semi-hard"):
            raise ValueError(f"mining must be 'random' or 'semi-hard', got {mining!r}.")
    else:
        raise ValueError(f"loss must be 'contrastive', 'triplet' or 'info_nce', got {loss!r}.")
    if loss == "info_nce":
        temperature = INFO_NCE_TEMPERATURE if temperature is None else float(temperature)
        if lr is None and temperature not in INFO_NCE_LR:
            raise ValueError(
                f"no tuned step size for temperature {temperature:g} (tuned: "
                f"{sorted(INFO_NCE_LR)}); pass lr."
            )
        lr = INFO_NCE_LR[temperature] if lr is None else lr
        classes_per_batch = classes_per_batch or min(8, np.unique(y).size)
        per_class = per_class or 2
        if per_class % 2:
            raise ValueError(
                f"info_nce pairs the samples of an identity: per_class must be even, got {per_class}."
            )
        retrieval = retrieval or "cosine"
    else:
        if temperature is not None:
            raise ValueError(f"temperature is InfoNCE's parameter; {loss} has none.")
        lr = DEFAULT_LR[(loss, mining)] if lr is None else lr
        classes_per_batch, per_class = classes_per_batch or 4, per_class or 4
        retrieval = retrieval or "euclidean"
    if retrieval not in ("euclidean", "cosine"):
        raise ValueError(f"retrieval must be 'euclidean' or 'cosine', got {retrieval!r}.")
    recall = recall_at_1 if retrieval == "euclidean" else cosine_recall_at_1
    batch_rng = np.random.default_rng([seed, 1])  # the same batches for every method
    tuple_rng = np.random.default_rng([seed, 2])  # random dissimilar pairs / random negatives
    w0 = init_projection(x.shape[1], seed, embed_dim)
    w = w0.copy()
    losses_, active = np.empty(steps), np.empty(steps)
    eval_steps, seen_s, seen_t, rec_test, rec_new = [], [], [], [], []
    n_samples = n_tuples = 0

    def evaluate(t):
        eval_steps.append(t)
        seen_s.append(n_samples)
        seen_t.append(n_tuples)
        rec_test.append(recall(data.x_test @ w.T, data.y_test))
        rec_new.append(recall(data.x_new @ w.T, data.y_new))

    groups = {c: np.flatnonzero(y == c) for c in np.unique(y).tolist()}  # as in sample_batch
    evaluate(0)
    for t in range(steps):
        idx = _draw_batch(batch_rng, groups, classes_per_batch, per_class)
        xb = x[idx]
        per, grad_w = batch_gradient(
            w,
            xb,
            y[idx],
            loss,
            mining=mining,
            margin=margin,
            rng=tuple_rng,
            temperature=temperature,
        )
        w -= lr * grad_w
        losses_[t] = per.mean()
        active[t] = np.mean(per > 0)
        n_samples += idx.size
        n_tuples += per.size
        if (t + 1) % eval_every == 0 or t + 1 == steps:
            evaluate(t + 1)
    return TrainingRun(
        loss,
        mining,
        w0,
        w,
        losses_,
        active,
        np.array(eval_steps),
        np.array(seen_s),
        np.array(seen_t),
        np.array(rec_test),
        np.array(rec_new),
        retrieval,
        temperature,
    )


@dataclass(frozen=True)
class SpeedComparison:
    """Recall@1 of each method over several seeds.

    ``labels[m]`` names method ``m``; ``final_test[m, s]`` and ``final_new[m, s]`` are the recall
    after the last step for seed ``seeds[s]``; ``steps_to_target[m, s]`` the first evaluated step
    with held-out recall ≥ ``target`` (``inf`` if never); ``curves[m, s]`` the held-out recall at
    ``eval_steps``; ``active[m, s]`` the fraction of tuples still producing gradient over the last
    20 steps; ``final_w[m, s]`` the trained projection (to embed the data again, e.g. to
    measure retrieval another way).
    """

    labels: tuple[str, ...]
    seeds: tuple[int, ...]
    target: float
    eval_steps: np.ndarray
    curves: np.ndarray
    final_test: np.ndarray
    final_new: np.ndarray
    steps_to_target: np.ndarray
    active: np.ndarray
    final_w: np.ndarray | None = None
    data_kw: dict | None = None
    retrievals: tuple[str, ...] | None = None

    def final_recall(self, retrieval: str = "euclidean", which: str = "test") -> np.ndarray:
        """Recall@1 of each method and seed after the last step, by ``retrieval``
        (``"euclidean"``: :func:`recall_at_1`; ``"cosine"``: :func:`cosine_recall_at_1`), on the
        held-out samples (``which="test"``) or the new identities (``"new"``); shape
        (methods, seeds). The data are made again from the seeds."""
        recall = {"euclidean": recall_at_1, "cosine": cosine_recall_at_1}[retrieval]
        out = np.empty(self.final_w.shape[:2])
        for k, seed in enumerate(self.seeds):
            d = make_identities(seed=seed, **(self.data_kw or {}))
            x, y = (d.x_test, d.y_test) if which == "test" else (d.x_new, d.y_new)
            for m in range(out.shape[0]):
                out[m, k] = recall(x @ self.final_w[m, k].T, y)
        return out

    def retrieval_summary(self) -> list[dict]:
        """One row per method: recall@1 after the last step, averaged over the seeds, on the
        held-out samples by Euclidean distance (``"distance"``) and by cosine similarity
        (``"cosine"``); the retrieval the method is trained for (``"retrieval"``: distance for
        contrastive and triplet loss, cosine for InfoNCE) with its min and max over the seeds
        (``"own min"``, ``"own max"``), and its recall on the new identities (``"new"``)."""
        dist, cos = self.final_recall("euclidean"), self.final_recall("cosine")
        rows = []
        for m, label in enumerate(self.labels):
            own = (self.retrievals or ("euclidean",) * len(self.labels))[m]
            own_values = dist[m] if own == "euclidean" else cos[m]
            rows.append(
                {
                    "method": label,
                    "retrieval": "distance" if own == "euclidean" else "cosine",
                    "distance": float(dist[m].mean()),
                    "cosine": float(cos[m].mean()),
                    "own min": float(own_values.min()),
                    "own max": float(own_values.max()),
                    "new": float(self.final_new[m].mean()),
                }
            )
        return rows

    def recall_at(self, step: int) -> np.ndarray:
        """Held-out recall@1 of each method and seed after ``step`` steps, shape (methods, seeds)."""
        k = int(np.searchsorted(self.eval_steps, step))
        if k == self.eval_steps.size or self.eval_steps[k] != step:
            raise ValueError(
                f"step {step} was not evaluated; evaluated steps: {self.eval_steps.tolist()}"
            )
        return self.curves[:, :, k]

    def summary(self, early: int = 10) -> list[dict]:
        """One row per method, averaged over the seeds: held-out recall@1 after ``early`` steps
        and at the end, recall@1 on new identities at the end, the median number of steps to the
        target (over seeds; ``inf`` if more than half never reach it), how many seeds reached it,
        and the fraction of tuples still producing gradient at the end."""
        rows = []
        at_early = self.recall_at(early)
        for m, label in enumerate(self.labels):
            rows.append(
                {
                    "method": label,
                    f"recall@1 after {early} steps": float(at_early[m].mean()),
                    "recall@1 held-out": float(self.final_test[m].mean()),
                    "recall@1 new identities": float(self.final_new[m].mean()),
                    "median steps to target": float(np.median(self.steps_to_target[m])),
                    "seeds reaching target": int(np.isfinite(self.steps_to_target[m]).sum()),
                    "active tuples at end": float(self.active[m].mean()),
                }
            )
        return rows


def speed_comparison(
    seeds=(0, 1, 2, 3, 4),
    *,
    target: float = 0.8,
    steps: int = 200,
    methods=METHODS,
    data_kw: dict | None = None,
    train_kw: dict | None = None,
) -> SpeedComparison:
    """Train every method on every seed (fresh data, start and batches per seed) and compare
    how fast held-out recall@1 rises.

    Speed is measured in steps; since every method embeds the same 16 samples and scores 48
    tuples per step, it is the same ranking in samples or tuples seen. ``methods`` are
    ``(loss, mining)`` pairs (``("info_nce", None)`` for InfoNCE); ``train_kw`` is passed to
    every :func:`train_embedding` call (``{"temperature": 0.2}``, ``{"embed_dim": 3}``...).

    Example:
        >>> cmp = speed_comparison(seeds=(0,), steps=40)
        >>> cmp.labels
        ('contrastive', 'triplet (random)', 'triplet (semi-hard)')
        >>> cmp.curves.shape
        (3, 1, 9)
    """
    runs = [
        [
            train_embedding(
                make_identities(seed=s, **(data_kw or {})),
                loss,
                mining=mining,
                steps=steps,
                seed=s,
                **(train_kw or {}),
            )
            for s in seeds
        ]
        for loss, mining in methods
    ]
    return SpeedComparison(
        labels=tuple(r[0].label for r in runs),
        seeds=tuple(seeds),
        target=target,
        eval_steps=runs[0][0].eval_steps,
        curves=np.array([[r.recall_test for r in row] for row in runs]),
        final_test=np.array([[r.recall_test[-1] for r in row] for row in runs]),
        final_new=np.array([[r.recall_new[-1] for r in row] for row in runs]),
        steps_to_target=np.array([[r.steps_to(target) for r in row] for row in runs]),
        active=np.array([[r.active[-20:].mean() for r in row] for row in runs]),
        final_w=np.array([[r.w for r in row] for row in runs]),
        data_kw=dict(data_kw or {}),
        retrievals=tuple(r[0].retrieval for r in runs),
    )


@dataclass(frozen=True)
class InfoNCETuning:
    """The grid search behind :data:`INFO_NCE_LR`: ``scores[t, k]`` is the held-out recall@1
    averaged over the run and over the seeds, for ``temperatures[t]`` and ``lrs[k]``."""

    temperatures: tuple[float, ...]
    lrs: tuple[float, ...]
    seeds: tuple[int, ...]
    scores: np.ndarray

    @property
    def best_lr(self) -> dict:
        """The best step size for each temperature."""
        return {
            t: self.lrs[int(np.argmax(row))]
            for t, row in zip(self.temperatures, self.scores, strict=True)
        }

    @property
    def best_temperature(self) -> float:
        """The temperature whose best step size scored highest."""
        return self.temperatures[int(np.argmax(self.scores.max(axis=1)))]


def tune_info_nce(
    temperatures=(0.05, 0.1, 0.2, 0.5, 1.0),
    lrs=(0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0),
    seeds=tuple(range(100, 110)),
    *,
    steps: int = 200,
) -> InfoNCETuning:
    """Choose InfoNCE's step size for each temperature, and the temperature, the way the
    chapter chose the other methods' step sizes (:data:`DEFAULT_LR`): the held-out recall@1
    (by cosine similarity) averaged over a ``steps``-step run and over ``seeds``, which the
    chapter does not report. With the defaults it takes about a minute; its result is stored in
    :data:`INFO_NCE_LR` and :data:`INFO_NCE_TEMPERATURE`.

    Example:
        >>> t = tune_info_nce(temperatures=(0.2,), lrs=(0.01, 0.2), seeds=(100,), steps=20)
        >>> t.scores.shape, t.best_lr
        ((1, 2), {0.2: 0.2})
    """
    data = [make_identities(seed=s) for s in seeds]
    scores = np.array(
        [
            [
                np.mean(
                    [
                        train_embedding(
                            d, "info_nce", temperature=t, lr=lr, steps=steps, seed=s
                        ).recall_test.mean()
                        for d, s in zip(data, seeds, strict=True)
                    ]
                )
                for lr in lrs
            ]
            for t in temperatures
        ]
    )
    return InfoNCETuning(tuple(temperatures), tuple(lrs), tuple(seeds), scores)


@dataclass(frozen=True)
class TemperatureSweep:
    """InfoNCE's final held-out recall@1 (by cosine) over temperatures, step sizes and seeds.

    ``lrs[t, k]`` is the step size ``lr_factors[k] × INFO_NCE_LR[temperatures[t]]``;
    ``final[t, k, s]`` the recall after the last step and ``early[t, k, s]`` after ``early_step``
    steps, for seed ``seeds[s]``.
    """

    temperatures: tuple[float, ...]
    lr_factors: tuple[float, ...]
    seeds: tuple[int, ...]
    lrs: np.ndarray
    final: np.ndarray
    early: np.ndarray
    early_step: int

    def worst(self) -> tuple[float, float, int, float]:
        """The lowest final recall: ``(temperature, step size, seed, recall)``."""
        t, k, s = np.unravel_index(int(np.argmin(self.final)), self.final.shape)
        return (
            self.temperatures[t],
            float(self.lrs[t, k]),
            self.seeds[s],
            float(self.final[t, k, s]),
        )


def temperature_sweep(
    temperatures=(0.05, 0.1, INFO_NCE_TEMPERATURE),
    lr_factors=(1 / 3, 1.0, 3.0),
    seeds=(0, 1, 2, 3, 4),
    *,
    steps: int = 200,
    early_step: int = 10,
) -> TemperatureSweep:
    """Train InfoNCE at each temperature with its tuned step size (:data:`INFO_NCE_LR`) and with
    that step size multiplied by each of ``lr_factors``, on each seed: is a temperature's result
    a property of the temperature, or of one seed and one step size?

    Example:
        >>> sw = temperature_sweep((0.1,), (1.0, 2.0), seeds=(0,), steps=10, early_step=5)
        >>> sw.final.shape, sw.lrs.round(2).tolist()
        ((1, 2, 1), [[0.03, 0.06]])
    """
    data = {s: make_identities(seed=s) for s in seeds}
    lrs = np.array([[f * INFO_NCE_LR[t] for f in lr_factors] for t in temperatures])
    final = np.empty((len(temperatures), len(lr_factors), len(seeds)))
    early = np.empty_like(final)
    for i, t in enumerate(temperatures):
        for k in range(len(lr_factors)):
            for j, s in enumerate(seeds):
                run = train_embedding(
                    data[s], "info_nce", temperature=t, lr=float(lrs[i, k]), steps=steps, seed=s
                )
                final[i, k, j] = run.recall_test[-1]
                early[i, k, j] = run.recall_test[list(run.eval_steps).index(early_step)]
    return TemperatureSweep(
        tuple(temperatures), tuple(lr_factors), tuple(seeds), lrs, final, early, early_step
    )
